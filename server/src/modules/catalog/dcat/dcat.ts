import type { EntryContent, EntryField, ShareType } from '../domain/entry.ts';
import { dateTime, Graph, iri, plain, zh, type Term } from './rdf.ts';

/**
 * Published catalog entries as DCAT-AP 3 (https://semiceu.github.io/DCAT-AP/releases/3.0.1):
 * the catalog is a dcat:Catalog, each entry a dcat:Dataset with one dcat:Distribution per share
 * mode. Pure mapping: the data comes from dcat.service.ts. docs/catalog-dcat.md has the table.
 */

export interface Agent {
  id?: string;
  name: string;
  uscc?: string;
}

export interface PublishedEntry {
  id: string;
  code: string;
  version: number;
  content: EntryContent;
  /** First publication (dct:issued) and publication of the current version (dct:modified). */
  issued: Date;
  modified: Date;
  provider: Agent & { id: string };
  /** Related resources (relatedResourceCodes) that are published too. */
  related: { id: string; code: string }[];
}

export interface Classification {
  code: string;
  name: string;
  parentCode: string | null;
}

const EU = 'http://publications.europa.eu/resource/authority';
const ZHO = `${EU}/language/ZHO`;

/** EU frequency vocabulary (http://publications.europa.eu/resource/authority/frequency). */
export const FREQUENCY: Record<EntryContent['updateCycle'], string> = {
  realtime: `${EU}/frequency/UPDATE_CONT`,
  daily: `${EU}/frequency/DAILY`,
  weekly: `${EU}/frequency/WEEKLY`,
  monthly: `${EU}/frequency/MONTHLY`,
  quarterly: `${EU}/frequency/QUARTERLY`,
  half_yearly: `${EU}/frequency/ANNUAL_2`,
  yearly: `${EU}/frequency/ANNUAL`,
  irregular: `${EU}/frequency/IRREG`,
};

/**
 * EU access-right vocabulary (PUBLIC / RESTRICTED / NON_PUBLIC), which is about access by the
 * public. Share attributes (共享属性) are about sharing *between government departments*: an
 * unconditionally shared resource is still not available to the public, so unconditional and
 * conditional sharing are RESTRICTED, and not shared (不予共享) is NON_PUBLIC. What the public may
 * get is the open attribute (开放属性): only a resource opened to society without conditions
 * (open.type = 'open') is PUBLIC.
 */
export function accessRight(share: ShareType, open: EntryContent['open']['type']): string {
  if (share === 'none') return `${EU}/access-right/NON_PUBLIC`;
  if (open === 'open') return `${EU}/access-right/PUBLIC`;
  return `${EU}/access-right/RESTRICTED`;
}

const SHARE_MODE_ZH: Record<EntryContent['share']['modes'][number], string> = {
  interface: '接口共享',
  exchange: '数据交换',
  query: '在线查询',
  download: '文件下载',
};
const SHARE_TYPE_ZH: Record<ShareType, string> = { unconditional: '无条件共享', conditional: '有条件共享', none: '不予共享' };
const OPEN_TYPE_ZH: Record<EntryContent['open']['type'], string> = { open: '无条件开放', conditional: '有条件开放', closed: '不予开放' };
const FORMAT_ZH: Record<EntryContent['format']['kind'], string> = {
  database: '数据库',
  file: '电子文件',
  interface: '接口',
  spreadsheet: '电子表格',
  image: '图像',
  stream: '流媒体',
  other: '其他',
};
const XSD_TYPE: Partial<Record<EntryField['dataType'], Term>> = {
  string: 'xsd:string',
  integer: 'xsd:integer',
  decimal: 'xsd:decimal',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  boolean: 'xsd:boolean',
  binary: 'xsd:base64Binary',
};
const expand = (t: Term) => {
  const [p, local] = t.split(':') as [string, string];
  return p === 'xsd' ? `http://www.w3.org/2001/XMLSchema#${local}` : t;
};

