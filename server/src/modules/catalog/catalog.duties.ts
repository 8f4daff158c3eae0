import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { WorkingCalendar } from '../../kernel/calendar/index.ts';
import type { RequestContext } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import { paging, type Page } from '../../kernel/pagination.ts';
import { record } from '../audit/index.ts';
import type { CalendarService } from '../calendar/index.ts';
import { allows, departmentIdsInScope, departmentsById, departmentTarget, requireActor, scopeFor, type Actor } from '../identity/index.ts';
import { notify } from '../notifications/index.ts';

/**
 * The 15-working-day update duty (R-CAT-4): when a law or a department's duties change, the sharing
 * authority or the department records it, and the department must update its entries within
 * 15 working days after the recording day (that day not counted), by the working calendar.
 */

export const UPDATE_DUTY_WORKING_DAYS = 15;

type Ctx = RequestContext<Actor>;
type Db = Kysely<DB> | Transaction<DB>;

const REASON_ZH = { law: '法律法规变化', duty: '部门职能变化' } as const;
const notFound = () => new AppError('NOT_FOUND', { message: 'Update duty not found', messageZh: '更新责任不存在' });

/** The CST (+08:00) calendar day of an instant, YYYY-MM-DD. */
export const cstDate = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
/** End of a CST day: 23:59:59.999 +08:00. */
const endOfCstDay = (date: string) => new Date(Date.parse(`${date}T23:59:59.999+08:00`));

const selectDuty = (db: Db) =>
  db
    .selectFrom('catalog.update_duty as d')
    .select([
      'd.id',
      'd.department_id',
      'd.reason',
      'd.basis',
      'd.recorded_by',
      'd.recorded_by_department_id',
      'd.recorded_at',
      sql<string>`d.due_date::text`.as('due_date'),
      'd.status',
      'd.fulfilled_at',
      'd.fulfilled_by',
      'd.note',
    ]);
type Row = Awaited<ReturnType<ReturnType<typeof selectDuty>['executeTakeFirstOrThrow']>>;

async function toDtos(db: Kysely<DB>, cal: WorkingCalendar, now: Date, rows: Row[]) {
  const depts = await departmentsById(db, rows.flatMap((r) => [r.department_id, r.recorded_by_department_id]));
  return rows.map((r) => {
    const deadline = endOfCstDay(r.due_date);
    const open = r.status === 'open';
    return {
      id: r.id,
      departmentId: r.department_id,
      departmentName: depts.get(r.department_id)?.name ?? '',
      reason: r.reason,
      reasonZh: REASON_ZH[r.reason],
      basis: r.basis,
      recordedBy: r.recorded_by,
      recordedByDepartmentId: r.recorded_by_department_id,
      recordedByDepartmentName: depts.get(r.recorded_by_department_id)?.name ?? '',
      recordedAt: r.recorded_at.toISOString(),
      dueDate: r.due_date,
      deadline: deadline.toISOString(),
      status: r.status,
      overdue: open && now.getTime() > deadline.getTime(),
      // Working days after today up to the due date; negative once overdue; null when fulfilled.
      remainingWorkingDays: open ? cal.workingDaysBetween(now, deadline) : null,
      fulfilledAt: r.fulfilled_at ? r.fulfilled_at.toISOString() : null,
      fulfilledBy: r.fulfilled_by,
      fulfilledLate: r.fulfilled_at ? r.fulfilled_at.getTime() > deadline.getTime() : null,
      note: r.note,
    };
  });
}
export type UpdateDutyDto = Awaited<ReturnType<typeof toDtos>>[number];

/** Narrows to the departments whose duties the actor sees: its own, those it manages, those it reviews. */
function visibleTo<QB extends ReturnType<typeof selectDuty>>(qb: QB, db: Kysely<DB>, actor: Actor): QB {
  return qb.where((eb) =>
    eb.or([
      eb('d.department_id', '=', actor.departmentId),
      ...(scopeFor(actor, 'catalog.manage') ? [eb('d.department_id', 'in', departmentIdsInScope(db, actor, 'catalog.manage'))] : []),
      ...(scopeFor(actor, 'catalog.review') ? [eb('d.department_id', 'in', departmentIdsInScope(db, actor, 'catalog.review'))] : []),
    ]),
  ) as QB;
}

export class UpdateDutyService {
  readonly #db: Kysely<DB>;
  readonly #calendar: CalendarService;

  constructor(db: Kysely<DB>, calendar: CalendarService) {
    this.#db = db;
    this.#calendar = calendar;
  }

