import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { AppError, type FieldError } from '../../kernel/errors.ts';
import { paging } from '../../kernel/pagination.ts';
import { catalogFiguresByDepartment, catalogMonths, emptyCatalogFigures, type StatsPeriod } from '../catalog/index.ts';
import { departmentIdsInScope, departmentsById, requireActor, type Actor, type DepartmentInfo } from '../identity/index.ts';
import { cstDate, isRealDate } from './domain/rules.ts';
import type { Ctx } from './sharing.service.ts';

/**
 * Sharing statistics and evaluation (R-SHR-7, docs/sharing-statistics.md): per department in the
 * caller's scope, what it catalogued, provided and used in a period, and the five failings (五类问题).
 * Everything that arose in the period (entries created, requests received, disputes raised, duties
 * recorded) is counted with where it stands now. One grouped query per figure family.
 */

export const FAILING_KINDS = ['not_catalogued', 'not_provided', 'inconsistent', 'misuse', 'other'] as const;
export type FailingKind = (typeof FAILING_KINDS)[number];
export const FAILING_KIND_ZH: Record<FailingKind, string> = {
  not_catalogued: '未按要求编目或更新',
  not_provided: '未按要求提供',
  inconsistent: '数据不一致',
  misuse: '违规使用',
  other: '其他',
};

const emptySharingFigures = () => ({
  requestsReceived: 0,
  requestsAnsweredOnTime: 0,
  requestsAnsweredLate: 0,
  requestsOpen: 0,
  requestsOverdue: 0,
  requestsMade: 0,
  grantsGiven: 0,
  grantsReceived: 0,
  disputesReceived: 0,
  disputesAnsweredOnTime: 0,
  disputesAnsweredLate: 0,
  disputesOpen: 0,
  disputesOverdue: 0,
  disputesCorrected: 0,
  disputesRaised: 0,
  sharingDuties: 0,
  sharingDutiesFulfilled: 0,
  sharingDutiesPending: 0,
  sharingDutiesOverdue: 0,
  failingsRecorded: 0,
  failingsTotal: 0,
});

export const emptyFigures = () => ({ ...emptyCatalogFigures(), ...emptySharingFigures() });
export type Figures = ReturnType<typeof emptyFigures>;
export type FigureKey = keyof Figures;
export const FIGURE_KEYS = Object.keys(emptyFigures()) as FigureKey[];
export type FailingCounts = Record<FailingKind, number>;
const emptyFailings = (): FailingCounts => ({ not_catalogued: 0, not_provided: 0, inconsistent: 0, misuse: 0, other: 0 });

export interface Period {
  from: string;
  to: string;
  range: StatsPeriod;
}

/** Longest period the statistics cover at once (the per-month series stays readable). */
export const MAX_PERIOD_YEARS = 5;

const startOfCstDay = (date: string) => new Date(Date.parse(`${date}T00:00:00+08:00`));
const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** A period of CST calendar days, both ends included; by default the current (CST) year. 422 when not a period. */
export function parsePeriod(q: { from?: string; to?: string }, now: Date, { at = '/querystring', maxYears = MAX_PERIOD_YEARS } = {}): Period {
  const year = cstDate(now).slice(0, 4);
  const from = q.from ?? `${year}-01-01`;
  const to = q.to ?? `${year}-12-31`;
  const errors: FieldError[] = [];
  if (!isRealDate(from)) errors.push({ field: `${at}/from`, message: 'must be a date YYYY-MM-DD', messageZh: '日期格式应为 YYYY-MM-DD' });
  if (!isRealDate(to)) errors.push({ field: `${at}/to`, message: 'must be a date YYYY-MM-DD', messageZh: '日期格式应为 YYYY-MM-DD' });
  if (!errors.length && from > to) errors.push({ field: `${at}/from`, message: 'the period starts after it ends', messageZh: '统计起始日期晚于截止日期' });
  if (!errors.length && Number(to.slice(0, 4)) - Number(from.slice(0, 4)) >= maxYears) {
    errors.push({ field: `${at}/to`, message: `the period may span at most ${maxYears} calendar years`, messageZh: `统计期间最长 ${maxYears} 个自然年` });
  }
  if (errors.length) throw new AppError('RULE_VIOLATION', { message: 'Not a valid period', messageZh: '统计期间不合法', fields: errors });
  return { from, to, range: { from: startOfCstDay(from), to: startOfCstDay(nextDay(to)), today: cstDate(now) } };
}

