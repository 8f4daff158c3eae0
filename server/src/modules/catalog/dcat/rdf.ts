/**
 * A small RDF graph of named nodes, written as Turtle or as JSON-LD from the same nodes, so both
 * exports always carry the same triples. Predicates and classes are compact names over PREFIXES;
 * node IRIs and IRI objects are absolute.
 */
export const PREFIXES = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  csvw: 'http://www.w3.org/ns/csvw#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
} as const;

type Prefix = keyof typeof PREFIXES;
/** A compact name such as `dct:title`. */
export type Term = `${Prefix}:${string}`;

export type RdfObject =
  | { iri: string }
  | { value: string; lang?: string; datatype?: Term }
  | { list: string[] };

export interface RdfNode {
  id: string;
  types: Term[];
  props: Map<Term, RdfObject[]>;
}

export const iri = (value: string): RdfObject => ({ iri: value });
export const zh = (value: string): RdfObject => ({ value, lang: 'zh' });
export const plain = (value: string): RdfObject => ({ value });
export const dateTime = (d: Date): RdfObject => ({ value: d.toISOString(), datatype: 'xsd:dateTime' });

export class Graph {
  readonly nodes = new Map<string, RdfNode>();

  has(id: string): boolean {
    return this.nodes.has(id);
  }

  /** The node with this IRI (created on first use); `types` are added to it. */
  node(id: string, ...types: Term[]): NodeBuilder {
    let n = this.nodes.get(id);
    if (!n) {
      n = { id, types: [], props: new Map() };
      this.nodes.set(id, n);
    }
    for (const t of types) if (!n.types.includes(t)) n.types.push(t);
    return new NodeBuilder(n);
  }
}

export class NodeBuilder {
  readonly #node: RdfNode;
  constructor(node: RdfNode) {
    this.#node = node;
  }
  /** Adds values (undefined, null and empty strings are skipped; duplicates are kept once). */
  add(predicate: Term, ...values: (RdfObject | undefined | null)[]): this {
    const kept = values.filter((v): v is RdfObject => !!v && !('value' in v && v.value.trim() === ''));
    if (!kept.length) return this;
    const list = this.#node.props.get(predicate) ?? [];
    for (const v of kept) if (!list.some((x) => JSON.stringify(x) === JSON.stringify(v))) list.push(v);
    this.#node.props.set(predicate, list);
    return this;
  }
}

// ---- Turtle -------------------------------------------------------------------------------------

const turtleIri = (s: string) => `<${s.replace(/[\u0000-\u0020<>"{}|^`\\]/g, (c) => encodeURIComponent(c))}>`;
const turtleString = (s: string) =>
  `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;

function turtleObject(o: RdfObject): string {
  if ('iri' in o) return turtleIri(o.iri);
  if ('list' in o) return `( ${o.list.map(turtleIri).join(' ')} )`;
  if (o.lang) return `${turtleString(o.value)}@${o.lang}`;
  if (o.datatype) return `${turtleString(o.value)}^^${o.datatype}`;
  return turtleString(o.value);
}

export function toTurtle(g: Graph): string {
  const out: string[] = Object.entries(PREFIXES).map(([p, ns]) => `@prefix ${p}: <${ns}> .`);
  for (const n of g.nodes.values()) {
    const lines: string[] = [];
    if (n.types.length) lines.push(`a ${n.types.join(', ')}`);
    for (const [p, values] of n.props) lines.push(`${p} ${values.map(turtleObject).join(',\n        ')}`);
    if (!lines.length) continue;
    out.push('', `${turtleIri(n.id)}\n    ${lines.join(' ;\n    ')} .`);
  }
  return `${out.join('\n')}\n`;
}

// ---- JSON-LD ------------------------------------------------------------------------------------

function jsonLdObject(o: RdfObject): Record<string, unknown> {
  if ('iri' in o) return { '@id': o.iri };
  if ('list' in o) return { '@list': o.list.map((id) => ({ '@id': id })) };
  if (o.lang) return { '@value': o.value, '@language': o.lang };
  if (o.datatype) return { '@value': o.value, '@type': o.datatype };
  return { '@value': o.value };
}

/** A flattened JSON-LD document with an inline context (no remote context to fetch). */
export function toJsonLd(g: Graph): { '@context': Record<string, string>; '@graph': Record<string, unknown>[] } {
  const graph: Record<string, unknown>[] = [];
  for (const n of g.nodes.values()) {
    if (!n.types.length && !n.props.size) continue;
    const node: Record<string, unknown> = { '@id': n.id };
    if (n.types.length) node['@type'] = n.types;
    for (const [p, values] of n.props) node[p] = values.map(jsonLdObject);
    graph.push(node);
  }
  return { '@context': { ...PREFIXES }, '@graph': graph };
}