/** Stable IRIs under the platform's public base URL. */
export function iris(baseUrl: string) {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    catalog: `${base}/api/catalog`,
    dataset: (id: string) => `${base}/api/catalog/resources/${id}`,
    agent: (id: string) => `${base}/api/departments/${id}`,
    scheme: `${base}/api/catalog/classifications`,
    concept: (code: string) => `${base}/api/catalog/classifications#${encodeURIComponent(code)}`,
    format: (kind: string) => `${base}/api/catalog/formats#${encodeURIComponent(kind)}`,
  };
}

export interface DcatInput {
  baseUrl: string;
  entries: PublishedEntry[];
  classifications: Map<string, Classification>;
  /** Present for the whole catalog; absent for the export of one resource. */
  catalog?: { publisher: Agent };
}

export function dcatGraph(input: DcatInput): Graph {
  const g = new Graph();
  const to = iris(input.baseUrl);
  if (input.catalog) g.node(to.catalog, 'dcat:Catalog'); // first in the documents; filled in below

  const agent = (a: Agent, fallbackId: string) => {
    const id = a.id ? to.agent(a.id) : fallbackId;
    g.node(id, 'foaf:Agent', 'foaf:Organization').add('foaf:name', zh(a.name)).add('dct:identifier', a.uscc ? plain(a.uscc) : null);
    return id;
  };
  g.node(ZHO, 'dct:LinguisticSystem');

  /** The classification and its ancestors as skos:Concepts; returns their names, leaf first. */
  const concept = (code: string): string[] => {
    const names: string[] = [];
    for (let c = input.classifications.get(code); c; c = c.parentCode ? input.classifications.get(c.parentCode) : undefined) {
      names.push(c.name);
      const n = g.node(to.concept(c.code), 'skos:Concept')
        .add('skos:prefLabel', zh(c.name))
        .add('skos:notation', plain(c.code))
        .add('skos:inScheme', iri(to.scheme));
      if (c.parentCode && input.classifications.has(c.parentCode)) n.add('skos:broader', iri(to.concept(c.parentCode)));
      else n.add('skos:topConceptOf', iri(to.scheme));
    }
    return names;
  };

  for (const e of input.entries) {
    const c = e.content;
    const ds = to.dataset(e.id);
    const classNames = concept(c.classificationCode);
    const frequency = FREQUENCY[c.updateCycle];
    const rights = accessRight(c.share.type, c.open.type);
    g.node(frequency, 'dct:Frequency');
    g.node(rights, 'dct:RightsStatement');

    const d = g.node(ds, 'dcat:Dataset')
      .add('dct:identifier', plain(e.code))
      .add('dct:title', zh(c.name))
      .add('dct:description', zh(c.summary))
      .add('dct:publisher', iri(agent(e.provider, `${ds}#provider`)))
      .add('dct:issued', dateTime(e.issued))
      .add('dct:modified', dateTime(e.modified))
      .add('dcat:version', plain(String(e.version)))
      .add('dct:language', iri(ZHO))
      .add('dct:accrualPeriodicity', iri(frequency))
      .add('dct:accessRights', iri(rights))
      .add('dcat:keyword', ...classNames.map(zh))
      .add('dct:relation', ...e.related.map((r) => iri(to.dataset(r.id))));
    if (input.classifications.has(c.classificationCode)) d.add('dcat:theme', iri(to.concept(c.classificationCode)));

    if (c.providerUnit?.trim()) {
      const contact = `${ds}#contact`;
      g.node(contact, 'vcard:Kind', 'vcard:Organization').add('vcard:fn', zh(c.providerUnit)).add('vcard:organization-name', zh(e.provider.name));
      d.add('dcat:contactPoint', iri(contact));
    }

    // The information items (信息项): a CSVW table schema the dataset conforms to, columns in order.
    const schema = `${ds}#fields`;
    const columns = c.fields.map((f) => `${ds}#field-${encodeURIComponent(f.englishName)}`);
    g.node(schema, 'dct:Standard', 'csvw:Schema')
      .add('dct:title', zh(`${c.name} 信息项`))
      .add('csvw:column', columns.length ? { list: columns } : null);
    c.fields.forEach((f, i) => {
      const type = XSD_TYPE[f.dataType];
      g.node(columns[i]!, 'csvw:Column')
        .add('csvw:name', plain(f.englishName))
        .add('csvw:title', zh(f.name))
        .add('csvw:datatype', type ? iri(expand(type)) : null)
        .add('dct:description', zh(fieldNote(c, f)));
    });
    d.add('dct:conformsTo', iri(schema));

    // One distribution per share mode; access is requested through the entry on the platform.
    if (c.share.modes.length) {
      const format = to.format(c.format.kind);
      g.node(format, 'dct:MediaTypeOrExtent').add('rdfs:label', zh(FORMAT_ZH[c.format.kind]));
      const rightsNode = `${ds}#share-terms`;
      g.node(rightsNode, 'dct:RightsStatement').add('rdfs:label', zh(shareTerms(c)));
      for (const mode of c.share.modes) {
        const dist = `${ds}#distribution-${mode}`;
        g.node(dist, 'dcat:Distribution')
          .add('dct:title', zh(`${c.name}（${SHARE_MODE_ZH[mode]}）`))
          .add('dct:description', zh([`共享方式：${SHARE_MODE_ZH[mode]}`, c.format.detail ? `格式：${FORMAT_ZH[c.format.kind]}（${c.format.detail}）` : null].filter(Boolean).join('；')))
          .add('dcat:accessURL', iri(ds))
          .add('dct:format', iri(format))
          .add('dct:rights', iri(rightsNode));
        d.add('dcat:distribution', iri(dist));
      }
    }
  }

  if (input.catalog) {
    const ids = input.entries.map((e) => iri(to.dataset(e.id)));
    const issued = minDate(input.entries.map((e) => e.issued));
    const modified = maxDate(input.entries.map((e) => e.modified));
    g.node(to.scheme, 'skos:ConceptScheme').add('dct:title', zh('政务信息资源目录分类'));
    g.node(to.catalog, 'dcat:Catalog')
      .add('dct:title', zh('政务信息资源目录'))
      .add('dct:description', zh('本平台已发布的政务信息资源目录条目，按《政务信息资源目录编制指南（试行）》编制，以 DCAT-AP 3 描述。'))
      .add('dct:publisher', iri(agent(input.catalog.publisher, `${to.catalog}#publisher`)))
      .add('dct:language', iri(ZHO))
      .add('dcat:themeTaxonomy', iri(to.scheme))
      .add('dct:issued', issued ? dateTime(issued) : null)
      .add('dct:modified', modified ? dateTime(modified) : null)
      .add('dcat:dataset', ...ids);
  } else if (input.entries.length) {
    g.node(to.scheme, 'skos:ConceptScheme').add('dct:title', zh('政务信息资源目录分类'));
  }
  return g;
}