/** Every 'YYYY-MM' from the period's first month to its last. */
export function monthsOf(p: Period): string[] {
  const out: string[] = [];
  let [y, m] = [Number(p.from.slice(0, 4)), Number(p.from.slice(5, 7))];
  const last = p.to.slice(0, 7);
  for (;;) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    out.push(key);
    if (key >= last) return out;
    [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
  }
}

/** The departments whose statistics the actor sees: catalog.read's scope (own department, or its division and below). */
export async function departmentsInStatsScope(db: Kysely<DB>, actor: Actor, filter: { divisionCode?: string; departmentId?: string } = {}): Promise<DepartmentInfo[]> {
  const ids = (await departmentIdsInScope(db, actor, 'catalog.read').execute()).map((r) => r.id);
  if (filter.departmentId && !ids.includes(filter.departmentId)) {
    const exists = (await departmentsById(db, [filter.departmentId])).size > 0;
    if (!exists) throw new AppError('NOT_FOUND', { message: 'Department not found', messageZh: '部门不存在' });
    throw new AppError('OUT_OF_SCOPE', { messageZh: '只能查看本部门（或管辖范围内部门）的统计' });
  }
  const depts = [...(await departmentsById(db, filter.departmentId ? [filter.departmentId] : ids)).values()];
  return depts.filter((d) => !filter.divisionCode || d.divisionPath.includes(`/${filter.divisionCode}/`));
}

const uuids = (ids: string[]) => sql<string[]>`${sql.val(ids)}::uuid[]`;
const n = (v: unknown) => Number(v ?? 0);
const cstMonth = (col: string) => sql<string>`to_char((${sql.ref(col)} at time zone 'UTC') + interval '8 hours', 'YYYY-MM')`;
const inPeriod = (col: string, p: StatsPeriod) => sql<boolean>`${sql.ref(col)} >= ${p.from} and ${sql.ref(col)} < ${p.to}`;

/** A grant in force today from the duty's provider resource to its consumer (as sharing.duties.ts). */
const dutyFulfilled = (today: string) => sql<boolean>`exists (
  select 1 from sharing.grant g
   where g.resource_id = d.resource_id and g.consumer_department_id = d.consumer_department_id
     and g.provider_department_id = d.provider_department_id and g.status = 'active'
     and g.valid_from <= ${today} and (g.valid_to is null or g.valid_to >= ${today}))`;

