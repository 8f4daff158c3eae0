import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { Static } from 'typebox';
import { Compile } from 'typebox/compile';
import type { RequestContext } from '../../kernel/context.ts';
import { verifyManifest } from '../../kernel/crypto/index.ts';
import { AppError } from '../../kernel/errors.ts';
import { record } from '../audit/index.ts';
import { clientPublicKey, type Actor } from '../identity/index.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import { enforceGrants } from './exchange.grants.ts';
import { Manifest } from './exchange.schemas.ts';
import type { TaskField } from './domain/task-spec.ts';

type Ctx = RequestContext<Actor>;
type Node = { id: string; client_id: string | null; department_id: string; code: string };
export type BatchManifest = Static<typeof Manifest>;

const manifestCheck = Compile(Manifest);
const invalid = (message: string, messageZh: string, extra: Record<string, unknown> = {}) => new AppError('EXCHANGE_BATCH_INVALID', { message, messageZh, extra });

/** Parses the base64url manifest header; the shape is checked against the protocol's schema. */
export function parseManifest(header: unknown): BatchManifest {
  if (typeof header !== 'string' || header.length > 64_000) throw invalid('X-ZT-Batch-Manifest is missing or too long', '缺少批次清单');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
  } catch {
    throw invalid('X-ZT-Batch-Manifest is not base64url JSON', '批次清单不是合法的 base64url JSON');
  }
  if (!manifestCheck.Check(value)) {
    const first = [...manifestCheck.Errors(value)][0];
    throw invalid(`manifest: ${first?.instancePath || '/'} ${first?.message ?? 'invalid'}`, '批次清单格式错误');
  }
  // A file name becomes a path at the target: refuse anything that could leave its folder.
  if (value.file && (/[\/\\\u0000]/.test(value.file.name) || value.file.name.startsWith('.'))) throw invalid('manifest.file.name must be a plain file name', '文件名不合法');
  return value;
}

/**
 * Receives one batch from its source node (docs/exchange-protocol.md §3): checks the task, its
 * grants and back-pressure before reading the body, streams the body to the store while hashing,
 * then records the batch, one delivery per active target and the provenance in one transaction.
 * A batch already stored answers `created: false` (the agent re-sent after a lost answer).
 */
