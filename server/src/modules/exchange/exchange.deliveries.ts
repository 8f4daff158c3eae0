import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { RequestContext } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import { record } from '../audit/index.ts';
import { clientPublicKey, type Actor } from '../identity/index.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import { enforceGrants } from './exchange.grants.ts';

type Ctx = RequestContext<Actor>;
type Node = { id: string; code: string; department_id: string };

const deliveryNotFound = () => new AppError('NOT_FOUND', { message: 'Delivery not found', messageZh: '投递记录不存在' });
/** Retryable failures come back after 5 s, 10 s, 20 s … up to 10 minutes. */
const backoffMs = (attempts: number) => Math.min(600_000, 5_000 * 2 ** Math.max(0, attempts - 1));

type Open = { id: string; batch_id: string; task_id: string; target_id: string; seq: string; status: Selectable<DB['exchange.delivery']>['status']; available_at: Date; lease_until: Date | null; priority: number; created_at: Date };

/**
 * The deliveries ready for a node: per target, its open deliveries in sequence order, at most
 * `window` of them counted from the lowest, each leased only when every lower one is leased too
 * (now or earlier, to the same agent) and none is failed or waiting out a back-off. So a target sees
 * its batches strictly in order, a failed batch holds its target (not others), and an agent with
 * `window` 2 can fetch the next batch while it applies the current one (protocol §3). The default
 * window, 1, hands out only the lowest, after the one before it was acknowledged.
 */
async function nextReady(db: Kysely<DB>, nodeId: string, now: Date, limit: number, window: number, targets: Set<string> | null) {
  if (targets?.size === 0) return [];
  let open = db
    .selectFrom('exchange.delivery as d')
    .innerJoin('exchange.target as g', 'g.id', 'd.target_id')
    .innerJoin('exchange.task as t', 't.id', 'd.task_id')
    .select(['d.id', 'd.batch_id', 'd.task_id', 'd.target_id', 'd.seq', 'd.status', 'd.available_at', 'd.lease_until', 'd.priority', 'd.created_at'])
    .select(sql<string>`row_number() over (partition by d.target_id order by d.seq)`.as('rank'))
    .where('d.node_id', '=', nodeId)
    .where('d.status', 'in', ['queued', 'delivering', 'failed'])
    .where('g.status', '=', 'active')
    .where('t.status', '!=', 'stopped');
  // The transport may serve only some targets now (NATS: those whose head message this process holds).
  if (targets) open = open.where('d.target_id', 'in', [...targets]);
  const rows = await db
    .selectFrom(open.as('o'))
    .selectAll()
    .where('o.rank', '<=', String(window))
    .orderBy('o.target_id')
    .orderBy(sql`o.seq`)
    .execute();
  const ready: Open[] = [];
  let target = '';
  let blocked = false;
  for (const d of rows) {
    if (d.target_id !== target) [target, blocked] = [d.target_id, false];
    if (blocked) continue;
    const leasedOut = d.status === 'delivering' && d.lease_until !== null && d.lease_until > now;
    const due = (d.status === 'queued' && d.available_at <= now) || (d.status === 'delivering' && !leasedOut);
    if (due) ready.push(d);
    else if (!leasedOut) blocked = true; // failed, or backing off: nothing after it goes out
  }
  ready.sort((a, b) => b.priority - a.priority || a.created_at.getTime() - b.created_at.getTime() || Number(a.seq) - Number(b.seq));
  return inOrderPrefix(ready.slice(0, limit), ready);
}

/** Drops a target's deliveries that come after one of its own left out (by the limit or a lost race). */
function inOrderPrefix<T extends { id: string; target_id: string; seq: string }>(kept: T[], all: T[]): T[] {
  const keptIds = new Set(kept.map((d) => d.id));
  const firstLeftOut = new Map<string, number>();
  for (const d of all) if (!keptIds.has(d.id)) firstLeftOut.set(d.target_id, Math.min(firstLeftOut.get(d.target_id) ?? Infinity, Number(d.seq)));
  return kept.filter((d) => Number(d.seq) < (firstLeftOut.get(d.target_id) ?? Infinity));
}

