import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import jsonld from 'jsonld';
import { DataFactory, Parser, Store, type Quad } from 'n3';
import { isomorphic } from 'rdf-isomorphic';
import SHACLValidator from 'rdf-validate-shacl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Agent, type TestApp } from '../harness.ts';
import { entryContent, ncReviewer } from './helpers.ts';

/**
 * The DCAT-AP 3 export, validated against the official DCAT-AP 3.0.1 SHACL shapes
 * (shared/standards/dcat-ap/dcat-ap-SHACL.ttl, beside the repository).
 */
const SHAPES = resolve(import.meta.dirname, '../../../../shared/standards/dcat-ap/dcat-ap-SHACL.ttl');
const BASE = 'http://localhost:8080';
const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  sh: 'http://www.w3.org/ns/shacl#',
};
const { namedNode } = DataFactory;

let t: TestApp;
let officer: Agent;
let reviewer: Agent;
let validator: SHACLValidator;
const ids: Record<'base' | 'conditional' | 'none' | 'draft' | 'withdrawn', string> = { base: '', conditional: '', none: '', draft: '', withdrawn: '' };
const codes: Record<string, string> = {};

async function catalogue(content: Record<string, unknown>): Promise<string> {
  const res = await officer.post('/api/catalog/resources', { content });
  expect(res.status, res.text).toBe(201);
  codes[res.body.id] = res.body.code;
  return res.body.id;
}
async function publish(content: Record<string, unknown>): Promise<string> {
  const id = await catalogue(content);
  const submitted = await officer.post(`/api/catalog/resources/${id}/submit`);
  expect(submitted.status, submitted.text).toBe(200);
  const approved = await reviewer.post(`/api/catalog/resources/${id}/review`, { decision: 'approve' });
  expect(approved.status, approved.text).toBe(200);
  return id;
}

const parseTurtle = (text: string): Quad[] => new Parser({ format: 'text/turtle' }).parse(text);
async function parseJsonLd(doc: unknown): Promise<Quad[]> {
  const nquads = (await jsonld.toRDF(doc as jsonld.JsonLdDocument, { format: 'application/n-quads' })) as unknown as string;
  return new Parser({ format: 'application/n-quads' }).parse(nquads);
}

/** The sh:Violation results, printed readably (focus node, path, message) when there are any. */
async function violations(quads: Quad[]): Promise<string[]> {
  const report = await validator.validate(new Store(quads));
  const found = report.results
    .filter((r) => r.severity?.value === `${NS.sh}Violation`)
    .map((r) => `${r.focusNode?.value} ${r.path?.value ?? '(no path)'}: ${r.message.map((m) => m.value).join(' / ') || r.sourceConstraintComponent?.value}`);
  if (found.length) console.error(`SHACL violations:\n  ${found.join('\n  ')}`);
  return found;
}

/** Fetches both serialisations of a document and checks they are the same graph. */
async function fetchBoth(path: string): Promise<Quad[]> {
  const ld = await officer.get(`${path}.jsonld`);
  expect(ld.status, ld.text).toBe(200);
  expect(String(ld.headers['content-type'])).toContain('application/ld+json');
  const ttl = await officer.get(`${path}.ttl`);
  expect(ttl.status, ttl.text).toBe(200);
  expect(String(ttl.headers['content-type'])).toContain('text/turtle');
  const fromLd = await parseJsonLd(ld.body);
  const fromTtl = parseTurtle(ttl.text);
  expect(fromLd.length).toBeGreaterThan(0);
  expect(fromLd.length).toBe(fromTtl.length);
  expect(isomorphic(fromLd, fromTtl)).toBe(true);
  return fromTtl;
}

const objects = (quads: Quad[], s: string, p: string) => quads.filter((q) => q.subject.value === s && q.predicate.value === p).map((q) => q.object);
const datasetsIn = (quads: Quad[]) =>
  quads.filter((q) => q.predicate.value === `${NS.rdf}type` && q.object.value === `${NS.dcat}Dataset`).map((q) => q.subject.value).sort();
const datasetIri = (id: string) => `${BASE}/api/catalog/resources/${id}`;

beforeAll(async () => {
  validator = new SHACLValidator(new Store(parseTurtle(readFileSync(SHAPES, 'utf8'))));
  t = await createTestApp();
  const admin = await t.login('admin');
  officer = await t.login('nc_officer');
  reviewer = await ncReviewer(t, admin);

  ids.base = await publish(entryContent());
  ids.conditional = await publish(
    entryContent({
      name: '企业年报信息',
      share: { type: 'conditional', conditions: '仅限监管用途', legalBasis: '《企业信息公示暂行条例》第十八条', modes: ['query', 'download'] },
      open: { type: 'conditional', conditions: '经申请审核后开放' },
      updateCycle: 'monthly',
      format: { kind: 'spreadsheet' },
      relatedResourceCodes: [codes[ids.base]],
    }),
  );
  ids.none = await publish(entryContent({ name: '企业内部监管线索', share: { type: 'none', legalBasis: '《市场监督管理行政处罚程序规定》', modes: [] }, updateCycle: 'irregular' }));
  ids.draft = await catalogue(entryContent({ name: '未提交的草稿' }));
  ids.withdrawn = await publish(entryContent({ name: '已撤销的资源' }));
  const withdrawn = await officer.post(`/api/catalog/resources/${ids.withdrawn}/withdraw`, { reasons: '数据源已停用' });
  expect(withdrawn.status, withdrawn.text).toBe(200);
  // A revision in progress keeps its published version in the export.
  expect((await officer.post(`/api/catalog/resources/${ids.base}/revise`)).status).toBe(200);
});
afterAll(async () => t?.close());

