import { sql } from 'kysely';
import type { RequestContext } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import { paging } from '../../kernel/pagination.ts';
import { record } from '../audit/index.ts';
import { allows, departmentTarget, requireActor, type Actor } from '../identity/index.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import { nodeHealth } from './exchange.nodes.ts';
import { visibleTask, visibleTaskIds } from './exchange.tasks.ts';

type Ctx = RequestContext<Actor>;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A task's batches, newest first, each with its deliveries' states. */
export async function listBatches(deps: ExchangeDeps, ctx: Ctx, taskId: string, q: { page?: number; pageSize?: number }) {
  const actor = requireActor(ctx.actor);
  await visibleTask(deps.db, actor, taskId);
  const { page, pageSize, offset, limit } = paging(q);
  const base = deps.db.selectFrom('exchange.batch').where('task_id', '=', taskId);
  const [rows, count] = await Promise.all([
    base.select(['id', 'seq', 'kind', 'sm3', 'bytes', 'row_count', 'received_at', 'manifest']).orderBy(sql`seq`, 'desc').offset(offset).limit(limit).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const deliveries = rows.length
    ? await deps.db
        .selectFrom('exchange.delivery as d')
        .innerJoin('exchange.node as n', 'n.id', 'd.node_id')
        .select(['d.id', 'd.batch_id', 'd.target_id', 'n.code as node_code', 'd.status', 'd.attempts', 'd.error_code', 'd.error_message', 'd.applied_rows', 'd.settled_at'])
        .where('d.batch_id', 'in', rows.map((r) => r.id))
        .execute()
    : [];
  return {
    items: rows.map((b) => ({
      id: b.id,
      seq: Number(b.seq),
      kind: b.kind,
      sm3: b.sm3,
      bytes: Number(b.bytes),
      rowCount: b.row_count,
      receivedAt: b.received_at.toISOString(),
      checkpoint: (b.manifest as { checkpoint?: unknown }).checkpoint ?? null,
      deliveries: deliveries
        .filter((d) => d.batch_id === b.id)
        .map((d) => ({ id: d.id, targetId: d.target_id, nodeCode: d.node_code, status: d.status, attempts: d.attempts, errorCode: d.error_code, errorMessage: d.error_message, appliedRows: d.applied_rows, settledAt: iso(d.settled_at) })),
    })),
    total: Number(count.n),
    page,
    pageSize,
  };
}

/** Deliveries across the visible tasks (the failures page filters status=failed). */
export async function listDeliveries(deps: ExchangeDeps, ctx: Ctx, q: { page?: number; pageSize?: number; status?: string; taskId?: string }) {
  const actor = requireActor(ctx.actor);
  const { page, pageSize, offset, limit } = paging(q);
  let base = deps.db
    .selectFrom('exchange.delivery as d')
    .innerJoin('exchange.task as t', 't.id', 'd.task_id')
    .innerJoin('exchange.node as n', 'n.id', 'd.node_id')
    .where('d.task_id', 'in', visibleTaskIds(deps.db, actor));
  if (q.status) base = base.where('d.status', '=', q.status as 'failed');
  if (q.taskId) base = base.where('d.task_id', '=', q.taskId);
  const [rows, count] = await Promise.all([
    base
      .select(['d.id', 'd.batch_id', 'd.task_id', 't.name as task_name', 'd.target_id', 'n.code as node_code', 'n.name as node_name', 'd.seq', 'd.status', 'd.attempts', 'd.error_code', 'd.error_message', 'd.retryable', 'd.bytes', 'd.created_at', 'd.settled_at', 'd.available_at'])
      .orderBy('d.created_at', 'desc')
      .orderBy('d.id')
      .offset(offset)
      .limit(limit)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((d) => ({
      id: d.id,
      batchId: d.batch_id,
      taskId: d.task_id,
      taskName: d.task_name,
      targetId: d.target_id,
      nodeCode: d.node_code,
      nodeName: d.node_name,
      seq: Number(d.seq),
      status: d.status,
      attempts: d.attempts,
      errorCode: d.error_code,
      errorMessage: d.error_message,
      retryable: d.retryable,
      bytes: Number(d.bytes),
      createdAt: d.created_at.toISOString(),
      settledAt: iso(d.settled_at),
      availableAt: d.available_at.toISOString(),
    })),
    total: Number(count.n),
    page,
    pageSize,
  };
}

/** Retry after the cause was fixed: the failed delivery is queued again, now. */
export async function retryDelivery(deps: ExchangeDeps, ctx: Ctx, id: string) {
  const actor = requireActor(ctx.actor);
  const ref = await deps.db.transaction().execute(async (trx) => {
    const d = await trx
      .selectFrom('exchange.delivery as d')
      .innerJoin('exchange.task as t', 't.id', 'd.task_id')
      .innerJoin('exchange.target as g', 'g.id', 'd.target_id')
      .select(['d.id', 'd.status', 'd.node_id', 'd.batch_id', 'd.target_id', 'd.seq', 'd.error_code', 'd.task_id', 't.name as task_name', 't.provider_department_id', 'g.consumer_department_id'])
      .where('d.id', '=', id)
      .forUpdate('d')
      .executeTakeFirst();
    if (!d) throw new AppError('NOT_FOUND', { message: 'Delivery not found', messageZh: '投递记录不存在' });
    // The provider runs the task; the consumer fixes its own target: either may retry.
    const provider = await departmentTarget(trx, d.provider_department_id);
    const consumer = await departmentTarget(trx, d.consumer_department_id);
    if (!(provider && allows(actor, 'exchange.task.manage', provider)) && !(consumer && allows(actor, 'exchange.task.manage', consumer))) {
      throw new AppError('OUT_OF_SCOPE', { extra: { permission: 'exchange.task.manage' } });
    }
    if (d.status !== 'failed' && d.status !== 'queued') throw new AppError('CONFLICT', { message: `The delivery is ${d.status}`, messageZh: '该投递当前不可重试' });
    await trx.updateTable('exchange.delivery').set({ status: 'queued', available_at: ctx.now }).where('id', '=', id).execute();
    await record(trx, ctx, { action: 'exchange.delivery.retry', target: { type: 'exchange_delivery', id, label: `${d.task_name} #${d.seq}` }, departmentId: d.consumer_department_id, summary: { previousError: d.error_code } });
    return { batchId: d.batch_id, targetId: d.target_id, nodeId: d.node_id };
  });
  await deps.transport.changed(ref);
}

/** One batch's journey: every hop with its time, size and row count. */
export async function batchProvenance(deps: ExchangeDeps, ctx: Ctx, batchId: string) {
  const actor = requireActor(ctx.actor);
  const batch = await deps.db.selectFrom('exchange.batch').select(['id', 'task_id']).where('id', '=', batchId).executeTakeFirst();
  if (!batch) throw new AppError('NOT_FOUND', { message: 'Batch not found', messageZh: '批次不存在' });
  await visibleTask(deps.db, actor, batch.task_id);
  const rows = await deps.db
    .selectFrom('exchange.provenance as p')
    .leftJoin('exchange.node as n', 'n.id', 'p.node_id')
    .select(['p.hop', 'p.at', 'p.bytes', 'p.row_count', 'p.target_id', 'n.code as node_code', 'p.detail'])
    .where('p.batch_id', '=', batchId)
    .orderBy('p.id')
    .execute();
  return { items: rows.map((r) => ({ hop: r.hop, at: r.at.toISOString(), bytes: r.bytes === null ? null : Number(r.bytes), rowCount: r.row_count, targetId: r.target_id, nodeCode: r.node_code, detail: r.detail })) };
}

/**
 * Throughput and lag of a task, per hour (or per minute for the last 3 hours): rows and batches
 * applied, failures, and the average time from extraction to apply.
 */
export async function taskSeries(deps: ExchangeDeps, ctx: Ctx, taskId: string, hours: number) {
  const actor = requireActor(ctx.actor);
  await visibleTask(deps.db, actor, taskId);
  const unit = hours <= 3 ? 'minute' : 'hour';
  const since = new Date(ctx.now.getTime() - hours * 3600_000);
  const rows = await sql<{ bucket: Date; applied_rows: string | null; applied_batches: string; failures: string; lag_seconds: string | null }>`
    SELECT date_trunc(${unit}, p.at) AS bucket,
           sum(p.row_count) FILTER (WHERE p.hop = 'applied') AS applied_rows,
           count(*) FILTER (WHERE p.hop = 'applied') AS applied_batches,
           count(*) FILTER (WHERE p.hop = 'failed') AS failures,
           avg(extract(epoch FROM p.at - x.at)) FILTER (WHERE p.hop = 'applied') AS lag_seconds
      FROM exchange.provenance p
      LEFT JOIN exchange.provenance x ON x.batch_id = p.batch_id AND x.hop = 'extracted'
     WHERE p.task_id = ${taskId} AND p.at >= ${since} AND p.hop IN ('applied', 'failed')
     GROUP BY 1 ORDER BY 1`.execute(deps.db);
  return {
    unit,
    points: rows.rows.map((r) => ({
      at: new Date(r.bucket).toISOString(),
      appliedRows: Number(r.applied_rows ?? 0),
      appliedBatches: Number(r.applied_batches),
      failures: Number(r.failures),
      lagSeconds: r.lag_seconds === null ? null : Math.round(Number(r.lag_seconds) * 10) / 10,
    })),
  };
}

/** The exchange network the actor can see: nodes, and an edge per task from source to each target. */
export async function topology(deps: ExchangeDeps, ctx: Ctx) {
  const actor = requireActor(ctx.actor);
  const since = new Date(ctx.now.getTime() - 24 * 3600_000);
  const edges = await deps.db
    .selectFrom('exchange.target as g')
    .innerJoin('exchange.task as t', 't.id', 'g.task_id')
    .select((eb) => [
      't.id as task_id', 't.name as task_name', 't.source_node_id', 'g.node_id as target_node_id', 't.status', 'g.status as target_status',
      eb.selectFrom('exchange.provenance as p').select((e) => e.fn.coalesce(e.fn.sum<string>('p.row_count'), sql<string>`0`).as('n')).whereRef('p.target_id', '=', 'g.id').where('p.hop', '=', 'applied').where('p.at', '>=', since).as('rows_24h'),
    ])
    .where('t.id', 'in', visibleTaskIds(deps.db, actor))
    .execute();
  const ids = [...new Set(edges.flatMap((e) => [e.source_node_id, e.target_node_id]))];
  const nodes = ids.length
    ? await deps.db
        .selectFrom('exchange.node as n')
        .innerJoin('identity.department as d', 'd.id', 'n.department_id')
        .select(['n.id', 'n.code', 'n.name', 'n.status', 'n.last_heartbeat_at', 'n.queue_depth', 'n.lag_seconds', 'd.name as department_name', 'd.division_code'])
        .where('n.id', 'in', ids)
        .execute()
    : [];
  return {
    nodes: nodes.map((n) => ({ id: n.id, code: n.code, name: n.name, departmentName: n.department_name, divisionCode: n.division_code, health: nodeHealth(n, ctx.now, deps.settings.silentMinutes), queueDepth: n.queue_depth, lagSeconds: n.lag_seconds })),
    edges: edges.map((e) => ({ taskId: e.task_id, taskName: e.task_name, source: e.source_node_id, target: e.target_node_id, status: e.status === 'active' ? e.target_status : e.status, rows24h: Number(e.rows_24h ?? 0) })),
  };
}
