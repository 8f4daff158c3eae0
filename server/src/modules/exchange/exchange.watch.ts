import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { systemContext } from '../../kernel/context.ts';
import { record } from '../audit/index.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import { pruneEvents } from './exchange.topics.ts';

type Kind = DB['exchange.warning']['kind'];
interface Finding {
  subject: string;
  node_id: string | null;
  task_id: string | null;
  department_id: string;
  message: string;
  message_zh: string;
  detail: unknown;
}
export interface WatchLog {
  warn(obj: object, msg?: string): void;
}

/**
 * The exchange watch (R-EXC-5), run by the worker: finds what deserves a warning now, raises new
 * warnings, refreshes open ones and resolves those whose cause has gone; expires deliveries past
 * the retention (after warning a day before) and frees stored bodies nobody needs any more.
 * Every raised or resolved warning and every expiry is one transaction with its audit entry.
 */
export async function watchExchange(deps: ExchangeDeps, now: Date, log: WatchLog) {
  const s = deps.settings;
  const db = deps.db;
  // Expire first, so that what expired is no longer reported as about to.
  const expired = await expire(deps, now, s.retentionHours);
  const findings: Record<Kind, Finding[]> = {
    node_silent: await silentNodes(db, now, s.silentMinutes),
    task_failing: await failingTasks(db, now, s.failureThreshold),
    lag_high: await laggingTasks(db, now, s.lagWarnSeconds),
    row_count_abnormal: await abnormalVolumes(db, now),
    expiry_pending: await expiringTasks(db, now, s.retentionHours),
    expired,
  };
  let raised = 0;
  for (const [kind, list] of Object.entries(findings) as [Kind, Finding[]][]) raised += await sync(db, kind, list, now, log, kind !== 'expired');
  await settleBatches(deps, now);
  await deps.store.sweepTemporary(new Date());
  await pruneEvents(db, now);
  return raised;
}

async function sync(db: Kysely<DB>, kind: Kind, current: Finding[], now: Date, log: WatchLog, resolveMissing: boolean) {
  const open = await db.selectFrom('exchange.warning').select(['id', 'subject', 'department_id']).where('kind', '=', kind).where('resolved_at', 'is', null).execute();
  const bySubject = new Map(open.map((w) => [w.subject, w]));
  const ctx = systemContext(now);
  let raised = 0;
  for (const f of current) {
    const existing = bySubject.get(f.subject);
    if (existing) {
      await db.updateTable('exchange.warning').set({ last_seen_at: now, message: f.message, message_zh: f.message_zh, detail: JSON.stringify(f.detail) }).where('id', '=', existing.id).execute();
      continue;
    }
    raised++;
    log.warn({ kind, subject: f.subject, nodeId: f.node_id, taskId: f.task_id }, `exchange warning: ${f.message}`);
    await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('exchange.warning')
        .values({ kind, ...f, detail: JSON.stringify(f.detail), raised_at: now, last_seen_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      await record(trx, ctx, { action: 'exchange.warning.raise', system: true, target: { type: 'exchange_warning', id: row.id, label: kind }, departmentId: f.department_id, summary: { message: f.message, detail: f.detail } });
    });
  }
  if (resolveMissing) {
    const seen = new Set(current.map((f) => f.subject));
    for (const w of open.filter((o) => !seen.has(o.subject))) {
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('exchange.warning').set({ resolved_at: now }).where('id', '=', w.id).execute();
        await record(trx, ctx, { action: 'exchange.warning.resolve', system: true, target: { type: 'exchange_warning', id: w.id, label: kind }, departmentId: w.department_id });
      });
    }
  }
  return raised;
}

async function silentNodes(db: Kysely<DB>, now: Date, minutes: number): Promise<Finding[]> {
  const since = new Date(now.getTime() - minutes * 60_000);
  const rows = await db
    .selectFrom('exchange.node')
    .select(['id', 'code', 'name', 'department_id', 'last_heartbeat_at', 'enrolled_at'])
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('last_heartbeat_at', '<', since), eb.and([eb('last_heartbeat_at', 'is', null), eb('enrolled_at', '<', since)])]))
    .execute();
  return rows.map((n) => ({
    subject: n.id,
    node_id: n.id,
    task_id: null,
    department_id: n.department_id,
    message: `Node ${n.code} has sent no heartbeat for more than ${minutes} minutes`,
    message_zh: `前置机 ${n.code}（${n.name}）已超过 ${minutes} 分钟无心跳`,
    detail: { lastHeartbeatAt: n.last_heartbeat_at?.toISOString() ?? null },
  }));
}

