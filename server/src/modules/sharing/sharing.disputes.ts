import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { AppError } from '../../kernel/errors.ts';
import { paging } from '../../kernel/pagination.ts';
import { record } from '../audit/index.ts';
import type { CalendarService } from '../calendar/index.ts';
import { resourceShareInfo } from '../catalog/index.ts';
import { requireActor } from '../identity/index.ts';
import { notify } from '../notifications/index.ts';
import { cstDate } from './domain/rules.ts';
import { auditResource, blank, iso, names, parties, relation, requireSharingActor, rule, visibleTo, type Ctx, type Role } from './sharing.service.ts';

/**
 * Data disputes (疑义校核, R-SHR-5): a consumer department flags a record of a resource it holds a
 * grant for; the provider answers (corrected, or rejected with reasons) within a number of working
 * days; the sharing authority sees every case in its scope. A dispute never blocks anything: grants
 * and grantFor ignore it.
 */

/** The platform default; DISPUTE_ANSWER_WORKING_DAYS overrides it (server/src/config.ts). */
export const DISPUTE_ANSWER_WORKING_DAYS = 5;

type Db = Kysely<DB> | Transaction<DB>;
const findDispute = (db: Db, id: string) => db.selectFrom('sharing.dispute').selectAll().where('id', '=', id).executeTakeFirst();
export type DisputeRow = NonNullable<Awaited<ReturnType<typeof findDispute>>>;

const notFound = () => new AppError('NOT_FOUND', { message: 'Dispute not found', messageZh: '疑义不存在' });

async function disputeDtos(db: Db, rows: DisputeRow[], now: Date) {
  const depts = await names(db, rows);
  return rows.map((d) => ({
    id: d.id,
    ...parties(d, depts),
    recordKey: d.record_key,
    field: d.field,
    fieldName: d.field_name,
    issue: d.issue,
    evidence: d.evidence,
    status: d.status,
    raisedBy: d.raised_by,
    raisedAt: d.raised_at.toISOString(),
    answerWorkingDays: d.answer_working_days,
    deadline: d.deadline.toISOString(),
    dueDate: d.due_date,
    overdue: d.status === 'open' && now.getTime() > d.deadline.getTime(),
    answeredLate: d.answered_at !== null && d.answered_at.getTime() > d.deadline.getTime(),
    answeredAt: iso(d.answered_at),
    answeredBy: d.answered_by,
    answerReasons: d.answer_reasons,
  }));
}
export type DisputeDto = Awaited<ReturnType<typeof disputeDtos>>[number];

export interface CreateDisputeInput {
  resourceId: string;
  recordKey: string;
  field: string;
  issue: string;
  evidence: string;
}