/** Sharing figures per department: one grouped query per family; `now` judges what is overdue. */
async function sharingFigures(db: Kysely<DB>, ids: string[], p: StatsPeriod, now: Date) {
  const ANY = uuids(ids);
  const [received, made, given, got, disputes, raised, duties, failings] = await Promise.all([
    sql<{ id: string; received: number; onTime: number; late: number; open: number; overdue: number }>`
      select provider_department_id as id, count(*) as received,
             count(*) filter (where answered_at is not null and answered_at <= deadline) as "onTime",
             count(*) filter (where answered_at is not null and answered_at > deadline) as late,
             count(*) filter (where answered_at is null and deadline >= ${now}) as open,
             count(*) filter (where answered_at is null and deadline < ${now}) as overdue
        from sharing.request where provider_department_id = any(${ANY}) and ${inPeriod('received_at', p)}
       group by provider_department_id`.execute(db),
    sql<{ id: string; n: number }>`
      select consumer_department_id as id, count(*) as n from sharing.request
       where consumer_department_id = any(${ANY}) and ${inPeriod('received_at', p)} group by consumer_department_id`.execute(db),
    sql<{ id: string; n: number }>`
      select provider_department_id as id, count(*) as n from sharing.grant
       where provider_department_id = any(${ANY}) and ${inPeriod('granted_at', p)} group by provider_department_id`.execute(db),
    sql<{ id: string; n: number }>`
      select consumer_department_id as id, count(*) as n from sharing.grant
       where consumer_department_id = any(${ANY}) and ${inPeriod('granted_at', p)} group by consumer_department_id`.execute(db),
    sql<{ id: string; received: number; onTime: number; late: number; open: number; overdue: number; corrected: number }>`
      select provider_department_id as id, count(*) as received,
             count(*) filter (where answered_at is not null and answered_at <= deadline) as "onTime",
             count(*) filter (where answered_at is not null and answered_at > deadline) as late,
             count(*) filter (where status = 'open' and deadline >= ${now}) as open,
             count(*) filter (where status = 'open' and deadline < ${now}) as overdue,
             count(*) filter (where status = 'corrected') as corrected
        from sharing.dispute where provider_department_id = any(${ANY}) and ${inPeriod('raised_at', p)}
       group by provider_department_id`.execute(db),
    sql<{ id: string; n: number }>`
      select consumer_department_id as id, count(*) as n from sharing.dispute
       where consumer_department_id = any(${ANY}) and ${inPeriod('raised_at', p)} group by consumer_department_id`.execute(db),
    sql<{ id: string; total: number; fulfilled: number; pending: number; overdue: number }>`
      select provider_department_id as id, count(*) as total,
             count(*) filter (where f) as fulfilled,
             count(*) filter (where not f and due_date >= ${p.today}) as pending,
             count(*) filter (where not f and due_date < ${p.today}) as overdue
        from (select d.provider_department_id, d.due_date, ${dutyFulfilled(p.today)} as f from sharing.duty d
               where d.provider_department_id = any(${ANY}) and d.closed_at is null and ${inPeriod('d.recorded_at', p)}) x
       group by provider_department_id`.execute(db),
    sql<{ id: string; kind: FailingKind; n: number }>`
      select department_id as id, kind, count(*) as n from sharing.failing
       where department_id = any(${ANY}) and ${inPeriod('recorded_at', p)} group by department_id, kind`.execute(db),
  ]);
  const out = new Map<string, { figures: ReturnType<typeof emptySharingFigures>; recorded: FailingCounts }>();
  const get = (id: string) => out.get(id) ?? out.set(id, { figures: emptySharingFigures(), recorded: emptyFailings() }).get(id)!;
  for (const r of received.rows) Object.assign(get(r.id).figures, { requestsReceived: n(r.received), requestsAnsweredOnTime: n(r.onTime), requestsAnsweredLate: n(r.late), requestsOpen: n(r.open), requestsOverdue: n(r.overdue) });
  for (const r of made.rows) get(r.id).figures.requestsMade = n(r.n);
  for (const r of given.rows) get(r.id).figures.grantsGiven = n(r.n);
  for (const r of got.rows) get(r.id).figures.grantsReceived = n(r.n);
  for (const r of disputes.rows) {
    Object.assign(get(r.id).figures, { disputesReceived: n(r.received), disputesAnsweredOnTime: n(r.onTime), disputesAnsweredLate: n(r.late), disputesOpen: n(r.open), disputesOverdue: n(r.overdue), disputesCorrected: n(r.corrected) });
  }
  for (const r of raised.rows) get(r.id).figures.disputesRaised = n(r.n);
  for (const r of duties.rows) Object.assign(get(r.id).figures, { sharingDuties: n(r.total), sharingDutiesFulfilled: n(r.fulfilled), sharingDutiesPending: n(r.pending), sharingDutiesOverdue: n(r.overdue) });
  for (const r of failings.rows) get(r.id).recorded[r.kind] = n(r.n);
  return out;
}

/**
 * The five failings of a department: computed from its figures (overdue update duties → not
 * catalogued or updated; overdue requests and overdue sharing duties → not provided; disputes it
 * corrected → inconsistent data) plus those the sharing authority recorded.
 */
export function failingsOf(f: Figures, recorded: FailingCounts) {
  const computed: FailingCounts = {
    not_catalogued: f.updateDutiesOverdue,
    not_provided: f.requestsOverdue + f.sharingDutiesOverdue,
    inconsistent: f.disputesCorrected,
    misuse: 0,
    other: 0,
  };
  const total = Object.fromEntries(FAILING_KINDS.map((k) => [k, computed[k] + recorded[k]])) as FailingCounts;
  return { computed, recorded, total };
}

export interface DepartmentStats extends Figures {
  departmentId: string;
  departmentName: string;
  divisionCode: string;
  failings: FailingCounts;
  flagged: boolean;
}