async function failingTasks(db: Kysely<DB>, now: Date, threshold: number): Promise<Finding[]> {
  const since = new Date(now.getTime() - 3600_000);
  const rows = await db
    .selectFrom('exchange.task as t')
    .select((eb) => [
      't.id', 't.name', 't.provider_department_id',
      eb.selectFrom('exchange.provenance as p').select((e) => e.fn.countAll<string>().as('n')).whereRef('p.task_id', '=', 't.id').where('p.hop', '=', 'failed').where('p.at', '>=', since).as('recent'),
      eb.selectFrom('exchange.delivery as d').select((e) => e.fn.countAll<string>().as('n')).whereRef('d.task_id', '=', 't.id').where('d.status', '=', 'failed').as('held'),
      eb.selectFrom('exchange.delivery as d').select('d.error_message').whereRef('d.task_id', '=', 't.id').where('d.error_code', 'is not', null).orderBy('d.available_at', 'desc').limit(1).as('last_error'),
    ])
    .execute();
  return rows
    .filter((r) => Number(r.recent) >= threshold || Number(r.held) > 0)
    .map((r) => ({
      subject: r.id,
      node_id: null,
      task_id: r.id,
      department_id: r.provider_department_id,
      message: `Task ${r.name}: ${r.recent} failed applies in the last hour, ${r.held} held for a retry${r.last_error ? ` — ${r.last_error}` : ''}`,
      message_zh: `交换任务「${r.name}」近一小时入库失败 ${r.recent} 次，待重试 ${r.held} 个${r.last_error ? `：${r.last_error}` : ''}`,
      detail: { failuresLastHour: Number(r.recent), held: Number(r.held), lastError: r.last_error },
    }));
}

async function laggingTasks(db: Kysely<DB>, now: Date, seconds: number): Promise<Finding[]> {
  const before = new Date(now.getTime() - seconds * 1000);
  const tasks = await db
    .selectFrom('exchange.delivery as d')
    .innerJoin('exchange.task as t', 't.id', 'd.task_id')
    .select((eb) => ['t.id', 't.name', 't.provider_department_id', eb.fn.min('d.created_at').as('oldest'), eb.fn.countAll<string>().as('waiting')])
    .where('d.status', 'in', ['queued', 'delivering', 'failed'])
    .where('d.created_at', '<', before)
    .groupBy(['t.id', 't.name', 't.provider_department_id'])
    .execute();
  const nodes = await db.selectFrom('exchange.node').select(['id', 'code', 'department_id', 'lag_seconds']).where('status', '=', 'active').where('lag_seconds', '>', seconds).execute();
  return [
    ...tasks.map((t) => {
      const lag = Math.round((now.getTime() - new Date(t.oldest as Date).getTime()) / 1000);
      return {
        subject: t.id,
        node_id: null,
        task_id: t.id,
        department_id: t.provider_department_id,
        message: `Task ${t.name}: ${t.waiting} batches waiting, the oldest for ${lag} s (threshold ${seconds} s)`,
        message_zh: `交换任务「${t.name}」有 ${t.waiting} 个批次待入库，最久已等待 ${lag} 秒（阈值 ${seconds} 秒）`,
        detail: { lagSeconds: lag, waiting: Number(t.waiting) },
      };
    }),
    ...nodes.map((n) => ({
      subject: n.id,
      node_id: n.id,
      task_id: null,
      department_id: n.department_id,
      message: `Node ${n.code} reports ${n.lag_seconds} s of lag in its outbox (threshold ${seconds} s)`,
      message_zh: `前置机 ${n.code} 发件箱积压 ${n.lag_seconds} 秒（阈值 ${seconds} 秒）`,
      detail: { lagSeconds: n.lag_seconds },
    })),
  ];
}

/**
 * "Abnormal data change" (R-EXC-5): a full snapshot whose row count departs by more than half from
 * the average of the previous ones, or an hour of incremental changes ten times the usual.
 */
