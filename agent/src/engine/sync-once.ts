// `zhengtong-agent sync --task ID --once`: move everything pending for one task now, ignoring its
// schedule and window (an operator asked for it), then return. The same steps as `run`.
import { CredentialRevokedError } from '../center/errors.ts';
import { backoffMs, sleep, withRetry } from '../center/retry.ts';
import type { AgentConfigResponse, SourceTask, TargetSpec } from '../center/types.ts';
import { parseCheckpoint } from '../state/store.ts';
import { handleDelivery } from './apply.ts';
import { errorText, type EngineContext } from './context.ts';
import { extractStep, sourceSpec } from './extract.ts';
import { sendBatch } from './sender.ts';
import { SettleHorizon } from './settle.ts';

export interface SyncProgress {
  /** Rows (or files) settled: uploaded for a source task, applied for a target task. */
  done(rows: number): void;
  setTotal(total: number | null): void;
  note(message: string): void;
}

export class SyncError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SyncError';
  }
}

export async function syncOnce(ctx: EngineContext, taskId: string, progress: SyncProgress): Promise<{ role: 'source' | 'target'; rows: number }> {
  const config: AgentConfigResponse = await withRetry(() => ctx.client.config(ctx.signal), {
    signal: ctx.signal,
    onRetry: (err, attempt) => progress.note(`center not answering (${errorText(err)}); retry ${attempt + 1}`),
  });
  const source = config.sources.find((s) => s.taskId === taskId);
  if (source) return { role: 'source', rows: await syncSource(ctx, source, progress) };
  const targets = config.targets.filter((t) => t.taskId === taskId || t.targetId === taskId);
  if (targets.length) return { role: 'target', rows: await syncTargets(ctx, config, targets, progress) };
  const known = [...config.sources.map((s) => `${s.taskId} (source: ${s.name})`), ...config.targets.map((t) => `${t.taskId} (target: ${t.name})`)];
  throw new SyncError(`task ${taskId} is not assigned to this node${known.length ? `; its tasks are:\n  ${known.join('\n  ')}` : ' (it has no tasks)'}`);
}

async function syncSource(ctx: EngineContext, task: SourceTask, progress: SyncProgress): Promise<number> {
  const { store, client, connections, signal } = ctx;
  if (task.status !== 'active') throw new SyncError(`task "${task.name}" is ${task.status}${task.statusReason ? `: ${task.statusReason}` : ''} (任务未启用)`);
  const conn = await connections.get(task.source.connection);
  const st = await store.task(task.taskId);
  const queued = (await store.outbox(task.taskId)).reduce((n, r) => n + r.rows, 0);
  if (conn.kind === 'folder') {
    const files = await conn.listNew(parseCheckpoint(st.checkpoint), 100_000);
    progress.setTotal(queued + files.length);
  } else {
    await conn.checkSource(sourceSpec(task));
    const after = task.source.incremental === null && !st.snapshotId ? null : parseCheckpoint(st.checkpoint);
    progress.setTotal(queued + (await conn.countPending(sourceSpec(task), after)));
  }
  let rows = 0;
  let more = true;
  let failures = 0;
  const horizon = new SettleHorizon();
  if ((task.strategy.settleSeconds ?? 0) > 0 && task.source.incremental) progress.note(`reading what was committed ${task.strategy.settleSeconds}s ago and before (settle window / 稳定等待)`);
  while (!signal.aborted) {
    // Keep up to maxInFlight batches extracted ahead of the upload, as `run` does.
    while (more && !signal.aborted && (await store.outboxDepth(task.taskId)) < Math.max(1, task.strategy.maxInFlight)) {
      try {
        more = (await extractStep(store, ctx.node, task, conn, { encoding: ctx.config.compression, horizon, signal })).more;
      } catch (err) {
        if (signal.aborted) return rows; // interrupted while waiting out the settle window
        throw err;
      }
    }
    const head = await store.outboxHead(task.taskId);
    if (!head) {
      if (!more) break;
      continue;
    }
    const outcome = await sendBatch(store, client, head);
    if (outcome.kind === 'sent') {
      failures = 0;
      rows += outcome.rows;
      progress.done(outcome.rows);
    } else if (outcome.kind === 'backpressure') {
      progress.note(`center is full for this route; waiting ${Math.round(outcome.retryAfterMs / 1000)}s (背压)`);
      await sleep(outcome.retryAfterMs, signal);
    } else if (outcome.kind === 'stopped') {
      throw new SyncError(`the center stopped task "${task.name}": ${outcome.statusCode ? `${outcome.statusCode}: ` : ''}${outcome.reason} (batches kept in the outbox)`);
    } else if (outcome.kind === 'rewound') {
      progress.note(`batch seq ${head.seq} refused (${outcome.message}); extracting it again`);
      more = true;
      if (++failures > 3) throw new SyncError(`the center keeps refusing batches of task "${task.name}": ${outcome.message}`);
    } else {
      failures++;
      const delay = backoffMs(failures, 30_000);
      progress.note(`upload failed (${outcome.message}); retrying in ${Math.round(delay / 1000)}s`);
      await sleep(delay, signal);
    }
  }
  return rows;
}

async function syncTargets(ctx: EngineContext, config: AgentConfigResponse, targets: TargetSpec[], progress: SyncProgress): Promise<number> {
  const { client, signal } = ctx;
  const stopped = targets.filter((t) => t.status !== 'active');
  if (stopped.length === targets.length) {
    throw new SyncError(`target "${stopped[0].name}" is ${stopped[0].status}${stopped[0].statusReason ? `: ${stopped[0].statusReason}` : ''}`);
  }
  progress.setTotal(null);
  const mine = new Map(targets.map((t) => [t.targetId, t]));
  let rows = 0;
  let failures = 0;
  // Leases an earlier, killed run of this agent held would otherwise keep their batches away.
  await client.release({ all: true, reason: 'sync --once started' }, signal).catch((err) => {
    if (err instanceof CredentialRevokedError) throw err;
  });
  while (!signal.aborted) {
    let items;
    try {
      items = await client.deliveries(2, 8, signal);
      failures = 0;
    } catch (err) {
      if (err instanceof CredentialRevokedError) throw err;
      if (++failures > 5) throw err;
      await sleep(backoffMs(failures, 15_000), signal);
      continue;
    }
    if (!items.some((d) => mine.has(d.targetId))) break;
    // Other targets' deliveries leased to this node by the same poll are applied too: leaving them
    // would hold them until their lease ends.
    items.sort((a, b) => (a.targetId === b.targetId ? a.seq - b.seq : a.targetId < b.targetId ? -1 : 1));
    for (const d of items) {
      const spec = mine.get(d.targetId) ?? config.targets.find((t) => t.targetId === d.targetId);
      const outcome = await handleDelivery(ctx, d, spec);
      if (!mine.has(d.targetId)) continue;
      if (outcome.kind === 'applied') {
        rows += outcome.appliedRows;
        progress.done(outcome.appliedRows);
      } else if (outcome.kind === 'failed') {
        throw new SyncError(`batch seq ${d.seq} failed: ${outcome.code}: ${outcome.message}${outcome.retryable ? ' (the center will offer it again)' : ' (fix the cause, then press retry in the console)'}`);
      } else {
        progress.note(outcome.message);
      }
    }
  }
  return rows;
}