describe('DCAT-AP 3 export of the catalog', () => {
  let quads: Quad[];

  it('serves the whole catalog as JSON-LD and Turtle that give the same graph', async () => {
    quads = await fetchBoth('/api/catalog/dcat');
  });

  it('conforms to the official DCAT-AP 3 SHACL shapes (no sh:Violation)', async () => {
    expect(await violations(quads)).toEqual([]);
  });

  it('exports published entries only: not drafts, not withdrawn entries', () => {
    expect(datasetsIn(quads)).toEqual([ids.base, ids.conditional, ids.none].map(datasetIri).sort());
    const catalog = `${BASE}/api/catalog`;
    expect(objects(quads, catalog, `${NS.rdf}type`).map((o) => o.value)).toContain(`${NS.dcat}Catalog`);
    expect(objects(quads, catalog, `${NS.dcat}dataset`)).toHaveLength(3);
    const title = objects(quads, catalog, `${NS.dct}title`)[0];
    expect(title).toMatchObject({ value: '政务信息资源目录', language: 'zh' });
    const publisher = objects(quads, catalog, `${NS.dct}publisher`)[0]!.value;
    expect(objects(quads, publisher, `${NS.foaf}name`)[0]?.value).toBe('江西省信息中心（江西省大数据中心）');
  });

  it('maps the 13 elements: identifier, publisher with credit code, frequency, access rights, distributions, relations', async () => {
    const detail = (await officer.get(`/api/catalog/resources/${ids.conditional}`)).body;
    const ds = datasetIri(ids.conditional);
    expect(objects(quads, ds, `${NS.dct}identifier`)[0]?.value).toBe(detail.code);
    expect(objects(quads, ds, `${NS.dct}title`)[0]).toMatchObject({ value: '企业年报信息', language: 'zh' });
    const agent = objects(quads, ds, `${NS.dct}publisher`)[0]!.value;
    expect(objects(quads, agent, `${NS.foaf}name`)[0]?.value).toBe('南昌市市场监督管理局');
    expect(objects(quads, agent, `${NS.dct}identifier`)[0]?.value).toBe(detail.providerCode);
    expect(objects(quads, ds, `${NS.dct}accrualPeriodicity`)[0]?.value).toBe('http://publications.europa.eu/resource/authority/frequency/MONTHLY');
    expect(objects(quads, ds, `${NS.dct}accessRights`)[0]?.value).toBe('http://publications.europa.eu/resource/authority/access-right/RESTRICTED');
    expect(objects(quads, datasetIri(ids.none), `${NS.dct}accessRights`)[0]?.value).toBe('http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC');
    expect(objects(quads, ds, `${NS.dct}relation`).map((o) => o.value)).toEqual([datasetIri(ids.base)]);
    const dists = objects(quads, ds, `${NS.dcat}distribution`).map((o) => o.value).sort();
    expect(dists).toEqual([`${ds}#distribution-download`, `${ds}#distribution-query`]);
    for (const d of dists) expect(objects(quads, d, `${NS.dcat}accessURL`)[0]?.value).toBe(ds);
    expect(objects(quads, datasetIri(ids.none), `${NS.dcat}distribution`)).toEqual([]);
    // The published version of an entry under revision (v1) is what is exported.
    expect(objects(quads, datasetIri(ids.base), `${NS.dcat}version`)[0]?.value).toBe('1');
  });

  it('the validator does catch a violation (a dataset without a title)', async () => {
    const broken = quads.filter((q) => !(q.subject.value === datasetIri(ids.base) && q.predicate.value === `${NS.dct}title`));
    const report = await validator.validate(new Store(broken));
    expect(report.conforms).toBe(false);
    expect(report.results.some((r) => r.focusNode?.equals(namedNode(datasetIri(ids.base))) && r.path?.value === `${NS.dct}title`)).toBe(true);
  });
});

describe('DCAT-AP 3 export of one entry', () => {
  it('serves a published entry in both formats, valid and the same graph', async () => {
    const quads = await fetchBoth(`/api/catalog/resources/${ids.conditional}/dcat`);
    expect(await violations(quads)).toEqual([]);
    expect(datasetsIn(quads)).toEqual([datasetIri(ids.conditional)]);
  });

  it('is 404 for a draft, a withdrawn entry and an unknown id', async () => {
    for (const id of [ids.draft, ids.withdrawn, '00000000-0000-4000-8000-000000000000']) {
      for (const ext of ['jsonld', 'ttl']) {
        const res = await officer.get(`/api/catalog/resources/${id}/dcat.${ext}`);
        expect(res.status, `${id}.${ext}`).toBe(404);
      }
    }
  });

  it('needs a logged-in actor (401 when anonymous)', async () => {
    expect((await t.anonymous().get('/api/catalog/dcat.ttl')).status).toBe(401);
    expect((await t.anonymous().get(`/api/catalog/resources/${ids.base}/dcat.jsonld`)).status).toBe(401);
  });
});
