import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, ResourceStatus } from '../../db/schema.ts';
import type { EntryContent } from './domain/entry.ts';
import { entryTokens } from './catalog.search.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The catalog's SQL. */

export const findResource = (db: Db, id: string) => db.selectFrom('catalog.resource').selectAll().where('id', '=', id).executeTakeFirst();

export const lockResource = (trx: Transaction<DB>, id: string) =>
  trx.selectFrom('catalog.resource').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const findVersion = (db: Db, id: string, version: number) =>
  db.selectFrom('catalog.resource_version').selectAll().where('resource_id', '=', id).where('version', '=', version).executeTakeFirst();

export const listVersions = (db: Db, id: string) =>
  db.selectFrom('catalog.resource_version').selectAll().where('resource_id', '=', id).orderBy('version', 'desc').execute();

export const findClassification = (db: Db, code: string) =>
  db.selectFrom('catalog.classification').selectAll().where('code', '=', code).executeTakeFirst();

/** Whether the classification or one of its ancestors is a base resource item. */
export async function isBaseClassification(db: Db, code: string): Promise<boolean> {
  const prefixes = [code.slice(0, 1), code.slice(0, 3), code.slice(0, 6), code].filter((p, i, a) => p && a.indexOf(p) === i);
  const row = await db.selectFrom('catalog.classification').select('code').where('code', 'in', prefixes).where('base_resource', '=', true).executeTakeFirst();
  return row !== undefined;
}

/**
 * The next resource code under a classification: 9-digit front code (类1-项2-目3-细目3, padded
 * with zeros) and a 6-digit sequence. The sequence row is locked by the upsert, so two creations
 * never get one number, and numbers of withdrawn resources are never handed out again.
 */
export async function nextResourceCode(trx: Transaction<DB>, classificationCode: string): Promise<string> {
  const prefix = classificationCode.padEnd(9, '0');
  const row = await trx
    .insertInto('catalog.code_sequence')
    .values({ prefix, last_value: 1 })
    .onConflict((oc) => oc.column('prefix').doUpdateSet({ last_value: sql`catalog.code_sequence.last_value + 1` }))
    .returning('last_value')
    .executeTakeFirstOrThrow();
  return `${prefix}/${String(row.last_value).padStart(6, '0')}`;
}

export const contentJson = (c: EntryContent) => sql<unknown>`${JSON.stringify(c)}::text::jsonb`;

/** The searchable copies on the resource row, from the newest version's content. */
export const summaryColumns = (c: EntryContent) => ({
  name: c.name,
  summary: c.summary,
  share_type: c.share.type,
  open_type: c.open.type,
  update_cycle: c.updateCycle,
  format: c.format.kind,
  classification_code: c.classificationCode,
  search_tokens: entryTokens(c),
});

export async function setStatus(trx: Transaction<DB>, id: string, status: ResourceStatus, now: Date, extra: Partial<{ published_version: number; published_at: Date; withdrawn_at: Date; latest_version: number }> = {}) {
  await trx.updateTable('catalog.resource').set({ status, updated_at: now, ...extra }).where('id', '=', id).execute();
}
