import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { systemContext } from '../../kernel/context.ts';
import { record } from '../audit/index.ts';
import { authorityDepartmentIds } from '../identity/index.ts';
import { notifyOnce } from '../notifications/index.ts';
import { UPDATE_DUTY_WORKING_DAYS } from './catalog.duties.ts';

/**
 * The overdue notice of the 15-working-day update duty (R-CAT-4), pushed by the deadline job
 * (app.ts): once an open duty's due day has passed, its department and the catalog authority at
 * its level (catalog.review, nearest division) get one console notice — once per duty, however
 * often the job runs and however many workers run it (notifications.sent_stage).
 * Returns the number of duties whose notices went out in this run.
 */
export async function sendUpdateDutyNotices(db: Kysely<DB>, now: Date): Promise<number> {
  const today = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  const due = await db
    .selectFrom('catalog.update_duty as d')
    .leftJoin('notifications.sent_stage as s', (j) =>
      j.onRef('s.object_id', '=', 'd.id').on('s.object_type', '=', 'catalog_update_duty').on('s.stage', '=', 'overdue'),
    )
    .select(['d.id', 'd.department_id', 'd.basis', sql<string>`d.due_date::text`.as('due_date')])
    .where('d.status', '=', 'open')
    .where(sql<boolean>`d.due_date < ${today}::date`)
    .where('s.object_id', 'is', null)
    .orderBy('d.due_date')
    .limit(500)
    .execute();
  let sent = 0;
  for (const d of due) {
    const authorities = await authorityDepartmentIds(db, d.department_id, 'catalog.review');
    const to = [...new Set([d.department_id, ...authorities])];
    const done = await db.transaction().execute(async (trx) => {
      const ok = await notifyOnce(
        trx,
        { objectType: 'catalog_update_duty', objectId: d.id, stage: 'overdue' },
        to.map((departmentId) => ({
          departmentId,
          kind: 'catalog.update_duty.overdue',
          title: `目录更新责任已超期（期限 ${d.due_date}）`,
          body: `法律法规或职能变化（${d.basis}）后须在 ${UPDATE_DUTY_WORKING_DAYS} 个工作日内更新目录，期限 ${d.due_date} 已过，尚未完成。`,
          link: `/catalog/update-duties/${d.id}`,
        })),
        now,
      );
      if (ok) {
        await record(trx, systemContext(now), {
          action: 'catalog.update_duty.overdue_notice',
          system: true,
          departmentId: d.department_id,
          target: { type: 'catalog_update_duty', id: d.id, label: d.basis.slice(0, 100) },
          summary: { after: { stage: 'overdue', dueDate: d.due_date, notified: to } },
        });
      }
      return ok;
    });
    if (done) sent++;
  }
  return sent;
}
