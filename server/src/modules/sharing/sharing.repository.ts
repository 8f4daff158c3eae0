import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The sharing module's SQL. */

export const findRequest = (db: Db, id: string) => db.selectFrom('sharing.request').selectAll().where('id', '=', id).executeTakeFirst();
export const lockRequest = (trx: Transaction<DB>, id: string) => trx.selectFrom('sharing.request').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const findGrant = (db: Db, id: string) => db.selectFrom('sharing.grant').selectAll().where('id', '=', id).executeTakeFirst();
export const lockGrant = (trx: Transaction<DB>, id: string) => trx.selectFrom('sharing.grant').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const findEscalation = (db: Db, id: string) => db.selectFrom('sharing.escalation').selectAll().where('id', '=', id).executeTakeFirst();

/** A text[] parameter that both drivers (pg, PGlite) pass as an array. */
export const textArray = (values: string[]) => sql<string[]>`${sql.val(values)}::text[]`;

export type RequestRow = NonNullable<Awaited<ReturnType<typeof findRequest>>>;
export type GrantRow = NonNullable<Awaited<ReturnType<typeof findGrant>>>;
export type EscalationRow = NonNullable<Awaited<ReturnType<typeof findEscalation>>>;

export async function insertGrant(
  trx: Transaction<DB>,
  g: Omit<GrantRow, 'id' | 'status' | 'revoked_at' | 'revoked_by' | 'revoke_reasons'>,
): Promise<GrantRow> {
  return trx
    .insertInto('sharing.grant')
    .values({ ...g, fields: textArray(g.fields), status: 'active' })
    .returningAll()
    .executeTakeFirstOrThrow();
}
