import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { EntryContent } from './domain/entry.ts';

/**
 * Chinese search tokens (docs/adr/0006). jieba's search mode yields both words and their parts
 * (市场主体 → 市场, 主体, 市场主体), so a keyword matches whether it is a whole term or a piece of
 * one. The dictionary loads once, on first use.
 */
let jieba: Jieba | null = null;
const cutter = () => (jieba ??= Jieba.withDict(dict));

/** Particles and conjunctions that would match nearly every entry. */
const STOPWORDS = new Set(['的', '和', '与', '及', '或', '等', '之', '在', '对', '为', '了', '是']);
const MEANINGFUL = /[\p{L}\p{N}]/u;

export function tokenize(text: string): string[] {
  const out = new Set<string>();
  for (const raw of cutter().cutForSearch(text, true)) {
    const token = raw.trim().toLowerCase();
    if (!token || !MEANINGFUL.test(token) || STOPWORDS.has(token)) continue;
    out.add(token);
  }
  return [...out];
}

/** What an entry can be found by: its name, summary, unit and every field's names. */
export function entryTokens(c: EntryContent): string[] {
  const parts = [c.name, c.summary, c.providerUnit ?? '', ...c.fields.flatMap((f) => [f.name, f.englishName, f.description ?? ''])];
  return tokenize(parts.join('\n'));
}

// ---------------------------------------------------------------------------------------------
// Paging search results (docs/adr/0010): a capped count and a page in code order that never sorts
// every match of a frequent word.

/** The entries a list or search runs over (`catalog.resource as r`), with the caller's visibility and filters. */
const resources = (db: Kysely<DB>) => db.selectFrom('catalog.resource as r');
export type ResourceQuery = ReturnType<typeof resources>;
/** An entry as lists show it: every column but the search tokens, which only the index needs. */
type ResourceRow = Omit<Selectable<DB['catalog.resource']>, 'search_tokens'>;
const LISTED_COLUMNS = [
  'r.id', 'r.code', 'r.classification_code', 'r.provider_department_id', 'r.status', 'r.latest_version', 'r.published_version', 'r.name', 'r.summary',
  'r.share_type', 'r.open_type', 'r.update_cycle', 'r.format', 'r.is_base', 'r.created_at', 'r.updated_at', 'r.published_at', 'r.withdrawn_at',
] as const;

/** Matches are counted exactly up to this many (at least two pages past the one asked for); beyond, the total is "1,000+". */
export const SEARCH_COUNT_CAP = 1000;

const CODE = /^[0-9]{9}\/[0-9]{6}$/;
/** The characters of a resource code (checked by the database, migration 0014), in byte order. */
const CODE_CHARS = '/0123456789';

/**
 * Entries matching a keyword query: every token of the query among the entry's tokens (GIN index),
 * or, for a query shaped like a resource code, that exact code.
 */
export function whereMatches(query: ResourceQuery, text: string): ResourceQuery {
  const tokens = tokenize(text);
  const code = text.trim();
  return query.where((eb) => {
    const any = [
      ...(tokens.length ? [sql<boolean>`${sql.ref('r.search_tokens')} @> ${sql.val(tokens)}::text[]`] : []),
      // Only a code-shaped query can equal a code; leaving the OR out otherwise lets pageOfMatches
      // combine the tokens with the code range inside the one GIN index.
      ...(CODE.test(code) ? [eb('r.code', '=', code)] : []),
    ];
    return any.length ? eb.or(any) : sql<boolean>`false`;
  });
}

/**
 * The prefixes that select, among `catalog.code_prefixes(code)` (migration 0014), exactly the codes
 * up to `code` in byte order: the code itself and, at every position, the code's beginning followed
 * by a smaller character.
 */
export function codesUpTo(code: string): string[] {
  const prefixes = [code];
  for (let i = 0; i < code.length; i++) for (const c of CODE_CHARS) if (c < code[i]) prefixes.push(code.slice(0, i) + c);
  return prefixes;
}

/** Byte order, the same as `COLLATE "C"` for these ASCII codes. */
const byCode = (a: { code: string }, b: { code: string }) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

export interface MatchPage {
  rows: ResourceRow[];
  /** Exact when `totalIsEstimate` is false; otherwise more entries than this match. */
  total: number;
  totalIsEstimate: boolean;
}

/**
 * One page of `query`'s entries in code order, and their number. First the id and code of up to
 * cap + 1 matches, in whatever order the database finds them (a capped count):
 * - at most cap: that is every match; the page is a slice of them, read by id;
 * - more: the total is reported as "cap+", and the (offset + limit)-th smallest code among those
 *   found is an upper bound of the page (they all match, so the page's entries cannot come later).
 *   The page is then sought among the matches up to that code, which the GIN index narrows to by
 *   itself (tokens and code prefixes together) instead of the database sorting every match.
 */
export async function pageOfMatches(query: ResourceQuery, offset: number, limit: number): Promise<MatchPage> {
  const cap = Math.max(SEARCH_COUNT_CAP, offset + 2 * limit);
  const found = (await query.select(['r.id', 'r.code']).limit(cap + 1).execute()).sort(byCode);
  const exact = found.length <= cap;
  const page = exact
    ? found.slice(offset, offset + limit)
    : await query
        .select(['r.id', 'r.code'])
        .where(sql<boolean>`catalog.code_prefixes(${sql.ref('r.code')}) && ${sql.val(codesUpTo(found[offset + limit - 1].code))}::text[]`)
        .orderBy(sql`r.code COLLATE "C"`)
        .offset(offset)
        .limit(limit)
        .execute();
  // The page's entries, by primary key (the sorts above carry only ids and codes); the tokens,
  // a hundred or so per entry, are left in the table.
  const rows = page.length ? await query.select(LISTED_COLUMNS).where('r.id', 'in', page.map((r) => r.id)).orderBy(sql`r.code COLLATE "C"`).execute() : [];
  return { rows, total: exact ? found.length : cap, totalIsEstimate: !exact };
}
