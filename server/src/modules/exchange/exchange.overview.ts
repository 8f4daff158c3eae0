import { sql } from 'kysely';
import type { Registry } from 'prom-client';
import { Gauge } from 'prom-client';
import type { RequestContext } from '../../kernel/context.ts';
import { paging } from '../../kernel/pagination.ts';
import { departmentIdsInScope, requireActor, requireScope, type Actor } from '../identity/index.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import { nodeHealth } from './exchange.nodes.ts';
import { visibleTaskIds } from './exchange.tasks.ts';

type Ctx = RequestContext<Actor>;

/** Warnings about the actor's departments or the tasks it can see, newest first. */
export async function listWarnings(deps: ExchangeDeps, ctx: Ctx, q: { page?: number; pageSize?: number; status?: 'open' | 'resolved'; kind?: string; taskId?: string }) {
  const actor = requireActor(ctx.actor);
  const scope = requireScope(actor, 'exchange.read');
  const { page, pageSize, offset, limit } = paging(q);
  let base = deps.db.selectFrom('exchange.warning as w').leftJoin('exchange.node as n', 'n.id', 'w.node_id').leftJoin('exchange.task as t', 't.id', 'w.task_id');
  if (scope !== 'platform') {
    base = base.where((eb) => eb.or([eb('w.department_id', 'in', departmentIdsInScope(deps.db, actor, 'exchange.read')), eb('w.task_id', 'in', visibleTaskIds(deps.db, actor))]));
  }
  if (q.status === 'open') base = base.where('w.resolved_at', 'is', null);
  if (q.status === 'resolved') base = base.where('w.resolved_at', 'is not', null);
  if (q.kind) base = base.where('w.kind', '=', q.kind as 'lag_high');
  if (q.taskId) base = base.where('w.task_id', '=', q.taskId);
  const [rows, count] = await Promise.all([
    base
      .select(['w.id', 'w.kind', 'w.node_id', 'n.code as node_code', 'w.task_id', 't.name as task_name', 'w.message', 'w.message_zh', 'w.detail', 'w.raised_at', 'w.last_seen_at', 'w.resolved_at'])
      .orderBy('w.raised_at', 'desc')
      .orderBy('w.id')
      .offset(offset)
      .limit(limit)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((w) => ({
      id: w.id,
      kind: w.kind,
      nodeId: w.node_id,
      nodeCode: w.node_code,
      taskId: w.task_id,
      taskName: w.task_name,
      message: w.message,
      messageZh: w.message_zh,
      detail: w.detail,
      raisedAt: w.raised_at.toISOString(),
      lastSeenAt: w.last_seen_at.toISOString(),
      resolvedAt: w.resolved_at ? w.resolved_at.toISOString() : null,
    })),
    total: Number(count.n),
    page,
    pageSize,
  };
}

/** The dashboard's figures over what the actor can see. */
export async function overview(deps: ExchangeDeps, ctx: Ctx) {
  const actor = requireActor(ctx.actor);
  const scope = requireScope(actor, 'exchange.read');
  const depts = departmentIdsInScope(deps.db, actor, 'exchange.read');
  let nodesQ = deps.db.selectFrom('exchange.node').select(['status', 'last_heartbeat_at']);
  if (scope !== 'platform') nodesQ = nodesQ.where('department_id', 'in', depts);
  const nodes = { online: 0, silent: 0, never: 0, pending: 0, revoked: 0 };
  for (const n of await nodesQ.execute()) nodes[nodeHealth(n, ctx.now, deps.settings.silentMinutes)]++;
  const taskIds = visibleTaskIds(deps.db, actor);
  const tasks = { active: 0, paused: 0, stopped: 0 };
  for (const r of await deps.db.selectFrom('exchange.task').select((eb) => ['status', eb.fn.countAll<string>().as('n')]).where('id', 'in', taskIds).groupBy('status').execute()) tasks[r.status] = Number(r.n);
  const deliveries = { queued: 0, failed: 0 };
  for (const r of await deps.db.selectFrom('exchange.delivery').select((eb) => ['status', eb.fn.countAll<string>().as('n')]).where('task_id', 'in', taskIds).where('status', 'in', ['queued', 'failed']).groupBy('status').execute()) {
    deliveries[r.status as 'queued' | 'failed'] = Number(r.n);
  }
  const since = new Date(ctx.now.getTime() - 24 * 3600_000);
  const applied = await deps.db.selectFrom('exchange.provenance').select((eb) => eb.fn.coalesce(eb.fn.sum<string>('row_count'), sql<string>`0`).as('n')).where('task_id', 'in', taskIds).where('hop', '=', 'applied').where('at', '>=', since).executeTakeFirstOrThrow();
  const warnings = await listWarnings(deps, ctx, { status: 'open', pageSize: 1 });
  return { nodes, tasks, deliveries, rowsApplied24h: Number(applied.n), openWarnings: warnings.total };
}

/** Prometheus gauges for the exchange, read from the database at scrape time. */
export function exchangeMetrics(deps: ExchangeDeps) {
  return (registry: Registry) => {
    new Gauge({
      name: 'zhengtong_exchange_warnings_open',
      help: 'Open exchange warnings by kind',
      labelNames: ['kind'],
      registers: [registry],
      async collect() {
        this.reset();
        const rows = await deps.db.selectFrom('exchange.warning').select((eb) => ['kind', eb.fn.countAll<string>().as('n')]).where('resolved_at', 'is', null).groupBy('kind').execute().catch(() => []);
        for (const r of rows) this.set({ kind: r.kind }, Number(r.n));
      },
    });
    new Gauge({
      name: 'zhengtong_exchange_deliveries',
      help: 'Exchange deliveries not yet applied, by status',
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        this.reset();
        const rows = await deps.db.selectFrom('exchange.delivery').select((eb) => ['status', eb.fn.countAll<string>().as('n')]).where('status', 'in', ['queued', 'delivering', 'failed']).groupBy('status').execute().catch(() => []);
        for (const r of rows) this.set({ status: r.status }, Number(r.n));
      },
    });
    new Gauge({
      name: 'zhengtong_exchange_nodes',
      help: 'Exchange nodes by health',
      labelNames: ['health'],
      registers: [registry],
      async collect() {
        this.reset();
        const counts: Record<string, number> = { online: 0, silent: 0, never: 0, pending: 0, revoked: 0 };
        const rows = await deps.db.selectFrom('exchange.node').select(['status', 'last_heartbeat_at']).execute().catch(() => []);
        for (const n of rows) counts[nodeHealth(n, new Date(), deps.settings.silentMinutes)]++;
        for (const [health, n] of Object.entries(counts)) this.set({ health }, n);
      },
    });
  };
}