  /** Records a change of law or duties affecting a department: by the authority over it (catalog.review) or the department (catalog.manage). */
  async record(ctx: Ctx, input: { departmentId: string; reason: 'law' | 'duty'; basis: string }): Promise<UpdateDutyDto> {
    const actor = requireActor(ctx.actor);
    const db = this.#db;
    const target = await departmentTarget(db, input.departmentId);
    if (!target) throw new AppError('RULE_VIOLATION', { fields: [{ field: '/body/departmentId', message: 'department does not exist', messageZh: '部门不存在' }] });
    if (!allows(actor, 'catalog.review', target) && !allows(actor, 'catalog.manage', target)) {
      throw new AppError('OUT_OF_SCOPE', { messageZh: '只有共享主管部门或该部门本身可以登记更新责任' });
    }
    const basis = input.basis.trim();
    if (!basis) throw new AppError('RULE_VIOLATION', { fields: [{ field: '/body/basis', message: 'give the law or the change of duties', messageZh: '请说明变化的法律法规或职能调整依据' }] });
    // The calendar reads through `db`: load it before the transaction (docs/adr/0003).
    const cal = await this.#calendar.calendar();
    const recordedOn = cstDate(ctx.now);
    const dueDate = cal.addWorkingDays(recordedOn, UPDATE_DUTY_WORKING_DAYS);
    const id = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('catalog.update_duty')
        .values({
          department_id: input.departmentId,
          reason: input.reason,
          basis,
          recorded_by: actor.name,
          recorded_by_department_id: actor.departmentId,
          recorded_at: ctx.now,
          due_date: dueDate,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await notify(
        trx,
        {
          departmentId: input.departmentId,
          kind: 'catalog.update_duty.recorded',
          title: `目录更新责任：请于 ${dueDate} 前更新目录`,
          body: `因${REASON_ZH[input.reason]}（${basis}），本部门须在 ${UPDATE_DUTY_WORKING_DAYS} 个工作日内（${dueDate} 前）更新相关政务信息资源目录。`,
          link: `/catalog/update-duties/${row.id}`,
        },
        ctx.now,
      );
      await record(trx, ctx, {
        action: 'catalog.duty.record',
        target: { type: 'catalog_update_duty', id: row.id, label: `${target.name} ${REASON_ZH[input.reason]}` },
        departmentId: input.departmentId,
        summary: { after: { reason: input.reason, basis, dueDate } },
      });
      return row.id;
    });
    return this.get(ctx, id, cal);
  }

  async get(ctx: Ctx, id: string, cal?: WorkingCalendar): Promise<UpdateDutyDto> {
    const actor = requireActor(ctx.actor);
    const row = await visibleTo(selectDuty(this.#db), this.#db, actor).where('d.id', '=', id).executeTakeFirst();
    if (!row) throw notFound();
    return (await toDtos(this.#db, cal ?? (await this.#calendar.calendar()), ctx.now, [row]))[0];
  }

  /**
   * A department's to-do list (its own duties) or the authority's view (every department in its
   * scope); `overdue=true` is the authority's dashboard. Open ones first, by due date.
   */
  async list(ctx: Ctx, q: { status?: 'open' | 'fulfilled'; overdue?: boolean; departmentId?: string; page?: number; pageSize?: number }): Promise<Page<UpdateDutyDto>> {
    const actor = requireActor(ctx.actor);
    const db = this.#db;
    const { page, pageSize, offset, limit } = paging(q);
    const today = cstDate(ctx.now);
    let query = visibleTo(selectDuty(db), db, actor);
    if (q.status) query = query.where('d.status', '=', q.status);
    if (q.departmentId) query = query.where('d.department_id', '=', q.departmentId);
    if (q.overdue === true) query = query.where('d.status', '=', 'open').where(sql<boolean>`d.due_date < ${today}::date`);
    if (q.overdue === false) query = query.where((eb) => eb.or([eb('d.status', '=', 'fulfilled'), sql<boolean>`d.due_date >= ${today}::date`]));
    const [rows, count, cal] = await Promise.all([
      query.orderBy(sql`d.status = 'open'`, 'desc').orderBy('d.due_date').orderBy('d.recorded_at').offset(offset).limit(limit).execute(),
      query.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      this.#calendar.calendar(),
    ]);
    return { items: await toDtos(db, cal, ctx.now, rows), total: Number(count.n), page, pageSize };
  }

  /** The department reports its entries updated. */
  async fulfil(ctx: Ctx, id: string, input: { note?: string }): Promise<UpdateDutyDto> {
    const actor = requireActor(ctx.actor);
    const db = this.#db;
    const cal = await this.#calendar.calendar();
    await db.transaction().execute(async (trx) => {
      const row = await selectDuty(trx).where('d.id', '=', id).forUpdate().executeTakeFirst();
      if (!row) throw notFound();
      const target = await departmentTarget(trx as unknown as Kysely<DB>, row.department_id);
      const mayManage = target !== null && allows(actor, 'catalog.manage', target);
      const mayReview = target !== null && allows(actor, 'catalog.review', target);
      if (!mayManage) {
        // A duty the actor cannot even see does not exist for it.
        if (!mayReview && row.department_id !== actor.departmentId) throw notFound();
        throw new AppError('FORBIDDEN', { messageZh: '只有被登记的部门可以报告已完成更新' });
      }
      if (row.status !== 'open') {
        throw new AppError('CONFLICT', { message: 'The duty is already fulfilled', messageZh: '该更新责任已完成', extra: { status: row.status } });
      }
      const note = input.note?.trim() || null;
      await trx.updateTable('catalog.update_duty').set({ status: 'fulfilled', fulfilled_at: ctx.now, fulfilled_by: actor.name, note }).where('id', '=', id).execute();
      if (row.recorded_by_department_id !== row.department_id) {
        await notify(
          trx,
          {
            departmentId: row.recorded_by_department_id,
            kind: 'catalog.update_duty.fulfilled',
            title: `${target?.name ?? ''}已完成目录更新`,
            body: `${target?.name ?? ''}已报告完成目录更新（截止 ${row.due_date}）${note ? `：${note}` : '。'}`,
            link: `/catalog/update-duties/${id}`,
          },
          ctx.now,
        );
      }
      await record(trx, ctx, {
        action: 'catalog.duty.fulfil',
        target: { type: 'catalog_update_duty', id, label: `${target?.name ?? row.department_id} ${REASON_ZH[row.reason]}` },
        departmentId: row.department_id,
        summary: { before: { status: 'open' }, after: { status: 'fulfilled', note, late: ctx.now.getTime() > endOfCstDay(row.due_date).getTime() } },
      });
    });
    return this.get(ctx, id, cal);
  }
}
