import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { systemContext } from '../../kernel/context.ts';
import { record } from '../audit/index.ts';
import { authorityDepartmentIds } from '../identity/index.ts';
import { notifyOnce, type NoticeInput } from '../notifications/index.ts';
import { cstDate } from './domain/rules.ts';
import { auditResource } from './sharing.service.ts';

/**
 * Reminders and overdue notices pushed by the deadline job (app.ts, every REMINDER_INTERVAL_MS):
 *  - an unanswered conditional request: the provider on its 5th and 8th working day
 *    (`reminded_5`, `reminded_8`, the dates fixed when the request arrived, holidays skipped); the
 *    provider and the sharing authority at the provider's level once it is overdue;
 *  - an open data dispute past its due day: the provider and the sharing authority.
 * Each stage of each object is sent once (notifications.sent_stage); a run that finds a request
 * already past a later stage sends that stage only, not the ones it missed.
 */

const BATCH = 500;
type Stage = 'reminded_5' | 'reminded_8' | 'overdue';

const STAGE_ZH: Record<Stage, string> = {
  reminded_5: '已到第 5 个工作日',
  reminded_8: '已到第 8 个工作日',
  overdue: '已超过 10 个工作日答复期限',
};

/** Sends what is due now; returns how many stages went out. */
export async function sendSharingNotices(db: Kysely<DB>, now: Date): Promise<number> {
  return (await remindRequests(db, now)) + (await disputesOverdue(db, now));
}

/** The stage a pending request is in now, as SQL (the same rule as stageOf in domain/rules.ts). */
const stageSql = (now: Date, today: string) =>
  sql<Stage>`CASE WHEN r.deadline < ${now} THEN 'overdue' WHEN r.remind_at_8 <= ${today} THEN 'reminded_8' ELSE 'reminded_5' END`;

async function remindRequests(db: Kysely<DB>, now: Date): Promise<number> {
  const today = cstDate(now);
  const rows = await db
    .selectFrom('sharing.request as r')
    .select(['r.id', 'r.resource_id', 'r.resource_code', 'r.resource_name', 'r.provider_department_id', 'r.deadline_date', stageSql(now, today).as('stage')])
    .where('r.status', '=', 'pending')
    .where('r.remind_at_5', '<=', today)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('notifications.sent_stage as s')
            .select('s.stage')
            .whereRef('s.object_id', '=', 'r.id')
            .where('s.object_type', '=', 'sharing_request')
            .where(sql<boolean>`s.stage = ${stageSql(now, today)}`),
        ),
      ),
    )
    .orderBy('r.deadline')
    .limit(BATCH)
    .execute();
  let sent = 0;
  for (const r of rows) {
    const authorities = r.stage === 'overdue' ? await authorityDepartmentIds(db, r.provider_department_id, 'sharing.arbitrate') : [];
    const link = `/sharing/requests/${r.id}`;
    const notices: NoticeInput[] = [
      {
        departmentId: r.provider_department_id,
        kind: r.stage === 'overdue' ? 'sharing.request.overdue' : 'sharing.request.reminder',
        title: `共享申请待答复：${r.resource_name}（${STAGE_ZH[r.stage]}）`,
        body: r.stage === 'overdue'
          ? `“${r.resource_name}”的共享申请答复期限 ${r.deadline_date} 已过，尚未答复（国发〔2016〕51号：10 个工作日内答复）。`
          : `“${r.resource_name}”的共享申请${STAGE_ZH[r.stage]}，请于 ${r.deadline_date} 前答复。`,
        link,
        resourceId: r.resource_id,
      },
      ...authorities
        .filter((id) => id !== r.provider_department_id)
        .map((departmentId) => ({
          departmentId,
          kind: 'sharing.request.overdue',
          title: `共享申请超期未答复：${r.resource_name}`,
          body: `提供部门未在 ${r.deadline_date} 前答复“${r.resource_name}”的共享申请。`,
          link,
          resourceId: r.resource_id,
        })),
    ];
    if (await sendStage(db, now, 'sharing_request', r, r.stage, notices)) sent++;
  }
  return sent;
}

async function disputesOverdue(db: Kysely<DB>, now: Date): Promise<number> {
  const rows = await db
    .selectFrom('sharing.dispute as d')
    .leftJoin('notifications.sent_stage as s', (j) => j.onRef('s.object_id', '=', 'd.id').on('s.object_type', '=', 'sharing_dispute').on('s.stage', '=', 'overdue'))
    .select(['d.id', 'd.resource_id', 'd.resource_code', 'd.resource_name', 'd.provider_department_id', 'd.due_date', 'd.record_key', 'd.field_name'])
    .where('d.status', '=', 'open')
    .where('d.deadline', '<', now)
    .where('s.object_id', 'is', null)
    .orderBy('d.deadline')
    .limit(BATCH)
    .execute();
  let sent = 0;
  for (const d of rows) {
    const to = [...new Set([d.provider_department_id, ...(await authorityDepartmentIds(db, d.provider_department_id, 'sharing.arbitrate'))])];
    const notices = to.map((departmentId) => ({
      departmentId,
      kind: 'sharing.dispute.overdue',
      title: `数据疑义超期未答复：${d.resource_name}`,
      body: `记录 ${d.record_key} 的“${d.field_name}”疑义答复期限 ${d.due_date} 已过，尚未答复。`,
      link: `/sharing/disputes/${d.id}`,
      resourceId: d.resource_id,
    }));
    if (await sendStage(db, now, 'sharing_dispute', d, 'overdue', notices)) sent++;
  }
  return sent;
}

/** One stage of one object: its record, its notices and the audit entry, in one transaction. */
async function sendStage(
  db: Kysely<DB>,
  now: Date,
  objectType: 'sharing_request' | 'sharing_dispute',
  row: { id: string; resource_code: string; resource_name: string; provider_department_id: string },
  stage: Stage,
  notices: NoticeInput[],
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const sent = await notifyOnce(trx, { objectType, objectId: row.id, stage }, notices, now);
    if (sent) {
      await record(trx, systemContext(now), {
        action: objectType === 'sharing_request' ? 'sharing.request.notice' : 'sharing.dispute.notice',
        system: true,
        departmentId: row.provider_department_id,
        target: { type: objectType, id: row.id, label: auditResource(row) },
        summary: { after: { stage, notified: notices.map((n) => n.departmentId) } },
      });
    }
    return sent;
  });
}
