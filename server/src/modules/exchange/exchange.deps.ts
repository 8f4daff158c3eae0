import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { BatchStore } from './exchange.store.ts';
import type { DeliveryTransport } from './transport/index.ts';

export interface ExchangeSettings {
  /** A node without a heartbeat for this long is "silent" (warning). */
  silentMinutes: number;
  /** Back-pressure: per task, undelivered batches and bytes queued for reachable targets. */
  maxQueuedBatches: number;
  maxQueuedBytes: number;
  /** How long a target agent holds a delivery before it is handed out again. */
  leaseSeconds: number;
  /** The largest single batch or file accepted (streamed to disk; this bounds disk, not memory). */
  maxBatchBytes: number;
  /** A task "fails K times": this many failed applies within an hour raise a warning. */
  failureThreshold: number;
  /** Lag warning: a delivery waiting longer than this, or an agent reporting more. */
  lagWarnSeconds: number;
  /** Expiry: an undelivered batch is discarded for its target after this long, warned a day before. */
  retentionHours: number;
}

/**
 * Wakes long-polling agents in this process: a target agent when a delivery becomes ready for its
 * node, any agent when what its node runs changed. Other center processes' agents still find it on
 * their next poll tick (deliveries and tasks are rows).
 */
export class NodeWaker {
  readonly #events = new EventEmitter().setMaxListeners(0);
  /** Wake-ups so far per key: a long poll marks before it reads, so one in between is not missed. */
  readonly #generation = new Map<string, number>();
  wake(nodeId: string) {
    this.#bump(nodeId);
  }
  /** What the node runs changed (a task created, changed, paused): its agent's config long poll looks again. */
  wakeConfig(nodeIds: Iterable<string>) {
    for (const id of new Set(nodeIds)) this.#bump(`config:${id}`);
  }
  /**
   * Taken before a long poll reads the database and given to wait(): a wake-up that comes after
   * the mark, while the poll was still reading, then ends the wait at once instead of being lost.
   */
  mark(key: string): number {
    return this.#generation.get(key) ?? 0;
  }
  waitConfig(nodeId: string, ms: number, signal?: AbortSignal, since?: number) {
    return this.wait(`config:${nodeId}`, ms, signal, since);
  }
  /** Resolves when the key is woken (or was, after the mark `since`) or after `ms`, whichever is first. */
  wait(nodeId: string, ms: number, signal?: AbortSignal, since?: number): Promise<void> {
    if (since !== undefined && this.mark(nodeId) !== since) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#events.off(nodeId, done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#events.once(nodeId, done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
  #bump(key: string) {
    this.#generation.set(key, this.mark(key) + 1);
    this.#events.emit(key);
  }
}

export interface ExchangeDeps {
  db: Kysely<DB>;
  store: BatchStore;
  settings: ExchangeSettings;
  waker: NodeWaker;
  /** How deliveries reach the target's long poll: the table itself, or NATS JetStream (ADR 0011). */
  transport: DeliveryTransport;
}