/**
 * The window granted: what the agent asks for, except through NATS. There a target's JetStream
 * head message is its permission to be served, one at a time (ADR 0011); under load a window of two
 * stalled a target in the agent tests, and until that is understood NATS serves one at a time.
 */
function windowFor(deps: ExchangeDeps, asked: number | undefined) {
  return deps.transport.kind === 'nats' ? 1 : (asked ?? 1);
}

/** Leases ready deliveries to the node's agent; waits up to `wait` seconds for one (long poll). */
export async function leaseDeliveries(deps: ExchangeDeps, ctx: Ctx, node: Node, q: { wait: number; limit: number; window?: number }, signal?: AbortSignal) {
  const started = Date.now();
  const deadline = started + q.wait * 1000;
  for (;;) {
    // The request's clock (tests move it), advanced by the time spent waiting.
    const now = new Date(ctx.now.getTime() + (Date.now() - started));
    if (signal?.aborted) return { items: [] };
    const mark = deps.waker.mark(node.id);
    const ready = await nextReady(deps.db, node.id, now, q.limit, windowFor(deps, q.window), await deps.transport.openTargets(node.id));
    if (ready.length) {
      const leased = await deps.db.transaction().execute(async (trx) => {
        const out: typeof ready = [];
        const taskStopped = new Map<string, boolean>();
        const heldBack = new Set<string>();
        for (const d of ready) {
          // A target's later delivery never goes out without its earlier one.
          if (heldBack.has(d.target_id)) continue;
          heldBack.add(d.target_id);
          // Purpose binding at the last moment: a grant revoked since routing stops the target.
          if (!taskStopped.has(d.task_id)) taskStopped.set(d.task_id, (await enforceGrants(trx, ctx, d.task_id)).status === 'stopped');
          const target = await trx.selectFrom('exchange.target').select('status').where('id', '=', d.target_id).executeTakeFirstOrThrow();
          if (taskStopped.get(d.task_id) || target.status !== 'active') continue;
          const took = await trx
            .updateTable('exchange.delivery')
            .set((eb) => ({ status: 'delivering', lease_until: new Date(now.getTime() + deps.settings.leaseSeconds * 1000), attempts: eb('attempts', '+', 1), delivered_at: now }))
            .where('id', '=', d.id)
            .where('status', '=', d.status)
            .returning('id')
            .executeTakeFirst();
          if (!took) continue;
          heldBack.delete(d.target_id);
          await trx.insertInto('exchange.provenance').values({ batch_id: d.batch_id, task_id: d.task_id, target_id: d.target_id, node_id: node.id, hop: 'delivered', at: now, bytes: null, row_count: null, detail: null }).execute();
          out.push(d);
        }
        return out;
      });
      if (leased.length && signal?.aborted) {
        // The agent left while we leased: hand the deliveries back rather than wait out the lease.
        await deps.db.updateTable('exchange.delivery').set({ status: 'queued', lease_until: null }).where('id', 'in', leased.map((d) => d.id)).where('status', '=', 'delivering').execute();
        return { items: [] };
      }
      if (leased.length) return { items: await describe(deps, leased.map((d) => d.id)) };
    }
    const left = deadline - Date.now();
    if (left <= 0 || signal?.aborted) return { items: [] };
    // Woken by an upload or a retry for this node (NATS: by a message routed by any center
    // process); otherwise look again after a while, which also finds leases that ran out.
    await deps.transport.wait(node.id, left, signal, mark);
  }
}

async function describe(deps: ExchangeDeps, ids: string[]) {
  const rows = await deps.db
    .selectFrom('exchange.delivery as d')
    .innerJoin('exchange.batch as b', 'b.id', 'd.batch_id')
    .innerJoin('exchange.node as s', 's.id', 'b.source_node_id')
    .select(['d.id', 'd.batch_id', 'd.task_id', 'd.target_id', 'd.seq', 'd.lease_until', 'b.manifest', 'b.manifest_signature', 's.client_id as source_client_id'])
    .where('d.id', 'in', ids)
    .orderBy(sql`d.seq`)
    .execute();
  const keys = new Map<string, string | null>();
  for (const r of rows) if (r.source_client_id && !keys.has(r.source_client_id)) keys.set(r.source_client_id, await clientPublicKey(deps.db, r.source_client_id));
  return rows.map((r) => ({
    deliveryId: r.id,
    batchId: r.batch_id,
    taskId: r.task_id,
    targetId: r.target_id,
    seq: Number(r.seq),
    manifest: r.manifest,
    manifestSignature: r.manifest_signature,
    sourcePublicKey: r.source_client_id ? keys.get(r.source_client_id) ?? null : null,
    leaseSeconds: deps.settings.leaseSeconds,
  }));
}

