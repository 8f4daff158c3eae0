import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

/**
 * The times of an action's failed or refused attempts from one client address since `since`,
 * oldest first, leaving out the error codes given (a throttle's own refusals must not keep it
 * shut). The audit log is the counter: it is shared by every server process and survives a
 * restart. Index: entry_failure_ip_idx (migration 0019).
 */
export async function failuresFrom(db: Kysely<DB>, q: { action: string; ip: string; since: Date; excludeCodes?: string[]; limit: number }): Promise<Date[]> {
  let query = db
    .selectFrom('audit.entry')
    .select('occurred_at')
    .where('ip', '=', q.ip)
    .where('action', '=', q.action)
    .where('outcome', '<>', 'success')
    .where('occurred_at', '>', q.since);
  if (q.excludeCodes?.length) query = query.where((eb) => eb.or([eb('error_code', 'is', null), eb('error_code', 'not in', q.excludeCodes!)]));
  const rows = await query.orderBy('occurred_at').limit(q.limit).execute();
  return rows.map((r) => r.occurred_at);
}
