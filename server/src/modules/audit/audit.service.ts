import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { RequestContext } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import { paging, type Page } from '../../kernel/pagination.ts';
import { requireActor, scopeCondition, type Actor } from '../identity/index.ts';
import { record } from './audit.record.ts';
import type { SigningKey } from './audit.keys.ts';
import { verifyAuditLog, type VerifyReport } from './audit.verify.ts';

type Ctx = RequestContext<Actor>;

export interface AuditQuery {
  page?: number;
  pageSize?: number;
  actor?: string;
  departmentId?: string;
  action?: string;
  target?: string;
  outcome?: 'success' | 'failure' | 'denied';
  from?: string;
  to?: string;
}

function searchQuery(db: Kysely<DB>, actor: Actor, q: AuditQuery) {
  const from = q.from ? new Date(q.from) : null;
  const to = q.to ? new Date(q.to) : null;
  if (from && to && from > to) {
    throw new AppError('TIME_RANGE_INVERTED', { fields: [{ field: '/querystring/from', message: 'must not be after `to`', messageZh: '开始时间不能晚于结束时间' }] });
  }
  const inScope = scopeCondition(actor, 'audit.read');
  let query = inScope(
    db
      .selectFrom('audit.entry as e')
      .leftJoin('identity.department as d', 'd.id', 'e.department_id')
      .leftJoin('identity.division as v', 'v.code', 'd.division_code'),
    'e.department_id',
    'v.path',
  );
  if (q.actor) query = query.where((eb) => eb.or([eb('e.actor_name', 'ilike', `%${q.actor}%`), eb('e.actor_id', '=', q.actor!)]));
  if (q.departmentId) query = query.where('e.department_id', '=', q.departmentId);
  if (q.action) query = query.where('e.action', 'like', `${q.action}%`);
  if (q.target) query = query.where((eb) => eb.or([eb('e.target_id', '=', q.target!), eb('e.target_label', 'ilike', `%${q.target}%`)]));
  if (q.outcome) query = query.where('e.outcome', '=', q.outcome);
  if (from) query = query.where('e.occurred_at', '>=', from);
  if (to) query = query.where('e.occurred_at', '<=', to);
  return query;
}

const columns = [
  'e.id',
  'e.occurred_at',
  'e.actor_kind',
  'e.actor_id',
  'e.actor_name',
  'e.department_id',
  'd.name as department_name',
  'e.action',
  'e.target_type',
  'e.target_id',
  'e.target_label',
  'e.summary',
  'e.ip',
  'e.request_id',
  'e.outcome',
  'e.error_code',
  'e.batch_no',
] as const;

function toDto(r: any) {
  return {
    id: r.id as number,
    occurredAt: (r.occurred_at as Date).toISOString(),
    actorKind: r.actor_kind as string,
    actorId: r.actor_id as string | null,
    actorName: r.actor_name as string | null,
    departmentId: r.department_id as string | null,
    departmentName: r.department_name as string | null,
    action: r.action as string,
    targetType: r.target_type as string | null,
    targetId: r.target_id as string | null,
    targetLabel: r.target_label as string | null,
    summary: r.summary ?? null,
    ip: r.ip as string | null,
    requestId: r.request_id as string | null,
    outcome: r.outcome as string,
    errorCode: r.error_code as string | null,
    batchNo: r.batch_no as number | null,
  };
}
export type AuditEntryDto = ReturnType<typeof toDto>;

export async function searchEntries(db: Kysely<DB>, ctx: Ctx, q: AuditQuery): Promise<Page<AuditEntryDto>> {
  const actor = requireActor(ctx.actor);
  const { page, pageSize, offset, limit } = paging(q);
  const query = searchQuery(db, actor, q);
  const [rows, count] = await Promise.all([
    query.select([...columns]).orderBy('e.id', 'desc').offset(offset).limit(limit).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toDto), total: Number(count.n), page, pageSize };
}

export const CSV_EXPORT_LIMIT = 100_000;

/** Pages through the matching entries for the CSV export, newest first, without holding them all. */
export async function* exportEntries(db: Kysely<DB>, ctx: Ctx, q: AuditQuery): AsyncGenerator<AuditEntryDto> {
  const actor = requireActor(ctx.actor);
  const query = searchQuery(db, actor, q);
  let before = Number.MAX_SAFE_INTEGER;
  let sent = 0;
  while (sent < CSV_EXPORT_LIMIT) {
    const rows = await query.select([...columns]).where('e.id', '<', before).orderBy('e.id', 'desc').limit(1000).execute();
    if (!rows.length) return;
    for (const r of rows) yield toDto(r);
    sent += rows.length;
    before = rows[rows.length - 1].id;
  }
}

/**
 * Sealing progress. Entry counts are those the reader's scope covers; the batch figures are the
 * platform's, since a batch mixes every department's entries.
 */
export async function auditStatus(db: Kysely<DB>, ctx?: Ctx) {
  const actor = ctx ? requireActor(ctx.actor) : null;
  let counts = db
    .selectFrom('audit.entry as e')
    .leftJoin('identity.department as d', 'd.id', 'e.department_id')
    .leftJoin('identity.division as v', 'v.code', 'd.division_code')
    .select((eb) => [eb.fn.countAll<number>().as('entries'), eb.fn.count<number>('e.batch_no').as('sealed')]);
  if (actor) counts = scopeCondition(actor, 'audit.read')(counts, 'e.department_id', 'v.path');
  const [c, last] = await Promise.all([
    counts.executeTakeFirstOrThrow(),
    db.selectFrom('audit.batch').select(['batch_no', 'sealed_at']).orderBy('batch_no', 'desc').limit(1).executeTakeFirst(),
  ]);
  const entries = Number(c.entries);
  const sealed = Number(c.sealed);
  return {
    entries,
    sealed,
    unsealed: entries - sealed,
    batches: last?.batch_no ?? 0,
    lastBatchNo: last?.batch_no ?? null,
    lastSealedAt: last ? last.sealed_at.toISOString() : null,
  };
}

/** Runs the full verification on behalf of an auditor; the run itself is audited. */
export async function verifyFromApi(db: Kysely<DB>, ctx: Ctx, key: SigningKey): Promise<VerifyReport> {
  const actor = requireActor(ctx.actor);
  if (!actor.grants.some((g) => g.scope === 'platform' && (g.role === 'auditor' || g.role === 'platform_admin'))) {
    throw new AppError('FORBIDDEN', { message: 'Verifying the whole log needs platform scope', messageZh: '校验全部审计日志需要全平台范围的权限' });
  }
  const report = await verifyAuditLog(db, key.publicKeyPem, key.fingerprint);
  await db.transaction().execute((trx) =>
    record(trx, ctx, {
      action: 'audit.verify',
      target: { type: 'audit_log', id: 'all' },
      summary: { ok: report.ok, batches: report.batches, entries: report.entries, problems: report.problems.length },
    }),
  );
  return report;
}
