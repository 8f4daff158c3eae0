// `zhengtong-agent run`: heartbeat, one worker per source task, the target delivery loop. Runs
// until the signal aborts (SIGINT/SIGTERM) or the credential is revoked.
import { CenterError, CredentialRevokedError } from '../center/errors.ts';
import { backoffMs, sleep } from '../center/retry.ts';
import type { AgentConfigResponse, Delivery, TargetSpec } from '../center/types.ts';
import { errorText, type EngineContext } from './context.ts';
import { buildHeartbeat, cacheConfig, cachedConfig } from './heartbeat.ts';
import { SourceWorker } from './source-worker.ts';
import { SubscriptionWorker } from './subscriber.ts';
import { collectStatus, FATAL_KEY, writeStatusFile } from './status.ts';
import { TargetLanes, WINDOW } from './target-lanes.ts';
import { Wakeup } from './wakeup.ts';

const POLL_WAIT_SECONDS = 20;
const CONFIG_WAIT_SECONDS = 25;

export class AgentRunner {
  readonly #ctx: EngineContext;
  readonly #abort = new AbortController();
  readonly #workers = new Map<string, SourceWorker>();
  readonly #workerRuns: Promise<void>[] = [];
  readonly #subscribers = new Map<string, SubscriptionWorker>();
  #targets = new Map<string, TargetSpec>();
  #config: AgentConfigResponse | null = null;
  #fatal: unknown = null;
  #reachable: boolean | null = null;
  #centerError: string | null = null;
  #lastContactAt: Date | null = null;
  readonly #configWake = new Wakeup();
  readonly #heartbeatWake = new Wakeup();
  #heartbeating: Promise<void> = Promise.resolve();