export async function receiveBatch(
  deps: ExchangeDeps,
  ctx: Ctx,
  node: Node,
  input: { batchId: string; manifest: BatchManifest; signature: unknown; contentSm3: string; body: Readable },
): Promise<{ created: boolean; deliveries: number }> {
  const { manifest: m, body } = input;
  const drain = () => body.resume();
  if (m.batchId !== input.batchId) { drain(); throw invalid('manifest.batchId differs from the URL', '清单中的批次号与地址不符'); }
  if (m.sourceNodeId !== node.id) { drain(); throw invalid('manifest.sourceNodeId is not this node', '清单中的源节点不是本节点'); }
  if (m.sm3 !== input.contentSm3) { drain(); throw invalid('manifest.sm3 differs from X-ZT-Content-SM3', '清单摘要与请求摘要不符'); }
  if (typeof input.signature !== 'string' || !input.signature) { drain(); throw invalid('X-ZT-Batch-Signature is missing', '缺少批次签名'); }

  const existing = await deps.db.selectFrom('exchange.batch').select(['id', 'sm3']).where('id', '=', m.batchId).executeTakeFirst();
  if (existing) {
    drain();
    if (existing.sm3 !== m.sm3) throw new AppError('CONFLICT', { message: 'A different batch with this id is stored', messageZh: '已存在同号但内容不同的批次' });
    return { created: false, deliveries: 0 };
  }

  const task = await deps.db.selectFrom('exchange.task').selectAll().where('id', '=', m.taskId).executeTakeFirst();
  if (!task || task.source_node_id !== node.id) { drain(); throw new AppError('OUT_OF_SCOPE', { message: 'This node is not the source of the task', messageZh: '本节点不是该任务的源节点' }); }
  const state = await deps.db.transaction().execute((trx) => enforceGrants(trx, ctx, task.id));
  if (state.status !== 'active') { drain(); throw stopped(state); }

  const fields = task.fields as TaskField[];
  const expected = (task.source as { kind?: string }).kind === 'files' ? 'file' : 'rows';
  if (m.kind !== expected || (m.kind === 'file' && !m.file)) { drain(); throw invalid(`this task carries ${expected === 'file' ? 'files' : 'rows'}, not a ${m.kind} batch`, '批次类型与任务不符'); }
  if (m.kind === 'rows' && (m.columns.length !== fields.length || m.columns.some((c, i) => c.name !== fields[i].field))) {
    drain();
    throw invalid(`manifest.columns must be the task's fields in order: ${fields.map((f) => f.field).join(', ')}`, '清单列与任务信息项不一致', { expected: fields.map((f) => f.field) });
  }
  const publicKey = node.client_id ? await clientPublicKey(deps.db, node.client_id) : null;
  if (!publicKey || !verifyManifest(publicKey, m, input.signature)) { drain(); throw invalid('the manifest signature does not verify with the node key', '批次签名验证失败'); }

  await assertRoom(deps, task.id, ctx.now);

  const received = await deps.store.receive(body, deps.settings.maxBatchBytes).catch((e: Error) => {
    throw invalid(`could not receive the body: ${e.message}`, '批次内容接收失败');
  });
  if (received.sm3 !== m.sm3 || received.bytes !== m.bytes) {
    await deps.store.discard(received.tmp);
    throw invalid(`checksum mismatch: received ${received.bytes} bytes with SM3 ${received.sm3}`, '批次校验和不符');
  }
  await deps.store.commit(received.tmp, received.sm3);

  const result = await deps.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('exchange.batch')
      .values({
        id: m.batchId,
        task_id: task.id,
        source_node_id: node.id,
        seq: m.seq,
        kind: m.kind,
        manifest: JSON.stringify(m),
        manifest_signature: input.signature as string,
        sm3: m.sm3,
        bytes: m.bytes,
        row_count: m.rowCount,
        received_at: ctx.now,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return { created: false, deliveries: 0, targets: [] as { id: string; node_id: string }[] };
    const targets = await trx.selectFrom('exchange.target').selectAll().where('task_id', '=', task.id).where('status', '=', 'active').execute();
    const priority = (task.strategy as { priority?: number }).priority ?? 5;
    if (targets.length) {
      await trx
        .insertInto('exchange.delivery')
        .values(targets.map((t) => ({ batch_id: m.batchId, task_id: task.id, target_id: t.id, node_id: t.node_id, seq: m.seq, priority, bytes: m.bytes, status: 'queued' as const, available_at: ctx.now, created_at: ctx.now })))
        .execute();
    }
    const hop = (h: 'extracted' | 'uploaded' | 'routed', at: Date, extra: { target_id?: string; node_id?: string; detail?: unknown } = {}) => ({
      batch_id: m.batchId, task_id: task.id, hop: h, at, bytes: m.bytes, row_count: m.rowCount, target_id: extra.target_id ?? null, node_id: extra.node_id ?? node.id, detail: extra.detail === undefined ? null : JSON.stringify(extra.detail),
    });
    await trx
      .insertInto('exchange.provenance')
      .values([
        hop('extracted', new Date(m.createdAt), { detail: { seq: m.seq, checkpoint: m.checkpoint, snapshot: m.snapshot } }),
        hop('uploaded', ctx.now, { detail: { sm3: m.sm3 } }),
        ...targets.map((t) => hop('routed', ctx.now, { target_id: t.id, node_id: t.node_id, detail: { grantId: t.grant_id, purpose: t.purpose } })),
      ])
      .execute();
    await record(trx, ctx, {
      action: 'exchange.batch.route',
      target: { type: 'exchange_batch', id: m.batchId, label: `${task.name} #${m.seq}` },
      departmentId: task.provider_department_id,
      summary: { taskId: task.id, resource: `${task.resource_code} ${task.resource_name}`, seq: m.seq, rows: m.rowCount, bytes: m.bytes, sm3: m.sm3, targets: targets.map((t) => ({ targetId: t.id, grantId: t.grant_id, purpose: t.purpose })) },
    });
    return { created: true, deliveries: targets.length, targets };
  });
  await deps.transport.routed(result.targets.map((t) => ({ batchId: m.batchId, targetId: t.id, nodeId: t.node_id })));
  return { created: result.created, deliveries: result.deliveries };
}

export function stopped(state: { statusCode: string | null; statusReason: string | null; status: string }) {
  return new AppError('EXCHANGE_TASK_STOPPED', {
    message: `The task is ${state.status}${state.statusReason ? `: ${state.statusReason}` : ''}`,
    messageZh: `交换任务${state.status === 'paused' ? '已暂停' : '已停止'}${state.statusReason ? `：${state.statusReason}` : ''}`,
    extra: { statusCode: state.statusCode, reason: state.statusReason, taskStatus: state.status },
  });
}

/**
 * Back-pressure (ADR 0008): undelivered batches and bytes queued for targets whose node is online.
 * An offline target's queue does not hold the source back — it waits there, under the expiry policy.
 */
async function assertRoom(deps: ExchangeDeps, taskId: string, now: Date) {
  const silentSince = new Date(now.getTime() - deps.settings.silentMinutes * 60_000);
  const q = await deps.db
    .selectFrom('exchange.delivery as d')
    .innerJoin('exchange.node as n', 'n.id', 'd.node_id')
    .select((eb) => [eb.fn.count<string>('d.id').as('batches'), eb.fn.coalesce(eb.fn.sum<string>('d.bytes'), sql<string>`0`).as('bytes')])
    .where('d.task_id', '=', taskId)
    .where('d.status', 'in', ['queued', 'delivering'])
    .where('n.last_heartbeat_at', '>=', silentSince)
    .executeTakeFirstOrThrow();
  const full = Number(q.batches) >= deps.settings.maxQueuedBatches || Number(q.bytes) >= deps.settings.maxQueuedBytes;
  if (full) {
    throw new AppError('EXCHANGE_BACKPRESSURE', {
      message: `The route is full (${q.batches} batches, ${q.bytes} bytes queued); send again later`,
      messageZh: '交换通道已满，请稍后重传',
      extra: { retryAfter: 5, queuedBatches: Number(q.batches), queuedBytes: Number(q.bytes) },
    });
  }
}
