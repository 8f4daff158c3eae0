// One source task while the agent runs: an extraction loop (schedule, window, maxInFlight) and a
// sender loop (outbox in seq order), which wake each other. The center's view of the task arrives
// with every heartbeat through update().
import { CredentialRevokedError } from '../center/errors.ts';
import { backoffMs, sleep } from '../center/retry.ts';
import type { SourceTask } from '../center/types.ts';
import { errorText, type EngineContext } from './context.ts';
import { extractStep, sourceSpec } from './extract.ts';
import { inWindow, msUntilWindow, nextRunAt } from './schedule.ts';
import { SettleHorizon } from './settle.ts';
import { sendBatch } from './sender.ts';
import { Wakeup } from './wakeup.ts';

const IDLE_CHECK_MS = 30_000;

export class SourceWorker {
  readonly taskId: string;
  #task: SourceTask;
  readonly #ctx: EngineContext;
  readonly #extractWake = new Wakeup();
  readonly #sendWake = new Wakeup();
  #done: Promise<void> | null = null;
  #fatal: (err: unknown) => void;
  /** Set by a 409 until the center's config says the task is active again. */
  #stoppedByCenter = false;
  #lastRunAt: Date | null = null;
  #checkedSource = false;
  readonly #horizon = new SettleHorizon();
  /** True until the first successful extraction shows no extraction error is left on the task (one may be, from before a restart). */
  #extractErrorMaybeLeft = true;

  constructor(ctx: EngineContext, task: SourceTask, fatal: (err: unknown) => void) {
    this.#ctx = ctx;
    this.#task = task;
    this.taskId = task.taskId;
    this.#fatal = fatal;
  }

  get task(): SourceTask {
    return this.#task;
  }

  start(): Promise<void> {
    this.#done ??= Promise.all([this.#guard(this.#extractLoop()), this.#guard(this.#sendLoop())]).then(() => {});
    return this.#done;
  }

  update(task: SourceTask) {
    const wasActive = this.#task.status === 'active';
    this.#task = task;
    if (task.status === 'active') this.#stoppedByCenter = false;
    if (!wasActive && task.status === 'active') this.#checkedSource = false;
    this.#extractWake.notify();
    this.#sendWake.notify();
  }

  /** The task disappeared from the config: stop extracting (the outbox is still sent). */
  retire() {
    this.#task = { ...this.#task, status: 'stopped', statusReason: this.#task.statusReason ?? 'task no longer assigned to this node' };
    this.#extractWake.notify();
  }