  /** `ctx.signal` is the caller's stop signal; the runner also stops itself on a fatal error. */
  constructor(ctx: EngineContext) {
    this.#ctx = { ...ctx, signal: AbortSignal.any([ctx.signal, this.#abort.signal]) };
    ctx.client.onAnswer(() => this.#centerAnswered());
  }

  /**
   * Any successful call (an upload, a poll, a heartbeat) shows the center is reachable. After an
   * outage the first one says so and brings the heartbeat forward, so the log, `status` and the
   * configuration catch up at once instead of at the next heartbeat.
   */
  #centerAnswered() {
    this.#lastContactAt = new Date();
    if (this.#reachable !== false) return;
    this.#reachable = true;
    this.#centerError = null;
    this.#ctx.log.info('center reachable again');
    this.#heartbeatWake.notify();
  }

  async run(): Promise<void> {
    const { store, log } = this.#ctx;
    await store.set(FATAL_KEY, null);
    log.info('agent starting', { node: this.#ctx.node.nodeCode, center: this.#ctx.client.baseUrl, stateDir: store.stateDir });
    if (!(await this.#heartbeat())) {
      const cached = await cachedConfig(store);
      if (cached) {
        log.warn('center unreachable at start; working from the last configuration it sent', { error: this.#centerError });
        await this.#applyConfig(cached);
      }
    }
    const loops = [this.#heartbeatLoop(), this.#configWatchLoop(), this.#targetLoop()];
    await Promise.all(loops.map((p) => p.catch((err) => this.#stopWith(err))));
    await Promise.all(this.#workerRuns);
    await this.#writeStatus();
    if (this.#fatal) throw this.#fatal;
    log.info('agent stopped');
  }

  #stopWith(err: unknown) {
    if (!this.#fatal) {
      this.#fatal = err;
      this.#ctx.log.error('agent stopping', { error: errorText(err) });
    }
    this.#abort.abort();
  }

  async #heartbeatLoop() {
    const { signal, config } = this.#ctx;
    while (!signal.aborted) {
      await this.#heartbeatWake.wait(config.heartbeatSeconds * 1000, signal);
      if (signal.aborted) break;
      await this.#heartbeat();
    }
  }

  /**
   * Waits on the center for a change to what this node runs (a task created, changed, paused or
   * stopped; a subscription added) and then fetches it with a heartbeat at once, instead of at
   * the next heartbeat. A center without the call (404) leaves it to the heartbeats.
   */
  async #configWatchLoop() {
    const { client, log, signal } = this.#ctx;
    let version: string | undefined;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const r = await client.configChanges(version, CONFIG_WAIT_SECONDS, signal);
        failures = 0;
        if (r.changed) await this.#heartbeat();
        version = r.version;
      } catch (err) {
        if (err instanceof CredentialRevokedError) throw err;
        if (signal.aborted) break;
        if (err instanceof CenterError && err.status === 404) {
          log.debug('the center does not announce configuration changes; heartbeats bring them');
          return;
        }
        // Unreachable: the heartbeat loop says so; this one only waits to try again.
        await sleep(backoffMs(++failures, 60_000), signal);
      }
    }
  }

  /** One heartbeat at a time: the heartbeat loop's and the configuration watch's never overlap. */
  #heartbeat(): Promise<boolean> {
    const run = this.#heartbeating.then(() => this.#heartbeatOnce());
    this.#heartbeating = run.then(() => undefined, () => undefined);
    return run;
  }

  /** One heartbeat; true when the center answered. A revoked credential stops the agent. */
  async #heartbeatOnce(): Promise<boolean> {
    const { store, client, log, version, hostname } = this.#ctx;
    try {
      const body = await buildHeartbeat(store, { sources: this.#config?.sources ?? [], subscriptions: this.#config?.subscriptions ?? [] }, version, hostname);
      const res = await client.heartbeat(body, this.#ctx.signal);
      // The call itself has already marked the center reachable (#centerAnswered).
      await this.#applyConfig(res);
      await cacheConfig(store, res);
      return true;
    } catch (err) {
      if (err instanceof CredentialRevokedError) {
        await store.set(FATAL_KEY, err.message);
        this.#stopWith(err);
        return false;
      }
      if (this.#ctx.signal.aborted) return false;
      if (this.#reachable !== false) log.warn('heartbeat failed', { error: errorText(err) });
      this.#reachable = false;
      this.#centerError = errorText(err);
      return false;
    } finally {
      await this.#writeStatus();
    }
  }

  async #applyConfig(res: AgentConfigResponse) {
    this.#config = res;
    this.#targets = new Map(res.targets.map((t) => [t.targetId, t]));
    const seen = new Set<string>();
    for (const task of res.sources) {
      seen.add(task.taskId);
      const w = this.#workers.get(task.taskId);
      if (w) {
        if (w.task.status !== task.status) this.#ctx.log.info('task status changed', { task: task.taskId, name: task.name, status: task.status, reason: task.statusReason ?? undefined });
        w.update(task);
        continue;
      }
      const worker = new SourceWorker(this.#ctx, task, (err) => this.#stopWith(err));
      this.#workers.set(task.taskId, worker);
      this.#workerRuns.push(worker.start());
      if (task.status !== 'active') this.#ctx.log.info('task not active', { task: task.taskId, name: task.name, status: task.status, reason: task.statusReason ?? undefined });
    }
    for (const [id, w] of this.#workers) if (!seen.has(id)) w.retire();
    this.#applySubscriptions(res);
    this.#configWake.notify();
    // Same form as a 409 records ("GRANT_REVOKED: reason"), so `status` reads alike either way.
    for (const task of res.sources) {
      const reason = task.statusCode && task.statusReason ? `${task.statusCode}: ${task.statusReason}` : (task.statusReason ?? task.statusCode);
      await this.#ctx.store.setTaskStatus(task.taskId, task.status, reason);
    }
  }

  /** One worker per subscription; each polls on its own, so a slow table holds up no other. */
  #applySubscriptions(res: AgentConfigResponse) {
    const listed = new Set<string>();
    for (const spec of res.subscriptions ?? []) {
      listed.add(spec.subscriptionId);
      const w = this.#subscribers.get(spec.subscriptionId);
      if (w) {
        if (w.spec.status !== spec.status) this.#ctx.log.info('subscription status changed', { subscription: spec.subscriptionId, topic: spec.topicCode, status: spec.status, reason: spec.statusReason ?? undefined });
        w.update(spec);
        continue;
      }
      const worker = new SubscriptionWorker(this.#ctx, spec);
      this.#subscribers.set(spec.subscriptionId, worker);
      this.#workerRuns.push(worker.start().catch((err) => this.#stopWith(err)));
      this.#ctx.log.info('subscription', { subscription: spec.subscriptionId, topic: spec.topicCode, table: spec.table, mode: spec.mode, status: spec.status, reason: spec.statusReason ?? undefined });
    }
    for (const [id, w] of this.#subscribers) {
      if (listed.has(id)) continue;
      w.retire();
      this.#subscribers.delete(id);
    }
  }

  async #targetLoop() {
    const { client, log, signal } = this.#ctx;
    const lanes = new TargetLanes({
      ctx: this.#ctx,
      specFor: async (targetId) => this.#targets.get(targetId) ?? (await this.#refreshFor(targetId)),
      fatal: (err) => this.#stopWith(err),
    });
    let failures = 0;
    let startedClean = false;
    try {
      while (!signal.aborted) {
        if (this.#targets.size === 0) {
          // Nothing to receive until the center assigns a target to this node.
          await this.#configWake.wait(60_000, signal);
          continue;
        }
        let items: Delivery[];
        try {
          // What an earlier run of this agent held (killed mid-apply) goes back first, so it is
          // handed out again now rather than when its lease ends; the target's applied-batch rows
          // turn a batch applied but not acknowledged into an acknowledgement.
          if (!startedClean) {
            const released = await client.release({ all: true, reason: 'agent started' }, signal);
            if (released) log.info('deliveries held by an earlier run handed back', { released });
            startedClean = true;
          }
          // The poll runs on while the lanes apply: the center answers when a lane has room.
          items = await client.deliveries(POLL_WAIT_SECONDS, 8, signal, WINDOW);
          failures = 0;
        } catch (err) {
          if (err instanceof CredentialRevokedError) throw err;
          if (signal.aborted) break;
          failures++;
          const delay = backoffMs(failures, 60_000);
          if (failures === 1 || failures % 10 === 0) log.warn('polling deliveries failed', { error: errorText(err), retryInMs: delay });
          await sleep(delay, signal);
          continue;
        }
        lanes.accept(items);
      }
    } finally {
      await lanes.stop();
    }
  }

  /** A delivery for a target this agent has not heard of yet: ask the center once. */
  async #refreshFor(targetId: string): Promise<TargetSpec | undefined> {
    try {
      await this.#applyConfig(await this.#ctx.client.config(this.#ctx.signal));
    } catch (err) {
      if (err instanceof CredentialRevokedError) throw err;
    }
    return this.#targets.get(targetId);
  }

  async #writeStatus() {
    try {
      const report = await collectStatus(this.#ctx.store, {
        node: this.#ctx.node,
        centerUrl: this.#ctx.client.baseUrl,
        config: this.#config,
        reachable: this.#reachable,
        centerError: this.#centerError,
        lastContactAt: this.#lastContactAt,
        runningPid: process.pid,
      });
      writeStatusFile(this.#ctx.store.stateDir, report);
    } catch (err) {
      this.#ctx.log.debug('could not write status.json', { error: errorText(err) });
    }
  }
}