/** The body of a batch, for a node that has a delivery of it. */
export async function batchBodyFor(deps: ExchangeDeps, node: Node, batchId: string) {
  const row = await deps.db
    .selectFrom('exchange.batch as b')
    .innerJoin('exchange.delivery as d', 'd.batch_id', 'b.id')
    .select(['b.sm3', 'b.bytes'])
    .where('b.id', '=', batchId)
    .where('d.node_id', '=', node.id)
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', { message: 'No delivery of this batch to this node', messageZh: '本节点没有该批次的投递' });
  const size = await deps.store.size(row.sm3);
  if (size === null) throw new AppError('NOT_FOUND', { message: 'The batch body has left the store (expired)', messageZh: '批次内容已过期清除' });
  return { stream: deps.store.open(row.sm3), bytes: size, sm3: row.sm3 };
}

async function ownDelivery(trx: Kysely<DB>, node: Node, id: string) {
  const d = await trx
    .selectFrom('exchange.delivery as d')
    .innerJoin('exchange.target as g', 'g.id', 'd.target_id')
    .innerJoin('exchange.task as t', 't.id', 'd.task_id')
    .select(['d.id', 'd.batch_id', 'd.task_id', 'd.target_id', 'd.node_id', 'd.status', 'd.seq', 'd.bytes', 'd.attempts', 'g.purpose', 'g.grant_id', 'g.consumer_department_id', 't.name as task_name'])
    .where('d.id', '=', id)
    .forUpdate('d')
    .executeTakeFirst();
  if (!d || d.node_id !== node.id) throw deliveryNotFound();
  return d;
}

/** The target applied the batch (or had applied it before): settle the delivery, audit with purpose. */
export async function ackDelivery(deps: ExchangeDeps, ctx: Ctx, node: Node, id: string, body: { appliedRows: number; alreadyApplied: boolean }) {
  const d = await deps.db.transaction().execute(async (trx) => {
    const d = await ownDelivery(trx, node, id);
    if (d.status === 'applied') {
      ctx.audited = true; // an acknowledgement repeated after a lost answer changes nothing
      return d;
    }
    await trx.updateTable('exchange.delivery').set({ status: 'applied', applied_rows: body.appliedRows, settled_at: ctx.now, lease_until: null, error_code: null, error_message: null }).where('id', '=', id).execute();
    await trx.insertInto('exchange.provenance').values({ batch_id: d.batch_id, task_id: d.task_id, target_id: d.target_id, node_id: node.id, hop: 'applied', at: ctx.now, bytes: d.bytes, row_count: body.appliedRows, detail: JSON.stringify({ alreadyApplied: body.alreadyApplied }) }).execute();
    await record(trx, ctx, {
      action: 'exchange.delivery.apply',
      target: { type: 'exchange_delivery', id, label: `${d.task_name} #${d.seq}` },
      departmentId: d.consumer_department_id,
      summary: { batchId: d.batch_id, taskId: d.task_id, rows: body.appliedRows, alreadyApplied: body.alreadyApplied, grantId: d.grant_id, purpose: d.purpose },
    });
    return d;
  });
  await deps.transport.changed({ batchId: d.batch_id, targetId: d.target_id, nodeId: node.id });
}

