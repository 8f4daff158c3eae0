// One subscription (ADR 0012) inside `run`: long-poll the events after the center's cursor, apply
// each page to the subscription's table in one transaction, then acknowledge its last sequence.
// The cursor at the center moves only on that acknowledgement, so a page that failed to apply is
// fetched again; a page applied but not acknowledged is turned into a no-op by its applied row.
import { CenterError, CredentialRevokedError } from '../center/errors.ts';
import { AbortedError, backoffMs, sleep, withRetry } from '../center/retry.ts';
import type { SubscriptionSpec } from '../center/types.ts';
import type { StateStore } from '../state/store.ts';
import { errorText, type EngineContext } from './context.ts';
import { buildEventBatch, csvBody } from './event-batch.ts';
import { Wakeup } from './wakeup.ts';

const POLL_WAIT_SECONDS = 20;
const PAGE_SIZE = 500;

/** What `status` shows of a subscription, kept in the state store's key/value table. */
export interface SubscriptionState {
  /** The last sequence applied and acknowledged here. */
  lastSeq: number | null;
  /** How often the center handed out events at or before lastSeq again: a rewind (重放). */
  replays: number;
  appliedEvents: number;
  lastAppliedAt: string | null;
  /** Set by a 409 from the center, cleared when its configuration says active again. */
  stopped: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

const stateKey = (id: string) => `subscription:${id}`;

export async function subscriptionState(store: StateStore, id: string): Promise<SubscriptionState> {
  const text = await store.get(stateKey(id));
  const empty: SubscriptionState = { lastSeq: null, replays: 0, appliedEvents: 0, lastAppliedAt: null, stopped: null, lastError: null, lastErrorAt: null };
  return text ? { ...empty, ...(JSON.parse(text) as Partial<SubscriptionState>) } : empty;
}

/** Read-modify-write, one at a time per subscription (the worker and a config update both write). */
const writes = new Map<string, Promise<unknown>>();
function updateState(store: StateStore, id: string, change: (s: SubscriptionState) => Partial<SubscriptionState>): Promise<void> {
  const run = (writes.get(id) ?? Promise.resolve())
    .catch(() => {})
    .then(async () => {
      const s = await subscriptionState(store, id);
      await store.set(stateKey(id), JSON.stringify({ ...s, ...change(s) }));
    });
  writes.set(id, run);
  void run.finally(() => {
    if (writes.get(id) === run) writes.delete(id);
  }).catch(() => {});
  return run;
}

export class SubscriptionWorker {
  readonly #ctx: EngineContext;
  #spec: SubscriptionSpec;
  readonly #retire = new AbortController();
  readonly #signal: AbortSignal;
  readonly #wake = new Wakeup();
  #stoppedByCenter = false;

  constructor(ctx: EngineContext, spec: SubscriptionSpec) {
    this.#ctx = ctx;
    this.#spec = spec;
    this.#signal = AbortSignal.any([ctx.signal, this.#retire.signal]);
  }

  get spec(): SubscriptionSpec {
    return this.#spec;
  }

  get id(): string {
    return this.#spec.subscriptionId;
  }