function fieldNote(c: EntryContent, f: EntryField): string {
  const share = f.shareType ?? c.share.type;
  return [
    f.description,
    f.length ? `长度 ${f.length}` : null,
    f.personal ? '个人信息' : null,
    f.sensitive ? '敏感信息' : null,
    f.base ? '基础信息项' : null,
    SHARE_TYPE_ZH[share],
    f.shareConditions ? `共享条件：${f.shareConditions}` : null,
    f.legalBasis ? `依据：${f.legalBasis}` : null,
    f.openType ? OPEN_TYPE_ZH[f.openType] : null,
  ]
    .filter((s): s is string => !!s && !!s.trim())
    .join('；');
}

/** The share and open attributes, conditions and legal basis, as one statement. */
function shareTerms(c: EntryContent): string {
  const parts = [
    SHARE_TYPE_ZH[c.share.type],
    c.share.conditions ? `共享条件：${c.share.conditions}` : null,
    c.share.legalBasis ? `依据：${c.share.legalBasis}` : null,
    OPEN_TYPE_ZH[c.open.type],
    c.open.conditions ? `开放条件：${c.open.conditions}` : null,
  ].filter((s): s is string => !!s && !!s.trim());
  return parts.join('；');
}

const minDate = (ds: Date[]) => ds.reduce<Date | null>((m, d) => (m === null || d < m ? d : m), null);
const maxDate = (ds: Date[]) => ds.reduce<Date | null>((m, d) => (m === null || d > m ? d : m), null);