/** The figures of the given departments for the period, each with its failings. */
export async function statsOf(db: Kysely<DB>, depts: DepartmentInfo[], period: Period, now: Date): Promise<{ rows: DepartmentStats[]; computed: Map<string, FailingCounts> }> {
  const ids = depts.map((d) => d.id);
  const [catalog, sharing] = await Promise.all([catalogFiguresByDepartment(db, ids, period.range), ids.length ? sharingFigures(db, ids, period.range, now) : new Map()]);
  const computed = new Map<string, FailingCounts>();
  const rows = depts.map((d) => {
    const s = sharing.get(d.id) ?? { figures: emptySharingFigures(), recorded: emptyFailings() };
    const figures: Figures = { ...emptyCatalogFigures(), ...(catalog.get(d.id) ?? {}), ...s.figures };
    const f = failingsOf(figures, s.recorded);
    computed.set(d.id, f.computed);
    figures.failingsRecorded = FAILING_KINDS.reduce((a, k) => a + f.recorded[k], 0);
    figures.failingsTotal = FAILING_KINDS.reduce((a, k) => a + f.total[k], 0);
    return { departmentId: d.id, departmentName: d.name, divisionCode: d.divisionCode, ...figures, failings: f.total, flagged: figures.failingsTotal > 0 };
  });
  return { rows, computed };
}

/** Requests (received, on time, late, overdue) per month of receipt, over the departments as providers. */
async function requestMonths(db: Kysely<DB>, ids: string[], p: StatsPeriod, now: Date) {
  if (!ids.length) return new Map<string, { received: number; onTime: number; late: number; overdue: number }>();
  const rows = await sql<{ month: string; received: number; onTime: number; late: number; overdue: number }>`
    select ${cstMonth('received_at')} as month, count(*) as received,
           count(*) filter (where answered_at is not null and answered_at <= deadline) as "onTime",
           count(*) filter (where answered_at is not null and answered_at > deadline) as late,
           count(*) filter (where answered_at is null and deadline < ${now}) as overdue
      from sharing.request where provider_department_id = any(${uuids(ids)}) and ${inPeriod('received_at', p)}
     group by 1`.execute(db);
  return new Map(rows.rows.map((r) => [r.month, { received: n(r.received), onTime: n(r.onTime), late: n(r.late), overdue: n(r.overdue) }]));
}

export type SortKey = FigureKey | 'departmentName' | 'divisionCode';

export interface StatsQuery {
  from?: string;
  to?: string;
  divisionCode?: string;
  departmentId?: string;
  page?: number;
  pageSize?: number;
  sort?: SortKey;
  order?: 'asc' | 'desc';
}

/** GET /api/sharing/stats: per department in scope (paged, sorted), totals and a per-month series. */
export async function sharingStats(db: Kysely<DB>, ctx: Ctx, q: StatsQuery) {
  const actor = requireActor(ctx.actor);
  const period = parsePeriod(q, ctx.now);
  const depts = await departmentsInStatsScope(db, actor, q);
  const ids = depts.map((d) => d.id);
  const [{ rows }, cat, req] = await Promise.all([statsOf(db, depts, period, ctx.now), catalogMonths(db, ids, period.range), requestMonths(db, ids, period.range, ctx.now)]);

  const totals = emptyFigures();
  const failings = emptyFailings();
  for (const r of rows) {
    for (const k of FIGURE_KEYS) totals[k] += r[k];
    for (const k of FAILING_KINDS) failings[k] += r.failings[k];
  }
  const months = monthsOf(period).map((month) => {
    const c = cat.get(month);
    const r = req.get(month);
    return {
      month,
      catalogued: c?.catalogued ?? 0,
      published: c?.published ?? 0,
      requestsReceived: r?.received ?? 0,
      requestsAnsweredOnTime: r?.onTime ?? 0,
      requestsAnsweredLate: r?.late ?? 0,
      requestsOverdue: r?.overdue ?? 0,
    };
  });

  const sort = q.sort ?? 'divisionCode';
  const dir = (q.order ?? (q.sort && q.sort !== 'departmentName' && q.sort !== 'divisionCode' ? 'desc' : 'asc')) === 'asc' ? 1 : -1;
  const byName = (a: DepartmentStats, b: DepartmentStats) => a.departmentName.localeCompare(b.departmentName, 'zh-Hans-CN');
  rows.sort((a, b) => {
    const va = a[sort];
    const vb = b[sort];
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb), 'zh-Hans-CN');
    return c * dir || byName(a, b);
  });
  const { page, pageSize, offset, limit } = paging(q);
  return {
    from: period.from,
    to: period.to,
    departments: rows.length,
    flaggedDepartments: rows.filter((r) => r.flagged).length,
    totals: { ...totals, failings },
    months,
    items: rows.slice(offset, offset + limit),
    total: rows.length,
    page,
    pageSize,
  };
}
