import { type ExpressionBuilder, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { AppError } from '../../kernel/errors.ts';
import { paging } from '../../kernel/pagination.ts';
import { record } from '../audit/index.ts';
import { resourceShareInfo } from '../catalog/index.ts';
import { allows, departmentTarget } from '../identity/index.ts';
import { notify } from '../notifications/index.ts';
import { cstDate, isRealDate } from './domain/rules.ts';
import { auditResource, blank, iso, names, parties, relation, requireSharingActor, rule, visibleTo, type Ctx, type Role } from './sharing.service.ts';

/**
 * The sharing duty list (共享责任清单, R-EXC-7): the sharing authority records which provider must
 * share which resource with which consumer, by when. Whether a duty is fulfilled (a grant in force
 * from the provider's resource to the consumer), pending or overdue (past its due date without such
 * a grant) is computed when read, from the grants; closing it (by the authority) ends it.
 */

type Db = Kysely<DB> | Transaction<DB>;
export type DutyStatus = 'fulfilled' | 'pending' | 'overdue' | 'closed';

const notFound = () => new AppError('NOT_FOUND', { message: 'Sharing duty not found', messageZh: '共享责任不存在' });

/** A grant in force today that fulfils the duty row of the outer query. */
function fulfillingGrant(eb: ExpressionBuilder<DB, 'sharing.duty'>, today: string) {
  return eb
    .selectFrom('sharing.grant as g')
    .select('g.id')
    .whereRef('g.resource_id', '=', 'sharing.duty.resource_id')
    .whereRef('g.consumer_department_id', '=', 'sharing.duty.consumer_department_id')
    .whereRef('g.provider_department_id', '=', 'sharing.duty.provider_department_id')
    .where('g.status', '=', 'active')
    .where('g.valid_from', '<=', today)
    .where((w) => w.or([w('g.valid_to', 'is', null), w('g.valid_to', '>=', today)]))
    .orderBy('g.granted_at')
    .limit(1);
}

function selectDuties(db: Db, today: string) {
  return db
    .selectFrom('sharing.duty')
    .selectAll('sharing.duty')
    .select((eb) => fulfillingGrant(eb, today).as('grant_id'));
}
type DutyRow = Awaited<ReturnType<ReturnType<typeof selectDuties>['executeTakeFirstOrThrow']>>;

export function dutyStatus(r: { closed_at: Date | null; grant_id: string | null; due_date: string }, today: string): DutyStatus {
  if (r.closed_at) return 'closed';
  if (r.grant_id) return 'fulfilled';
  return today > r.due_date ? 'overdue' : 'pending';
}

async function dutyDtos(db: Db, rows: DutyRow[], now: Date) {
  const depts = await names(db, rows);
  const today = cstDate(now);
  return rows.map((r) => ({
    id: r.id,
    ...parties(r, depts),
    description: r.description,
    dueDate: r.due_date,
    status: dutyStatus(r, today),
    grantId: r.closed_at ? null : r.grant_id,
    recordedBy: r.recorded_by,
    recordedAt: r.recorded_at.toISOString(),
    closedAt: iso(r.closed_at),
    closedBy: r.closed_by,
    closeReasons: r.close_reasons,
  }));
}
export type DutyDto = Awaited<ReturnType<typeof dutyDtos>>[number];

export interface CreateDutyInput {
  providerDepartmentId: string;
  resourceId: string;
  consumerDepartmentId: string;
  description: string;
  dueDate: string;
}

/**
 * Inserts a sharing duty with its audit entry, in the caller's transaction (recorded by hand, or
 * ordered by the answer to an escalation); `audit` adds to the entry's summary.
 */
export async function insertDuty(
  trx: Transaction<DB>,
  ctx: Ctx,
  recordedBy: string,
  d: { providerDepartmentId: string; resource: { id: string; code: string; name: string }; consumerDepartmentId: string; description: string; dueDate: string },
  audit: Record<string, unknown> = {},
) {
  const row = await trx
    .insertInto('sharing.duty')
    .values({
      provider_department_id: d.providerDepartmentId,
      resource_id: d.resource.id,
      resource_code: d.resource.code,
      resource_name: d.resource.name,
      consumer_department_id: d.consumerDepartmentId,
      description: d.description,
      due_date: d.dueDate,
      recorded_by: recordedBy,
      recorded_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await record(trx, ctx, {
    action: 'sharing.duty.create',
    target: { type: 'sharing_duty', id: row.id, label: auditResource(row) },
    departmentId: row.provider_department_id,
    summary: { after: { ...audit, providerDepartmentId: row.provider_department_id, resourceId: row.resource_id, consumerDepartmentId: row.consumer_department_id, description: row.description, dueDate: row.due_date } },
  });
  return row;
}

/** The sharing authority over the provider records a duty. */
export async function createDuty(db: Kysely<DB>, ctx: Ctx, input: CreateDutyInput): Promise<DutyDto> {
  const actor = requireSharingActor(ctx);
  if (blank(input.description)) throw rule('/body/description', 'is required', '请说明共享责任');
  if (!isRealDate(input.dueDate)) throw rule('/body/dueDate', 'must be a date YYYY-MM-DD', '日期格式应为 YYYY-MM-DD');
  if (input.dueDate < cstDate(ctx.now)) throw rule('/body/dueDate', 'the due date has already passed', '完成期限已过');
  if (input.providerDepartmentId === input.consumerDepartmentId) throw rule('/body/consumerDepartmentId', 'provider and consumer must differ', '提供部门与使用部门不能相同');
  const id = await db.transaction().execute(async (trx) => {
    // One query after the other: inside a transaction they share one session.
    const provider = await departmentTarget(trx as unknown as Kysely<DB>, input.providerDepartmentId);
    if (!provider) throw rule('/body/providerDepartmentId', 'department does not exist', '部门不存在');
    const consumer = await departmentTarget(trx as unknown as Kysely<DB>, input.consumerDepartmentId);
    if (!consumer) throw rule('/body/consumerDepartmentId', 'department does not exist', '部门不存在');
    if (!allows(actor, 'sharing.arbitrate', provider)) throw new AppError('OUT_OF_SCOPE', { messageZh: '只有提供部门所在层级的共享主管部门可以登记共享责任' });
    const info = await resourceShareInfo(trx, input.resourceId);
    if (!info) throw rule('/body/resourceId', 'catalog entry does not exist', '目录条目不存在');
    if (info.providerDepartmentId !== input.providerDepartmentId) throw rule('/body/resourceId', 'the resource is not the provider department’s', '该信息资源不属于提供部门');
    const row = await insertDuty(trx, ctx, actor.name, {
      providerDepartmentId: input.providerDepartmentId,
      resource: info,
      consumerDepartmentId: input.consumerDepartmentId,
      description: input.description.trim(),
      dueDate: input.dueDate,
    });
    await notify(
      trx,
      {
        departmentId: row.provider_department_id,
        kind: 'sharing.duty.recorded',
        title: `共享责任：请于 ${row.due_date} 前向${consumer.name}共享“${row.resource_name}”`,
        body: `共享主管部门登记共享责任：${row.description}。完成期限 ${row.due_date}。`,
        link: `/sharing/duties/${row.id}`,
        resourceId: row.resource_id,
      },
      ctx.now,
    );
    return row.id;
  });
  return getDuty(db, ctx, id);
}

export async function getDuty(db: Kysely<DB>, ctx: Ctx, id: string): Promise<DutyDto> {
  const actor = requireSharingActor(ctx);
  const row = await selectDuties(db, cstDate(ctx.now)).where('sharing.duty.id', '=', id).executeTakeFirst();
  if (!row) throw notFound();
  if (!(await relation(db, actor, row)).sees) throw new AppError('OUT_OF_SCOPE', { messageZh: '只能查看本部门（或管辖范围内）的共享责任' });
  return (await dutyDtos(db, [row], ctx.now))[0];
}

/** The authority closes a duty (no longer owed, or recorded in error), with reasons. */
export async function closeDuty(db: Kysely<DB>, ctx: Ctx, id: string, reasons: string | undefined): Promise<DutyDto> {
  const actor = requireSharingActor(ctx);
  if (blank(reasons)) throw rule('/body/reasons', 'give the reasons for closing the duty', '关闭共享责任必须说明理由');
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('sharing.duty').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw notFound();
    const rel = await relation(trx, actor, row);
    if (!rel.arbitrator) throw new AppError(rel.sees ? 'FORBIDDEN' : 'OUT_OF_SCOPE', { messageZh: '只有共享主管部门可以关闭共享责任' });
    if (row.closed_at) throw new AppError('CONFLICT', { message: 'The duty is already closed', messageZh: '该共享责任已关闭', extra: { status: 'closed' } });
    await trx.updateTable('sharing.duty').set({ closed_at: ctx.now, closed_by: actor.name, close_reasons: reasons!.trim() }).where('id', '=', id).execute();
    await record(trx, ctx, {
      action: 'sharing.duty.close',
      target: { type: 'sharing_duty', id, label: auditResource(row) },
      departmentId: row.provider_department_id,
      summary: { before: { closed: false }, after: { closed: true, reasons: reasons!.trim() } },
    });
  });
  return getDuty(db, ctx, id);
}

export interface ListDutiesQuery {
  page?: number;
  pageSize?: number;
  status?: DutyStatus;
  resourceId?: string;
  role?: Role;
}

/** Providers and consumers see theirs, the authority all in its scope; status as of today. */
export async function listDuties(db: Kysely<DB>, ctx: Ctx, q: ListDutiesQuery) {
  const actor = requireSharingActor(ctx);
  const { page, pageSize, offset, limit } = paging(q);
  const today = cstDate(ctx.now);
  let query = db.selectFrom('sharing.duty').where(visibleTo<'sharing.duty'>(db, actor, q.role));
  if (q.resourceId) query = query.where('resource_id', '=', q.resourceId);
  if (q.status === 'closed') query = query.where('closed_at', 'is not', null);
  else if (q.status) {
    query = query.where('closed_at', 'is', null);
    if (q.status === 'fulfilled') query = query.where((eb) => eb.exists(fulfillingGrant(eb, today)));
    else query = query.where((eb) => eb.not(eb.exists(fulfillingGrant(eb, today)))).where('due_date', q.status === 'overdue' ? '<' : '>=', today);
  }
  const [rows, count] = await Promise.all([
    query
      .selectAll('sharing.duty')
      .select((eb) => fulfillingGrant(eb, today).as('grant_id'))
      .orderBy('due_date')
      .orderBy('id')
      .offset(offset)
      .limit(limit)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await dutyDtos(db, rows, ctx.now), total: Number(count.n), page, pageSize };
}