  async #guard(p: Promise<void>) {
    try {
      await p;
    } catch (err) {
      this.#fatal(err);
    }
  }

  get #active() {
    return this.#task.status === 'active' && !this.#stoppedByCenter;
  }

  async #extractLoop() {
    const { store, log, signal } = this.#ctx;
    this.#lastRunAt = (await store.task(this.taskId)).lastRunAt;
    let failures = 0;
    while (!signal.aborted) {
      const task = this.#task;
      if (!this.#active) {
        await this.#extractWake.wait(IDLE_CHECK_MS, signal);
        continue;
      }
      const windowWait = msUntilWindow(task.strategy.window);
      if (windowWait > 0) {
        await this.#extractWake.wait(Math.min(windowWait, IDLE_CHECK_MS), signal);
        continue;
      }
      const st = await store.task(this.taskId);
      const snapshotInProgress = st.snapshotId !== null;
      const due = nextRunAt(task.schedule, this.#lastRunAt);
      if (!snapshotInProgress && due.getTime() > Date.now()) {
        await this.#extractWake.wait(Math.min(due.getTime() - Date.now(), IDLE_CHECK_MS), signal);
        continue;
      }
      try {
        if (!snapshotInProgress) {
          this.#lastRunAt = new Date();
          await store.setLastRun(this.taskId, this.#lastRunAt);
        }
        await this.#drain();
        failures = 0;
      } catch (err) {
        if (err instanceof CredentialRevokedError) throw err;
        if (signal.aborted) break; // stopped while waiting out the settle window
        failures++;
        this.#checkedSource = false;
        const msg = errorText(err);
        await store.setTaskError(this.taskId, `extract: ${msg}`);
        this.#extractErrorMaybeLeft = true;
        log.error('extraction failed', { task: this.taskId, name: task.name, error: msg });
        await this.#extractWake.wait(backoffMs(failures, 5 * 60_000), signal);
      }
    }
  }

  /** Extracts until the source has nothing more, the outbox is full, or the task must pause. */
  async #drain() {
    const { store, log, signal, connections } = this.#ctx;
    const conn = await connections.get(this.#task.source.connection);
    if (!this.#checkedSource && conn.kind !== 'folder') {
      await conn.checkSource(sourceSpec(this.#task));
      this.#checkedSource = true;
    }
    for (;;) {
      const task = this.#task;
      if (signal.aborted || !this.#active || !inWindow(task.strategy.window)) return;
      if ((await store.outboxDepth(this.taskId)) >= Math.max(1, task.strategy.maxInFlight)) {
        await this.#extractWake.wait(IDLE_CHECK_MS, signal);
        continue;
      }
      const step = await extractStep(store, this.#ctx.node, task, conn, { encoding: this.#ctx.config.compression, horizon: this.#horizon, signal });
      if (step.manifest) {
        // A past extraction error is cleared by the first success (looked up once, not per batch).
        if (this.#extractErrorMaybeLeft) {
          const st = await store.task(this.taskId);
          if (st.lastError?.startsWith('extract:')) await store.setTaskError(this.taskId, null);
          this.#extractErrorMaybeLeft = false;
        }
        log.debug('batch extracted', { task: this.taskId, seq: step.manifest.seq, rows: step.rows, bytes: step.manifest.bytes });
        this.#sendWake.notify();
      }
      if (!step.more) return;
    }
  }

  async #sendLoop() {
    const { store, client, log, signal } = this.#ctx;
    let failures = 0;
    while (!signal.aborted) {
      if (this.#task.status !== 'active' || this.#stoppedByCenter) {
        await this.#sendWake.wait(IDLE_CHECK_MS, signal);
        continue;
      }
      const head = await store.outboxHead(this.taskId);
      if (!head) {
        await this.#sendWake.wait(IDLE_CHECK_MS, signal);
        continue;
      }
      // Tasks take turns on the link, the highest priority first (upload-gate.ts).
      let release: () => void;
      try {
        release = await this.#ctx.uploads.acquire(this.#task.strategy.priority, signal);
      } catch {
        return; // shutting down while waiting for a slot
      }
      // The upload in progress is not aborted at shutdown: it is the step that finishes.
      let outcome: Awaited<ReturnType<typeof sendBatch>>;
      try {
        outcome = await sendBatch(store, client, head);
      } finally {
        release();
      }
      switch (outcome.kind) {
        case 'sent':
          failures = 0;
          log.info('batch uploaded', { task: this.taskId, seq: head.seq, rows: head.rows, deliveries: outcome.deliveries ?? undefined, duplicate: outcome.duplicate || undefined });
          this.#extractWake.notify();
          break;
        case 'backpressure':
          log.warn('center asks to slow down', { task: this.taskId, seq: head.seq, retryAfterMs: outcome.retryAfterMs });
          await sleep(outcome.retryAfterMs, signal);
          break;
        case 'stopped':
          this.#stoppedByCenter = true;
          log.error('task stopped by the center; batches kept', { task: this.taskId, statusCode: outcome.statusCode ?? undefined, reason: outcome.reason });
          this.#extractWake.notify();
          break;
        case 'rewound':
          log.error('batch refused as invalid; re-extracting', { task: this.taskId, seq: head.seq, error: outcome.message, dropped: outcome.dropped });
          this.#checkedSource = false;
          this.#extractWake.notify();
          break;
        case 'retry': {
          failures++;
          const delay = backoffMs(failures, 60_000);
          log.warn('upload failed, will retry', { task: this.taskId, seq: head.seq, inMs: delay, error: outcome.message });
          await sleep(delay, signal);
          break;
        }
      }
    }
  }
}
