// The target side of `run` (protocol §3, window): the center leases a target up to WINDOW of its
// deliveries at once, and each target's lane applies them strictly in seq order. The next body
// downloads while the current one applies, and the acknowledgement travels while the next one
// applies, so the target database is kept busy instead of waiting on the center between batches.
import type { Delivery, TargetSpec } from '../center/types.ts';
import { CredentialRevokedError } from '../center/errors.ts';
import { applyBody, discardBody, downloadBody, settle, type Downloaded } from './apply.ts';
import { errorText, type EngineContext } from './context.ts';

/** Deliveries per target held at once: one applying, one downloading behind it. */
export const WINDOW = 2;

type Held = { d: Delivery; body: Promise<Downloaded> };

interface LaneDeps {
  ctx: EngineContext;
  /** The target's spec from the center's configuration (asked for again when unknown). */
  specFor: (targetId: string) => Promise<TargetSpec | undefined>;
  /** A revoked credential stops the agent; nothing else escapes a lane. */
  fatal: (err: unknown) => void;
}

class Lane {
  readonly #queue: Held[] = [];
  /**
   * Every delivery from its arrival until its acknowledgement is sent and its body deleted. A
   * held delivery's lease can run out while the one before it applies (a slow center); the center
   * then leases it again to this agent, and that second copy must not be taken in.
   */
  readonly #known = new Set<string>();
  #running: Promise<void> | null = null;
  /** Acknowledgements in order, one after another, while later batches apply. */
  #settling: Promise<void> = Promise.resolve();

  readonly #ctx: EngineContext;
  readonly #specFor: LaneDeps['specFor'];
  readonly #fatal: LaneDeps['fatal'];

  constructor(deps: LaneDeps) {
    this.#ctx = deps.ctx;
    this.#specFor = deps.specFor;
    this.#fatal = deps.fatal;
  }

  holds(deliveryId: string) {
    return this.#known.has(deliveryId);
  }

  add(d: Delivery) {
    // The download starts at once; a failure comes back as the delivery's outcome, never thrown.
    const body = downloadBody(this.#ctx, d).catch((err): Downloaded => {
      if (err instanceof CredentialRevokedError) this.#fatal(err);
      return { outcome: { kind: 'skipped', message: `download failed: ${errorText(err)}` } };
    });
    this.#known.add(d.deliveryId);
    this.#queue.push({ d, body });
    this.#queue.sort((a, b) => a.d.seq - b.d.seq);
    this.#running ??= this.#run()
      .catch((err) => this.#fatal(err))
      .finally(() => (this.#running = null));
  }

  /** Resolves when nothing is applying or acknowledging. */
  async idle() {
    while (this.#running) await this.#running;
    await this.#settling;
  }

  async #run() {
    while (this.#queue.length && !this.#ctx.signal.aborted) {
      const head = this.#queue[0];
      const outcome = await applyBody(this.#ctx, head.d, await this.#specFor(head.d.targetId), () => head.body);
      this.#queue.shift();
      const settled = this.#settling.then(() => settle(this.#ctx, head.d, outcome)).finally(() => this.#forget(head));
      this.#settling = settled.catch((err) => this.#fatal(err));
      if (outcome.kind !== 'applied') {
        // Nothing after a batch that was not applied may be applied before it. The center hands a
        // failed one's followers back itself; after a skip they go back with it (a pause first).
        await this.#settling;
        await this.#drop(outcome.kind === 'skipped');
      }
    }
  }

  /** Deletes the body (once its download is over) and forgets the delivery. */
  async #forget(h: Held) {
    await h.body;
    await discardBody(this.#ctx, h.d);
    this.#known.delete(h.d.deliveryId);
  }

  /** Lets go of everything still queued: deleted from the inbox, handed back to the center if asked. */
  async #drop(handBack: boolean) {
    const dropped = this.#queue.splice(0);
    if (!dropped.length) return;
    await Promise.all(dropped.map((h) => this.#forget(h)));
    if (handBack) await releaseQuietly(this.#ctx, dropped.map((h) => h.d.deliveryId), 'an earlier batch of the target was not applied');
  }

  /** At shutdown: what has not begun goes back to the center at once, instead of waiting out its lease. */
  async stop(): Promise<string[]> {
    const rest = this.#queue.splice(this.#running ? 1 : 0);
    await Promise.all(rest.map((h) => this.#forget(h)));
    return rest.map((h) => h.d.deliveryId);
  }
}

/** Hands deliveries back; a failure here only means they wait for their lease to run out. */
async function releaseQuietly(ctx: EngineContext, ids: string[], reason: string, signal = ctx.signal) {
  try {
    await ctx.client.release({ deliveryIds: ids, reason }, signal);
  } catch (err) {
    if (err instanceof CredentialRevokedError) throw err;
    ctx.log.warn('could not hand deliveries back; they return when their lease ends', { deliveries: ids.length, error: errorText(err) });
  }
}

/** One lane per target, fed by the delivery poll. */
export class TargetLanes {
  readonly #lanes = new Map<string, Lane>();
  readonly #deps: LaneDeps;

  constructor(deps: LaneDeps) {
    this.#deps = deps;
  }

  /** Deliveries from a poll go to their target's lane; one already held (a lease renewed) is ignored. */
  accept(items: Delivery[]) {
    for (const d of items) {
      let lane = this.#lanes.get(d.targetId);
      if (!lane) this.#lanes.set(d.targetId, (lane = new Lane(this.#deps)));
      if (!lane.holds(d.deliveryId)) lane.add(d);
    }
  }

  /**
   * Stops: lets the batches being applied finish and be acknowledged, and hands back the rest.
   * The call to hand back gets a few seconds of its own, since the run's signal has ended.
   */
  async stop() {
    const unstarted = (await Promise.all([...this.#lanes.values()].map((l) => l.stop()))).flat();
    await Promise.all([...this.#lanes.values()].map((l) => l.idle()));
    if (unstarted.length) await releaseQuietly(this.#deps.ctx, unstarted, 'the agent is stopping', AbortSignal.timeout(5000));
  }
}