async function abnormalVolumes(db: Kysely<DB>, now: Date): Promise<Finding[]> {
  const snapshots = await sql<{ task_id: string; name: string; dept: string; sid: string; rows: string; last_seq: string }>`
    SELECT b.task_id, t.name, t.provider_department_id AS dept, b.manifest->'snapshot'->>'id' AS sid, sum(b.row_count) AS rows, max(b.seq) AS last_seq
      FROM exchange.batch b JOIN exchange.task t ON t.id = b.task_id
     WHERE jsonb_typeof(b.manifest->'snapshot') = 'object'
     GROUP BY 1, 2, 3, 4
    HAVING bool_or((b.manifest->'snapshot'->>'last')::boolean)
     ORDER BY 1, last_seq`.execute(db);
  const out: Finding[] = [];
  const byTask = new Map<string, typeof snapshots.rows>();
  for (const r of snapshots.rows) byTask.set(r.task_id, [...(byTask.get(r.task_id) ?? []), r]);
  for (const list of byTask.values()) {
    const last = list.at(-1)!;
    const prev = list.slice(-6, -1).map((r) => Number(r.rows));
    if (prev.length < 2) continue;
    const avg = prev.reduce((a, b) => a + b, 0) / prev.length;
    const rows = Number(last.rows);
    if (avg > 0 && Math.abs(rows - avg) / avg > 0.5) {
      out.push({
        subject: `snapshot:${last.sid}`,
        node_id: null,
        task_id: last.task_id,
        department_id: last.dept,
        message: `Task ${last.name}: the latest full snapshot has ${rows} rows, the previous ones ${Math.round(avg)} on average`,
        message_zh: `交换任务「${last.name}」最近一次全量 ${rows} 行，此前平均 ${Math.round(avg)} 行，数据量异常变化`,
        detail: { rows, average: Math.round(avg), snapshotId: last.sid },
      });
    }
  }
  const since = new Date(now.getTime() - 7 * 86400_000);
  const hours = await sql<{ task_id: string; name: string; dept: string; hour: Date; rows: string }>`
    SELECT b.task_id, t.name, t.provider_department_id AS dept, date_trunc('hour', b.received_at) AS hour, sum(b.row_count) AS rows
      FROM exchange.batch b JOIN exchange.task t ON t.id = b.task_id
     WHERE b.received_at >= ${since} AND jsonb_typeof(b.manifest->'snapshot') IS DISTINCT FROM 'object'
     GROUP BY 1, 2, 3, 4 ORDER BY 1, 4`.execute(db);
  const hourly = new Map<string, typeof hours.rows>();
  for (const r of hours.rows) hourly.set(r.task_id, [...(hourly.get(r.task_id) ?? []), r]);
  const currentHour = new Date(Math.floor(now.getTime() / 3600_000) * 3600_000).getTime();
  for (const list of hourly.values()) {
    const last = list.at(-1)!;
    if (new Date(last.hour).getTime() < currentHour - 3600_000) continue; // only this hour and the last
    const prev = list.slice(0, -1).map((r) => Number(r.rows)).sort((a, b) => a - b);
    if (prev.length < 6) continue;
    const median = prev[Math.floor(prev.length / 2)];
    const rows = Number(last.rows);
    if (rows > 1000 && rows > 10 * median) {
      out.push({
        subject: `hour:${last.task_id}:${new Date(last.hour).toISOString()}`,
        node_id: null,
        task_id: last.task_id,
        department_id: last.dept,
        message: `Task ${last.name}: ${rows} changed rows in one hour, usually about ${median}`,
        message_zh: `交换任务「${last.name}」一小时内变更 ${rows} 行，通常约 ${median} 行，数据量异常变化`,
        detail: { rows, median, hour: new Date(last.hour).toISOString() },
      });
    }
  }
  return out;
}

