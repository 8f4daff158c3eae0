// The settle window of an incremental source task (ADR 0015). Rows are read in the order of their
// incremental column, and the checkpoint moves past what was read; but a transaction can commit a
// row whose value is *lower* than rows already committed by others (its `now()` or `nextval()`
// was taken earlier). Read too early, that row would sit behind the checkpoint for ever.
//
// So extraction only reads up to the greatest value that was already visible `settleSeconds`
// ago: a transaction that wrote a lower value and was still open then has had that long to
// commit. The window needs no clock agreement with the department's database, because it compares
// values the database itself reported, and it works for timestamps and sequences alike.
//
// Where the source can list the transactions open when a sample was taken (PostgreSQL), the
// sample is ripe as soon as they have all ended, which is at once on a quiet database: the window
// is then only the longest time the agent waits for a transaction that really is open.
import type { HighWater } from '../connectors/types.ts';
import { AbortedError, sleep } from '../center/retry.ts';

interface Sample {
  at: number;
  /** The incremental column's greatest value at `at`; null when the source was empty. */
  value: string | null;
  /** Transactions open at `at` and not yet seen to end; null when the source cannot tell. */
  open: string[] | null;
}

/** What the horizon asks of the source connector. */
export interface HighWaterSource {
  highWater(): Promise<HighWater>;
  stillOpen?(transactions: string[]): Promise<string[]>;
}

/** How often the greatest value is read at most: during a bulk load every step would ask. */
const SAMPLE_EVERY_MS = 500;
/** A ripe sample older than the window plus this (or plus the window, if longer) is not used. */
const STALE_SLACK_MS = 1000;
/** While waiting on open transactions, how often to look whether they have ended. */
const OPEN_POLL_MS = 100;

export class SettleHorizon {
  #samples: Sample[] = [];
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /**
   * The inclusive upper bound for the next read: the newest sample that is a window old or whose
   * open transactions have all ended. With none yet (the first read after a start), or only a
   * stale one (the previous run of a task on a schedule), it samples and waits, so a scheduled run
   * reads all that was committed before it began. `null` means the source was empty then.
   */
  async bound(settleSeconds: number, source: HighWaterSource, signal?: AbortSignal): Promise<string | null> {
    const windowMs = settleSeconds * 1000;
    const now = this.#now();
    const newest = this.#samples.at(-1);
    if (!newest || now - newest.at >= SAMPLE_EVERY_MS) {
      const hw = await source.highWater();
      this.#samples.push({ at: now, value: hw.value, open: hw.openTransactions ? [...hw.openTransactions] : null });
    }
    // A sample from long before (the last run of an hourly task) would hold back everything since:
    // waiting on a fresh one costs less.
    const stale = this.#samples.findLastIndex((x) => now - x.at > windowMs + Math.max(STALE_SLACK_MS, windowMs));
    this.#samples.splice(0, stale + 1);
    await this.#refreshOpen(windowMs, source);
    let ripe = this.#ripeIndex(windowMs);
    while (ripe < 0) {
      const ageWait = this.#samples[0].at + windowMs - this.#now();
      const watching = this.#samples.some((x) => x.open !== null) && !!source.stillOpen;
      await sleep(Math.max(1, watching ? Math.min(OPEN_POLL_MS, ageWait) : ageWait), signal);
      if (signal?.aborted) throw new AbortedError();
      await this.#refreshOpen(windowMs, source);
      ripe = this.#ripeIndex(windowMs);
    }
    // Older ripe samples are superseded by the newest one.
    this.#samples.splice(0, ripe);
    return this.#samples[0].value;
  }

  /** One look at whether the transactions open at the unripe samples have ended. */
  async #refreshOpen(windowMs: number, source: HighWaterSource) {
    if (!source.stillOpen) return;
    const now = this.#now();
    const waiting = this.#samples.filter((x) => x.open !== null && x.open.length > 0 && now - x.at < windowMs);
    if (waiting.length === 0) return;
    const still = new Set(await source.stillOpen([...new Set(waiting.flatMap((x) => x.open!))]));
    for (const x of waiting) x.open = x.open!.filter((id) => still.has(id));
  }

  #ripeIndex(windowMs: number): number {
    const now = this.#now();
    return this.#samples.findLastIndex((x) => now - x.at >= windowMs || (x.open !== null && x.open.length === 0));
  }
}
