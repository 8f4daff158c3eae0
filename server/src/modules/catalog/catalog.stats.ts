import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

/**
 * Catalog figures for the sharing statistics (R-SHR-7, docs/sharing-statistics.md): per provider
 * department, one grouped query per figure family. The period is [from, to) as instants; `today`
 * is the CST calendar day the overdue figures are judged on.
 */

export interface StatsPeriod {
  from: Date;
  to: Date;
  today: string;
}

export interface CatalogFigures {
  catalogued: number;
  published: number;
  updateDuties: number;
  updateDutiesOnTime: number;
  updateDutiesLate: number;
  updateDutiesOpen: number;
  updateDutiesOverdue: number;
}

export const emptyCatalogFigures = (): CatalogFigures => ({
  catalogued: 0,
  published: 0,
  updateDuties: 0,
  updateDutiesOnTime: 0,
  updateDutiesLate: 0,
  updateDutiesOpen: 0,
  updateDutiesOverdue: 0,
});

const uuids = (ids: string[]) => sql<string[]>`${sql.val(ids)}::uuid[]`;
/** The CST calendar day of a timestamptz column, as a date. */
const cstDay = (col: string) => sql`((${sql.ref(col)} at time zone 'UTC') + interval '8 hours')::date`;
/** The CST month of a timestamptz column, 'YYYY-MM'. */
export const cstMonth = (col: string) => sql<string>`to_char((${sql.ref(col)} at time zone 'UTC') + interval '8 hours', 'YYYY-MM')`;
const n = (v: unknown) => Number(v ?? 0);

/** Entries catalogued (created) and published in the period, and the update duties recorded in it. */
export async function catalogFiguresByDepartment(db: Kysely<DB>, departmentIds: string[], p: StatsPeriod): Promise<Map<string, CatalogFigures>> {
  const out = new Map<string, CatalogFigures>();
  if (!departmentIds.length) return out;
  const get = (id: string) => out.get(id) ?? out.set(id, emptyCatalogFigures()).get(id)!;
  const [entries, duties] = await Promise.all([
    db
      .selectFrom('catalog.resource')
      .select([
        'provider_department_id as departmentId',
        sql<number>`count(*) filter (where created_at >= ${p.from} and created_at < ${p.to})`.as('catalogued'),
        sql<number>`count(*) filter (where published_at >= ${p.from} and published_at < ${p.to})`.as('published'),
      ])
      .where(sql<boolean>`provider_department_id = any(${uuids(departmentIds)})`)
      .groupBy('provider_department_id')
      .execute(),
    db
      .selectFrom('catalog.update_duty')
      .select([
        'department_id as departmentId',
        sql<number>`count(*)`.as('total'),
        sql<number>`count(*) filter (where status = 'fulfilled' and ${cstDay('fulfilled_at')} <= due_date)`.as('onTime'),
        sql<number>`count(*) filter (where status = 'fulfilled' and ${cstDay('fulfilled_at')} > due_date)`.as('late'),
        sql<number>`count(*) filter (where status = 'open')`.as('open'),
        sql<number>`count(*) filter (where status = 'open' and due_date < ${p.today}::date)`.as('overdue'),
      ])
      .where(sql<boolean>`department_id = any(${uuids(departmentIds)})`)
      .where('recorded_at', '>=', p.from)
      .where('recorded_at', '<', p.to)
      .groupBy('department_id')
      .execute(),
  ]);
  for (const r of entries) Object.assign(get(r.departmentId), { catalogued: n(r.catalogued), published: n(r.published) });
  for (const r of duties) {
    Object.assign(get(r.departmentId), { updateDuties: n(r.total), updateDutiesOnTime: n(r.onTime), updateDutiesLate: n(r.late), updateDutiesOpen: n(r.open), updateDutiesOverdue: n(r.overdue) });
  }
  return out;
}

/** Entries catalogued and published per CST month of the period, over the departments given. */
export async function catalogMonths(db: Kysely<DB>, departmentIds: string[], p: StatsPeriod): Promise<Map<string, { catalogued: number; published: number }>> {
  const out = new Map<string, { catalogued: number; published: number }>();
  if (!departmentIds.length) return out;
  const rows = await sql<{ month: string; catalogued: number; published: number }>`
    select month, sum(c)::int as catalogued, sum(p)::int as published from (
      select ${cstMonth('created_at')} as month, 1 as c, 0 as p from catalog.resource
       where provider_department_id = any(${uuids(departmentIds)}) and created_at >= ${p.from} and created_at < ${p.to}
      union all
      select ${cstMonth('published_at')} as month, 0 as c, 1 as p from catalog.resource
       where provider_department_id = any(${uuids(departmentIds)}) and published_at >= ${p.from} and published_at < ${p.to}
    ) m group by month`.execute(db);
  for (const r of rows.rows) out.set(r.month, { catalogued: n(r.catalogued), published: n(r.published) });
  return out;
}