/** The consumer flags a record; due `answerDays` working days after receipt (receipt day not counted). */
export async function createDispute(db: Kysely<DB>, calendar: CalendarService, answerDays: number, ctx: Ctx, input: CreateDisputeInput): Promise<DisputeDto> {
  const actor = requireActor(ctx.actor);
  const missing = (['recordKey', 'issue', 'evidence'] as const).filter((k) => blank(input[k]));
  if (missing.length) throw new AppError('RULE_VIOLATION', { fields: missing.map((k) => ({ field: `/body/${k}`, message: 'is required', messageZh: '必填' })) });
  // The calendar reads the database through its own connection: before the transaction (ADR 0003).
  const cal = await calendar.calendar();
  const d = cal.deadlineDetail(ctx.now, answerDays);
  const today = cstDate(ctx.now);
  const id = await db.transaction().execute(async (trx) => {
    const info = await resourceShareInfo(trx, input.resourceId);
    if (!info) throw new AppError('NOT_FOUND', { message: 'Catalog entry not found', messageZh: '目录条目不存在' });
    const field = info.fields.find((f) => f.englishName === input.field);
    if (!field) throw rule('/body/field', `the resource has no field ${input.field}`, `该信息资源没有信息项 ${input.field}`);
    const grants = await trx
      .selectFrom('sharing.grant')
      .select(['id', 'fields'])
      .where('consumer_department_id', '=', actor.departmentId)
      .where('resource_id', '=', info.id)
      .where('status', '=', 'active')
      .where('valid_from', '<=', today)
      .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', today)]))
      .execute();
    if (!grants.some((g) => g.fields.includes(field.englishName))) {
      throw rule(
        '/body/field',
        'your department holds no grant in force covering this field of the resource',
        `本部门没有覆盖该信息项（${field.name}）的有效共享授权，不能提出疑义`,
      );
    }
    const row = await trx
      .insertInto('sharing.dispute')
      .values({
        resource_id: info.id,
        resource_code: info.code,
        resource_name: info.name,
        provider_department_id: info.providerDepartmentId,
        consumer_department_id: actor.departmentId,
        record_key: input.recordKey.trim(),
        field: field.englishName,
        field_name: field.name,
        issue: input.issue.trim(),
        evidence: input.evidence.trim(),
        status: 'open',
        raised_by: actor.name,
        raised_at: ctx.now,
        answer_working_days: answerDays,
        deadline: d.deadline,
        due_date: d.deadlineDate,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await notify(
      trx,
      {
        departmentId: row.provider_department_id,
        kind: 'sharing.dispute.raised',
        title: `数据疑义：请于 ${row.due_date} 前核实答复`,
        body: `共享使用部门对“${row.resource_name}”记录 ${row.record_key} 的信息项“${row.field_name}”提出疑义：${row.issue}。请在 ${answerDays} 个工作日内（${row.due_date} 前）核实并答复。`,
        link: `/sharing/disputes/${row.id}`,
        resourceId: row.resource_id,
      },
      ctx.now,
    );
    await record(trx, ctx, {
      action: 'sharing.dispute.create',
      target: { type: 'sharing_dispute', id: row.id, label: auditResource(row) },
      departmentId: actor.departmentId,
      summary: { after: { resourceId: row.resource_id, recordKey: row.record_key, field: row.field, issue: row.issue, dueDate: row.due_date } },
    });
    return row.id;
  });
  return getDispute(db, ctx, id);
}

export async function getDispute(db: Kysely<DB>, ctx: Ctx, id: string): Promise<DisputeDto> {
  const actor = requireSharingActor(ctx);
  const row = await findDispute(db, id);
  if (!row) throw notFound();
  if (!(await relation(db, actor, row)).sees) throw new AppError('OUT_OF_SCOPE', { messageZh: '只能查看本部门（或管辖范围内）的数据疑义' });
  return (await disputeDtos(db, [row], ctx.now))[0];
}

/** The provider answers once: corrected, or rejected with reasons. */
export async function answerDispute(db: Kysely<DB>, ctx: Ctx, id: string, input: { outcome: 'corrected' | 'rejected'; reasons?: string }): Promise<DisputeDto> {
  const actor = requireSharingActor(ctx);
  if (input.outcome === 'rejected' && blank(input.reasons)) throw rule('/body/reasons', 'a rejection must give its reasons', '不予更正必须说明理由');
  const reasons = input.reasons?.trim() || null;
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('sharing.dispute').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw notFound();
    const rel = await relation(trx, actor, row);
    if (!rel.provider) throw new AppError(rel.sees ? 'FORBIDDEN' : 'OUT_OF_SCOPE', { messageZh: '只有提供部门可以答复数据疑义' });
    if (row.status !== 'open') {
      throw new AppError('CONFLICT', { message: `The dispute has already been answered (${row.status})`, messageZh: '该疑义已答复', extra: { status: row.status } });
    }
    await trx.updateTable('sharing.dispute').set({ status: input.outcome, answered_at: ctx.now, answered_by: actor.name, answer_reasons: reasons }).where('id', '=', id).execute();
    const outcomeZh = input.outcome === 'corrected' ? '已核实并更正' : '不予更正';
    await notify(
      trx,
      {
        departmentId: row.consumer_department_id,
        kind: 'sharing.dispute.answered',
        title: `数据疑义已答复：${outcomeZh}`,
        body: `提供部门对“${row.resource_name}”记录 ${row.record_key} 的信息项“${row.field_name}”的疑义答复：${outcomeZh}${reasons ? `。说明：${reasons}` : ''}`,
        link: `/sharing/disputes/${row.id}`,
        resourceId: row.resource_id,
      },
      ctx.now,
    );
    await record(trx, ctx, {
      action: 'sharing.dispute.answer',
      target: { type: 'sharing_dispute', id, label: auditResource(row) },
      departmentId: row.provider_department_id,
      summary: { before: { status: row.status }, after: { status: input.outcome, reasons, onTime: ctx.now <= row.deadline } },
    });
  });
  return getDispute(db, ctx, id);
}

export interface ListDisputesQuery {
  page?: number;
  pageSize?: number;
  status?: DisputeRow['status'];
  resourceId?: string;
  role?: Role;
  overdue?: boolean;
}

/** The consumer's own, the provider's about its resources, the authority's in its scope. */
export async function listDisputes(db: Kysely<DB>, ctx: Ctx, q: ListDisputesQuery) {
  const actor = requireSharingActor(ctx);
  const { page, pageSize, offset, limit } = paging(q);
  let query = db.selectFrom('sharing.dispute').where(visibleTo<'sharing.dispute'>(db, actor, q.role));
  if (q.status) query = query.where('status', '=', q.status);
  if (q.resourceId) query = query.where('resource_id', '=', q.resourceId);
  if (q.overdue === true) query = query.where('status', '=', 'open').where('deadline', '<', ctx.now);
  if (q.overdue === false) query = query.where((eb) => eb.or([eb('status', '!=', 'open'), eb('deadline', '>=', ctx.now)]));
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('raised_at', 'desc').orderBy('id').offset(offset).limit(limit).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await disputeDtos(db, rows, ctx.now), total: Number(count.n), page, pageSize };
}