  update(spec: SubscriptionSpec) {
    const was = this.#spec.status;
    this.#spec = spec;
    if (spec.status === 'active' && (was !== 'active' || this.#stoppedByCenter)) {
      this.#stoppedByCenter = false;
      void updateState(this.#ctx.store, this.id, () => ({ stopped: null })).catch(() => {});
      this.#wake.notify();
    }
  }

  /** The center no longer lists it: stop polling (an in-flight apply finishes first). */
  retire() {
    this.#retire.abort();
  }

  /** Runs until the agent stops or the subscription is retired; a revoked credential rejects. */
  async start(): Promise<void> {
    const { client, log, store } = this.#ctx;
    const signal = this.#signal;
    // Fetching and applying back off separately: a table that keeps failing should not be retried
    // every 2 s just because fetching its events works.
    const failures = { fetch: 0, apply: 0 };
    const fail = async (kind: 'fetch' | 'apply', what: string, err: unknown) => {
      const n = ++failures[kind];
      const delay = backoffMs(n, 60_000);
      const text = errorText(err);
      if (n === 1 || n % 10 === 0) log.warn(`${what} failed`, { subscription: this.id, topic: this.#spec.topicCode, error: text, retryInMs: delay });
      await updateState(store, this.id, () => ({ lastError: text, lastErrorAt: new Date().toISOString() }));
      await sleep(delay, signal);
    };
    while (!signal.aborted) {
      if (this.#spec.status !== 'active' || this.#stoppedByCenter) {
        await this.#wake.wait(60_000, signal);
        continue;
      }
      let items;
      try {
        items = (await client.events(this.id, { limit: PAGE_SIZE, waitSeconds: POLL_WAIT_SECONDS }, signal)).items;
      } catch (err) {
        if (err instanceof CredentialRevokedError) throw err;
        if (signal.aborted) break;
        if (err instanceof CenterError && err.code === 'EXCHANGE_TASK_STOPPED') {
          const p = err.problem;
          const code = typeof p.statusCode === 'string' ? p.statusCode : null;
          const reason = typeof p.statusReason === 'string' ? p.statusReason : err.message;
          this.#stoppedByCenter = true;
          log.error('subscription stopped by the center', { subscription: this.id, topic: this.#spec.topicCode, statusCode: code ?? undefined, reason });
          await updateState(store, this.id, () => ({ stopped: code ? `${code}: ${reason}` : reason }));
          continue;
        }
        await fail('fetch', 'fetching events', err);
        continue;
      }
      failures.fetch = 0;
      if (items.length === 0) continue;
      // Only acknowledged events count in lastSeq, so seeing them again means someone rewound the
      // cursor; an applied page whose acknowledgement was lost still comes with the same id.
      const before = await subscriptionState(store, this.id);
      let replays = before.replays;
      if (before.lastSeq !== null && items[0].seq <= before.lastSeq) {
        replays++;
        log.info('subscription rewound at the center; replaying', { subscription: this.id, topic: this.#spec.topicCode, from: items[0].seq, lastApplied: before.lastSeq });
        await updateState(store, this.id, () => ({ replays, lastSeq: items[0].seq - 1 }));
      }
      const page = buildEventBatch(this.#spec, items, replays);
      let result: { appliedRows: number; alreadyApplied: boolean };
      try {
        const conn = await this.#ctx.connections.get(this.#spec.connection);
        if (conn.kind === 'folder') throw new Error(`connection "${this.#spec.connection}" is a folder; a subscription writes to a database table`);
        result = await conn.apply(page.target, page.batch, csvBody(page));
      } catch (err) {
        // The cursor stays where it is: the same events come again after the back-off.
        await fail('apply', `applying events ${page.firstSeq}-${page.lastSeq}`, err);
        continue;
      }
      try {
        // Given up only at shutdown; the applied row then makes the next apply an acknowledgement.
        await withRetry(() => client.ackEvents(this.id, page.lastSeq, signal), {
          signal,
          capMs: 30_000,
          onRetry: (err, attempt, inMs) => log.warn('event ack failed, retrying', { subscription: this.id, attempt: attempt + 1, inMs, error: errorText(err) }),
        });
      } catch (err) {
        if (err instanceof CredentialRevokedError) throw err;
        if (err instanceof AbortedError || signal.aborted) break;
        await fail('apply', `acknowledging events up to ${page.lastSeq}`, err);
        continue;
      }
      failures.apply = 0;
      const now = new Date().toISOString();
      await updateState(store, this.id, (s) => ({
        lastSeq: page.lastSeq,
        appliedEvents: s.appliedEvents + (result.alreadyApplied ? 0 : items.length),
        lastAppliedAt: now,
        lastError: null,
        lastErrorAt: null,
      }));
      log.info('events applied', { subscription: this.id, topic: this.#spec.topicCode, seq: `${page.firstSeq}-${page.lastSeq}`, events: items.length, rows: result.appliedRows, alreadyApplied: result.alreadyApplied });
    }
  }
}
