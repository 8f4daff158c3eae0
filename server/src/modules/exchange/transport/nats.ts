import { JSONCodec, type JetStreamClient, type JetStreamManager, type JsMsg, type NatsConnection } from 'nats';
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/schema.ts';
import type { NodeWaker } from '../exchange.deps.ts';
import { consumerName, deliveryMsgId, deliverySubject, ensureStreams, ensureTargetConsumer, openJetStream, topicSubject, type NatsSettings } from './nats.jetstream.ts';
import type { DeliveryRef, DeliveryTransport, TopicEventRef } from './types.ts';

export interface TransportLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

type Head = { msg: JsMsg; ref: DeliveryRef };
const codec = JSONCodec<DeliveryRef>();
const OPEN = ['queued', 'delivering', 'failed'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A pull answered "nothing now": no message (404), the wait ran out (408), another holder (409). */
const nothing = (e: unknown) => ['404', '408', '409'].includes(String((e as { code?: string }).code));

/**
 * Deliveries routed through NATS JetStream (ADR 0011). One message per delivery on the target's
 * subject, de-duplicated by `<batchId>:<targetId>`; one durable pull consumer per target with
 * max_ack_pending 1. The message at the head of a target's consumer, held by this process, is the
 * target's permission to be served: while it is held the target's lowest open row is leased as
 * before (the row keeps status, lease, order and provenance). The head is acknowledged in JetStream
 * once its row is settled (applied or expired); a failed row keeps it held, so the target waits
 * for a retry. A process that dies releases its heads after ack_wait; a graceful close at once.
 */
export class NatsTransport implements DeliveryTransport {
  readonly kind = 'nats';
  readonly #s: NatsSettings;
  readonly #db: Kysely<DB>;
  readonly #waker: NodeWaker;
  readonly #log: TransportLog;
  readonly #nc: NatsConnection;
  readonly #jsm: JetStreamManager;
  /** Publishes and no-wait pulls answer within this time or count as failed. */
  readonly #js: JetStreamClient;
  /** Waiting pulls get a client timeout beyond their server-side expiry, so none answers into the void. */
  readonly #jsWait: JetStreamClient;
  readonly #heads = new Map<string, Head>();
  readonly #consumers = new Set<string>();
  /** At most one pull per target in flight, so two pulls never race for the same head. */
  readonly #pulls = new Map<string, Promise<boolean>>();
  readonly #timers: NodeJS.Timeout[] = [];
  #reconciling: Promise<number> | null = null;
  #closed = false;
  /** Between a disconnect and the reconnect: uploads do not wait for a publish that cannot succeed. */
  #down = false;

  private constructor(s: NatsSettings, db: Kysely<DB>, waker: NodeWaker, log: TransportLog, nc: NatsConnection, jsm: JetStreamManager) {
    this.#s = s;
    this.#db = db;
    this.#waker = waker;
    this.#log = log;
    this.#nc = nc;
    this.#jsm = jsm;
    this.#js = nc.jetstream({ timeout: 5000 });
    this.#jsWait = nc.jetstream({ timeout: 10_000 });
  }

  /** Connects (failing fast), re-publishes what an outage or a crash left unrouted, starts the keepers. */
  static async start(s: NatsSettings, db: Kysely<DB>, waker: NodeWaker, log: TransportLog, opts: { reconcileMs?: number } = {}) {
    const { nc, jsm } = await openJetStream(s);
    const t = new NatsTransport(s, db, waker, log, nc, jsm);
    await t.reconcile().catch(async (e) => {
      await nc.close();
      throw e;
    });
    t.#timers.push(setInterval(() => void t.#keep(), Math.max(1000, (s.ackWaitSeconds * 1000) / 3)).unref());
    t.#timers.push(setInterval(() => void t.reconcile().catch((e) => log.warn({ err: e }, 'exchange: NATS reconciliation failed')), opts.reconcileMs ?? 30_000).unref());
    void t.#watchStatus();
    return t;
  }

  async routed(deliveries: DeliveryRef[]) {
    for (const d of deliveries) {
      if (this.#down) {
        this.#waker.wake(d.nodeId);
        continue; // the row stays queued; the reconciliation after the reconnect publishes it
      }
      try {
        await this.#publish(d);
      } catch (e) {
        // The row is committed and stays queued; reconciliation publishes it when NATS is back.
        this.#log.warn({ err: e, batchId: d.batchId, targetId: d.targetId }, 'exchange: NATS publish failed; the delivery waits for reconciliation');
      }
      this.#waker.wake(d.nodeId);
    }
  }

  async openTargets(nodeId: string) {
    // NATS away: the rows alone keep order and single flight per target, so serve from the table.
    if (this.#down) return null;
    const targets = await this.#activeTargets(nodeId);
    await Promise.all(targets.filter((t) => !this.#heads.has(t) && !this.#pulls.has(t)).map((t) => this.#pull(nodeId, t, 0)));
    await this.#settle(targets);
    return new Set(targets.filter((t) => this.#heads.has(t)));
  }

  /**
   * Waits on JetStream: pulls for the node's targets without a head, so a message routed by any
   * center process ends the wait; an acknowledgement or retry in this process wakes it through the
   * waker. The table is looked at again after at most 5 s, for what only time changes (a lease
   * running out, a back-off) and for rows settled by another process.
   */
  async wait(nodeId: string, ms: number, signal?: AbortSignal, since?: number) {
    if (this.#down) return this.#waker.wait(nodeId, Math.min(ms, 1000), signal, since);
    const until = Date.now() + Math.min(ms, 5000);
    const targets = await this.#activeTargets(nodeId);
    let woken = false;
    const waking = this.#waker.wait(nodeId, until - Date.now(), signal, since).then(() => (woken = true));
    while (!woken && !signal?.aborted && !this.#closed) {
      const left = until - Date.now();
      if (left <= 0) return;
      const span = Math.max(100, Math.min(left, 1000));
      // A pull that gets a message holds it and wakes the node, which ends this wait.
      const pulls = targets.filter((t) => !this.#heads.has(t)).map((t) => this.#pulls.get(t) ?? this.#pull(nodeId, t, span));
      if (!pulls.length) return void (await waking);
      await Promise.race([waking, Promise.all(pulls)]);
    }
  }

  async changed(d: DeliveryRef) {
    // Awaited, so that the next delivery of the target can be leased as soon as the agent asks
    // again; under load the JetStream ack and pull can take a while (each bounded at 5 s).
    if (this.#heads.has(d.targetId)) await this.#settle([d.targetId]);
    this.#waker.wake(d.nodeId);
  }

  /**
   * A pointer per event (id, topic, seq, key, type), never the payload: the fields a subscriber
   * may see depend on its grant and are cut by the center when it reads the row. Best effort: the
   * rows stay the record and subscribers read them, so an event missed during an outage is not
   * re-published.
   */
  async topicEvents(events: TopicEventRef[]) {
    if (this.#down || !events.length) return;
    const results = await Promise.allSettled(events.map((e) => this.#js.publish(topicSubject(this.#s, e.topicCode), JSON.stringify(e), { msgID: e.id })));
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length) this.#log.warn({ err: (failed[0] as PromiseRejectedResult).reason, failed: failed.length }, 'exchange: NATS publish of topic events failed; the events stay in PostgreSQL');
  }

  /**
   * Publishes the open deliveries of every target whose consumer holds fewer messages than the
   * target has open rows (a publish lost to an outage, a stream deleted by hand). Re-publishing is
   * safe: within the duplicate window JetStream drops the copy, after it a copy whose row is
   * settled is acknowledged and skipped. Returns how many were published.
   */
  async reconcile(): Promise<number> {
    this.#reconciling ??= this.#reconcile().finally(() => (this.#reconciling = null));
    return this.#reconciling;
  }

  async #reconcile() {
    const open = await this.#db
      .selectFrom('exchange.delivery')
      .select(['target_id', 'node_id', (eb) => eb.fn.countAll<string>().as('n')])
      .where('status', 'in', OPEN)
      .groupBy(['target_id', 'node_id'])
      .execute();
    let published = 0;
    for (const o of open) {
      await this.#consumer(o.node_id, o.target_id);
      const info = await this.#jsm.consumers.info(this.#s.stream, consumerName(o.target_id));
      if (info.num_pending + info.num_ack_pending >= Number(o.n)) continue;
      const rows = await this.#db.selectFrom('exchange.delivery').select(['batch_id']).where('target_id', '=', o.target_id).where('status', 'in', OPEN).orderBy('seq').execute();
      for (const r of rows) {
        const ack = await this.#publish({ batchId: r.batch_id, targetId: o.target_id, nodeId: o.node_id });
        if (!ack.duplicate) published++;
      }
      this.#waker.wake(o.node_id);
    }
    if (published) this.#log.info({ published }, 'exchange: re-published deliveries to NATS');
    return published;
  }

  async close() {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    // A pull answered after the connection closed would leave its message pending until ack_wait.
    if (!this.#down) await Promise.allSettled([...this.#pulls.values()]);
    await this.#reconciling?.catch(() => 0);
    // Hand the heads back at once instead of after ack_wait: the next center process continues.
    for (const h of this.#heads.values()) h.msg.nak();
    this.#heads.clear();
    // Draining waits for the server; with NATS away the shutdown must not hang on it.
    const grace = new Promise((r) => setTimeout(r, 2000).unref());
    await Promise.race([this.#nc.drain().catch(() => undefined), grace]);
    if (!this.#nc.isClosed()) await this.#nc.close();
  }

  #publish(d: DeliveryRef) {
    return this.#js.publish(deliverySubject(this.#s, d.nodeId, d.targetId), codec.encode(d), { msgID: deliveryMsgId(d.batchId, d.targetId) });
  }

  async #activeTargets(nodeId: string) {
    const rows = await this.#db.selectFrom('exchange.target').select('id').where('node_id', '=', nodeId).where('status', '=', 'active').execute();
    return rows.map((r) => r.id);
  }

  async #consumer(nodeId: string, targetId: string) {
    if (this.#consumers.has(targetId)) return;
    await ensureTargetConsumer(this.#jsm, this.#s, nodeId, targetId);
    this.#consumers.add(targetId);
  }

  /** One pull for the target's head: `waitMs` 0 answers at once. Resolves true when a head is held. */
  #pull(nodeId: string, targetId: string, waitMs: number): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    const running = this.#pulls.get(targetId);
    if (running) return running;
    const p = (async () => {
      await this.#consumer(nodeId, targetId);
      // After a terminated non-delivery the target's next message is there at once: pull again.
      for (let i = 0, wait = waitMs; i < 100; i++, wait = 0) {
        try {
          const msg = await (wait ? this.#jsWait : this.#js).pull(this.#s.stream, consumerName(targetId), wait);
          const got = this.#hold(msg, nodeId, targetId);
          if (got !== 'junk') return got === 'held';
        } catch (e) {
          if (nothing(e) || this.#closed) return false;
          throw e;
        }
      }
      return false; // a run of non-deliveries: the next pull goes on
    })();
    const tracked = p
      .catch((e) => {
        this.#log.warn({ err: e, targetId }, 'exchange: NATS pull failed');
        return false;
      })
      .finally(() => this.#pulls.delete(targetId));
    this.#pulls.set(targetId, tracked);
    return tracked;
  }

  /** Keeps the message as the target's head, unless it is no delivery (terminated) or we are closing. */
  #hold(msg: JsMsg, nodeId: string, targetId: string): 'held' | 'junk' | 'closing' {
    let ref: DeliveryRef | null = null;
    try {
      ref = codec.decode(msg.data);
    } catch {
      // handled below
    }
    if (!ref || typeof ref.batchId !== 'string' || !UUID.test(ref.batchId)) {
      // Not ours to deliver (written by hand, another program): it must not block the target.
      msg.term(); // no reason: NATS 2.9 takes '+TERM <reason>' for a nak
      this.#log.warn({ targetId, seq: msg.seq }, 'exchange: a message on a delivery subject is not a delivery; terminated');
      return 'junk';
    }
    if (this.#closed) {
      msg.nak();
      return 'closing';
    }
    const earlier = this.#heads.get(targetId);
    if (earlier && earlier.msg.seq !== msg.seq) earlier.msg.nak();
    this.#heads.set(targetId, { msg, ref: { ...ref, nodeId, targetId } });
    this.#waker.wake(nodeId);
    return 'held';
  }

  /**
   * Acknowledges held heads whose row is settled (or gone) and pulls the target's next message,
   * until every head held is an open delivery or the target has none.
   */
  async #settle(targets: string[]) {
    if (this.#down) return; // after the reconnect the heads come back and are settled then
    let pending = targets.filter((t) => this.#heads.has(t));
    while (pending.length) {
      const heads = pending.map((t) => this.#heads.get(t)!).filter(Boolean);
      if (!heads.length) return;
      const rows = await this.#db
        .selectFrom('exchange.delivery')
        .select(['batch_id', 'target_id', 'status'])
        .where((eb) => eb.or(heads.map((h) => eb.and([eb('batch_id', '=', h.ref.batchId), eb('target_id', '=', h.ref.targetId)]))))
        .execute();
      const status = new Map(rows.map((r) => [`${r.batch_id}:${r.target_id}`, r.status]));
      const done = heads.filter((h) => {
        const s = status.get(deliveryMsgId(h.ref.batchId, h.ref.targetId));
        return s === undefined || s === 'applied' || s === 'expired';
      });
      for (const h of done) {
        if (this.#heads.get(h.ref.targetId) !== h) continue; // a concurrent settle took it
        this.#heads.delete(h.ref.targetId);
        await h.msg.ackAck({ timeout: 5000 }).catch((e) => this.#log.warn({ err: e, targetId: h.ref.targetId }, 'exchange: NATS ack failed; the message comes back and is skipped'));
      }
      await Promise.all(done.map((h) => this.#pull(h.ref.nodeId, h.ref.targetId, 0)));
      pending = done.map((h) => h.ref.targetId).filter((t) => this.#heads.has(t));
    }
  }

  /** Keeps held heads from going back to JetStream while this process lives; settles them. */
  async #keep() {
    if (this.#closed) return;
    const before = [...this.#heads.values()];
    for (const h of before) h.msg.working();
    try {
      await this.#settle(before.map((h) => h.ref.targetId));
    } catch (e) {
      this.#log.warn({ err: e }, 'exchange: settling NATS heads failed');
    }
    // Rows settled by another center process: the next delivery of those targets may go out now.
    for (const h of before) if (this.#heads.get(h.ref.targetId) !== h) this.#waker.wake(h.ref.nodeId);
  }

  /** After a reconnect the held messages may have gone back to JetStream: forget them, reconcile. */
  async #watchStatus() {
    for await (const s of this.#nc.status()) {
      if (s.type === 'disconnect') {
        this.#down = true;
        this.#log.warn({ server: s.data }, 'exchange: NATS disconnected; deliveries stay queued in PostgreSQL');
      }
      if (s.type === 'reconnect') {
        this.#down = false;
        this.#heads.clear();
        this.#consumers.clear();
        this.#log.info({ server: s.data }, 'exchange: NATS reconnected');
        void ensureStreams(this.#jsm, this.#s)
          .then(() => this.reconcile())
          .catch((e) => this.#log.warn({ err: e }, 'exchange: NATS reconciliation failed'));
      }
    }
  }
}