/** The target could not apply the batch: nothing was applied; retryable ones come back by themselves. */
export async function failDelivery(deps: ExchangeDeps, ctx: Ctx, node: Node, id: string, body: { code: string; message: string; retryable: boolean }) {
  const d = await deps.db.transaction().execute(async (trx) => {
    const d = await ownDelivery(trx, node, id);
    if (d.status === 'applied') throw new AppError('CONFLICT', { message: 'The delivery was already acknowledged as applied', messageZh: '该投递已确认入库' });
    await trx
      .updateTable('exchange.delivery')
      .set({
        status: body.retryable ? 'queued' : 'failed',
        available_at: new Date(ctx.now.getTime() + backoffMs(d.attempts)),
        lease_until: null,
        error_code: body.code,
        error_message: body.message,
        retryable: body.retryable,
      })
      .where('id', '=', id)
      .execute();
    // The agent may hold the target's next deliveries (a window above 1): they wait behind this one.
    const handedBack = await handBack(trx, { nodeId: node.id, targetId: d.target_id, afterSeq: String(d.seq), availableAt: ctx.now });
    await trx.insertInto('exchange.provenance').values({ batch_id: d.batch_id, task_id: d.task_id, target_id: d.target_id, node_id: node.id, hop: 'failed', at: ctx.now, bytes: d.bytes, row_count: null, detail: JSON.stringify(body) }).execute();
    await record(trx, ctx, {
      action: 'exchange.delivery.fail',
      target: { type: 'exchange_delivery', id, label: `${d.task_name} #${d.seq}` },
      departmentId: d.consumer_department_id,
      outcome: 'failure',
      errorCode: body.code,
      summary: { batchId: d.batch_id, taskId: d.task_id, message: body.message, retryable: body.retryable, ...(handedBack.length ? { handedBack: handedBack.length } : {}) },
    });
    return d;
  });
  await deps.transport.changed({ batchId: d.batch_id, targetId: d.target_id, nodeId: node.id });
}

/** Leased, unsettled deliveries of a node back to the queue (all, some, or a target's after a seq). */
async function handBack(trx: Kysely<DB>, w: { nodeId: string; ids?: string[]; targetId?: string; afterSeq?: string; availableAt: Date }) {
  let q = trx
    .updateTable('exchange.delivery')
    .set({ status: 'queued', lease_until: null, available_at: w.availableAt })
    .where('node_id', '=', w.nodeId)
    .where('status', '=', 'delivering');
  if (w.ids) q = q.where('id', 'in', w.ids);
  if (w.targetId) q = q.where('target_id', '=', w.targetId);
  if (w.afterSeq !== undefined) q = q.where(sql`seq`, '>', w.afterSeq);
  return q.returning(['id', 'batch_id', 'target_id', 'seq']).execute();
}

/**
 * The agent hands back deliveries it holds and will not apply now: at start (`all`: whatever an
 * earlier run of it held, so the next poll need not wait out those leases), at shutdown (those
 * fetched but not begun), or one it could not start (`retryAfterSeconds` keeps it from coming
 * straight back). Settled or foreign deliveries are left alone; the answer says how many went back.
 */
export async function releaseDeliveries(deps: ExchangeDeps, ctx: Ctx, node: Node, body: { deliveryIds?: string[]; all?: boolean; retryAfterSeconds?: number; reason?: string }) {
  if (!body.all && !body.deliveryIds?.length) throw new AppError('VALIDATION_FAILED', { message: 'Name the deliveries to release, or all', messageZh: '请指明要退回的投递，或全部退回' });
  const released = await deps.db.transaction().execute(async (trx) => {
    const availableAt = new Date(ctx.now.getTime() + (body.retryAfterSeconds ?? 0) * 1000);
    const rows = await handBack(trx, { nodeId: node.id, ids: body.all ? undefined : body.deliveryIds, availableAt });
    if (!rows.length) {
      ctx.audited = true; // nothing was held: nothing changed
      return rows;
    }
    await record(trx, ctx, {
      action: 'exchange.delivery.release',
      target: { type: 'exchange_node', id: node.id, label: node.code },
      departmentId: node.department_id,
      summary: { released: rows.length, deliveryIds: rows.map((r) => r.id).slice(0, 50), retryAfterSeconds: body.retryAfterSeconds ?? 0, reason: body.reason ?? null },
    });
    return rows;
  });
  for (const targetId of new Set(released.map((r) => r.target_id))) {
    const r = released.find((x) => x.target_id === targetId)!;
    await deps.transport.changed({ batchId: r.batch_id, targetId, nodeId: node.id });
  }
  return { released: released.length };
}