async function expiringTasks(db: Kysely<DB>, now: Date, retentionHours: number): Promise<Finding[]> {
  const warnFrom = new Date(now.getTime() - Math.max(retentionHours - 24, retentionHours / 2) * 3600_000);
  const rows = await db
    .selectFrom('exchange.delivery as d')
    .innerJoin('exchange.task as t', 't.id', 'd.task_id')
    .innerJoin('exchange.node as n', 'n.id', 'd.node_id')
    .select((eb) => ['t.id', 't.name', 't.provider_department_id', 'n.code', eb.fn.countAll<string>().as('n'), eb.fn.min('d.created_at').as('oldest')])
    .where('d.status', 'in', ['queued', 'delivering', 'failed'])
    .where('d.created_at', '<', warnFrom)
    .groupBy(['t.id', 't.name', 't.provider_department_id', 'n.code'])
    .execute();
  return rows.map((r) => {
    const expiresAt = new Date(new Date(r.oldest as Date).getTime() + retentionHours * 3600_000);
    return {
      subject: `${r.id}:${r.code}`,
      node_id: null,
      task_id: r.id,
      department_id: r.provider_department_id,
      message: `Task ${r.name}: ${r.n} batches for ${r.code} not yet applied; the oldest will be discarded at ${expiresAt.toISOString()}`,
      message_zh: `交换任务「${r.name}」发往 ${r.code} 的 ${r.n} 个批次尚未入库，最早一批将于 ${expiresAt.toISOString()} 过期丢弃`,
      detail: { waiting: Number(r.n), expiresAt: expiresAt.toISOString(), node: r.code },
    };
  });
}

/** Deliveries past the retention are discarded for their target, each audited, with a warning. */
async function expire(deps: ExchangeDeps, now: Date, retentionHours: number): Promise<Finding[]> {
  const before = new Date(now.getTime() - retentionHours * 3600_000);
  const ctx = systemContext(now);
  const out: Finding[] = [];
  const due = await deps.db
    .selectFrom('exchange.delivery as d')
    .innerJoin('exchange.task as t', 't.id', 'd.task_id')
    .innerJoin('exchange.node as n', 'n.id', 'd.node_id')
    .select(['d.id', 'd.batch_id', 'd.task_id', 'd.target_id', 'd.node_id', 'd.seq', 't.name', 't.provider_department_id', 'n.code'])
    .where('d.status', 'in', ['queued', 'delivering', 'failed'])
    .where('d.created_at', '<', before)
    .limit(1000)
    .execute();
  for (const d of due) {
    await deps.db.transaction().execute(async (trx: Transaction<DB>) => {
      const done = await trx.updateTable('exchange.delivery').set({ status: 'expired', settled_at: now, lease_until: null }).where('id', '=', d.id).where('status', 'in', ['queued', 'delivering', 'failed']).returning('id').executeTakeFirst();
      if (!done) return;
      await trx.insertInto('exchange.provenance').values({ batch_id: d.batch_id, task_id: d.task_id, target_id: d.target_id, node_id: d.node_id, hop: 'expired', at: now, bytes: null, row_count: null, detail: JSON.stringify({ retentionHours }) }).execute();
      await record(trx, ctx, { action: 'exchange.delivery.expire', system: true, target: { type: 'exchange_delivery', id: d.id, label: `${d.name} #${d.seq}` }, departmentId: d.provider_department_id, summary: { batchId: d.batch_id, node: d.code, retentionHours } });
    });
    out.push({
      subject: `expired:${d.id}`,
      node_id: d.node_id,
      task_id: d.task_id,
      department_id: d.provider_department_id,
      message: `Task ${d.name}: batch #${d.seq} for ${d.code} expired after ${retentionHours} h undelivered`,
      message_zh: `交换任务「${d.name}」第 ${d.seq} 批发往 ${d.code} 超过 ${retentionHours} 小时未入库，已过期`,
      detail: { batchId: d.batch_id, seq: Number(d.seq) },
    });
  }
  return out;
}

/** A batch none of whose deliveries is open is settled; its body leaves the store if no open batch shares it. */
async function settleBatches(deps: ExchangeDeps, now: Date) {
  const settled = await deps.db
    .updateTable('exchange.batch as b')
    .set({ settled_at: now })
    .where('b.settled_at', 'is', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('exchange.delivery as d').select('d.id').whereRef('d.batch_id', '=', 'b.id').where('d.status', 'in', ['queued', 'delivering', 'failed']))))
    .where('b.received_at', '<', new Date(now.getTime() - 60_000))
    .returning(['b.sm3'])
    .execute();
  for (const sm3 of new Set(settled.map((b) => b.sm3))) {
    const open = await deps.db.selectFrom('exchange.batch').select('id').where('sm3', '=', sm3).where('settled_at', 'is', null).executeTakeFirst();
    if (!open) await deps.store.remove(sm3);
  }
}
