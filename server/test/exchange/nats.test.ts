import { randomUUID } from 'node:crypto';
import { Socket, createServer, connect as tcpConnect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { NodeWaker, createTransport } from '../../src/modules/exchange/index.ts';
import { createTestApp, type TestApp } from '../harness.ts';
import { NodeClient, exchangeCast, taskBody } from './helpers.ts';

/**
 * The exchange center with NATS_URL set (ADR 0011): the same flow as center.test.ts, with the
 * routing through JetStream — and what only JetStream adds: de-duplication by Nats-Msg-Id, a
 * restart that hands the unacknowledged delivery out again, re-publishing a lost message.
 */

const NATS_URL = process.env.NATS_URL || 'nats://127.0.0.1:4222';
const reachable = await new Promise<boolean>((resolve) => {
  const u = new URL(NATS_URL.replace(/^nats:/, 'http:'));
  const s = new Socket().setTimeout(1000);
  const done = (ok: boolean) => (s.destroy(), resolve(ok));
  s.once('connect', () => done(true)).once('error', () => done(false)).once('timeout', () => done(false));
  s.connect(Number(u.port || 4222), u.hostname);
});
if (!reachable) console.warn(`nats.test.ts skipped: NATS is not reachable at ${NATS_URL} (start nats-server -js; CI has it)`);

const id = randomUUID().slice(0, 8);
const ENV = {
  NATS_URL,
  EXCHANGE_NATS_STREAM: `ZT_TEST_${id}`,
  EXCHANGE_NATS_TOPIC_STREAM: `ZT_TEST_${id}_TOPICS`,
  EXCHANGE_NATS_SUBJECT_PREFIX: `zttest.${id}`,
  EXCHANGE_NATS_ACK_WAIT_SECONDS: '2',
  // Short, so a message lost from the stream by hand may be re-published within the test.
  EXCHANGE_NATS_DUPLICATE_WINDOW_SECONDS: '2',
};
const COLUMNS = ['uscc', 'name'];

/** A TCP relay to NATS that the test cuts (every connection dropped, no new ones) and restores. */
async function tcpRelay() {
  const target = new URL(NATS_URL.replace(/^nats:/, 'http:'));
  const sockets = new Set<Socket>();
  const server = createServer((c) => {
    const up = tcpConnect(Number(target.port || 4222), target.hostname);
    for (const s of [c, up]) sockets.add(s.on('error', () => {}).on('close', () => sockets.delete(s)));
    c.pipe(up).pipe(c);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `nats://127.0.0.1:${port}`,
    cut: () => new Promise<void>((r) => {
      server.close(() => r());
      for (const s of sockets) s.destroy();
    }),
    restore: () => new Promise<void>((r) => server.listen(port, '127.0.0.1', r)),
  };
}

describe.skipIf(!reachable)('exchange center over NATS JetStream', () => {
  let t: TestApp;
  let first: App;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let cast: Awaited<ReturnType<typeof exchangeCast>>;
  let src: NodeClient;
  let dst: NodeClient;
  let taskId: string;
  let targetId: string;

  const messages = async () => (await jsm.streams.info(ENV.EXCHANGE_NATS_STREAM)).state.messages;
  const poll = (wait = 0) => dst.call('GET', `/api/exchange/agent/deliveries?wait=${wait}`);
  const ack = (deliveryId: string, alreadyApplied = false) => dst.call('POST', `/api/exchange/agent/deliveries/${deliveryId}/ack`, { appliedRows: 1, alreadyApplied });
  const seqs = (res: { body: { items: { seq: number }[] } }) => res.body.items.map((d) => d.seq);
  /** Stops the center and builds a new one on the same database and file store (console agents keep the first app: use them before). */
  async function restart(env: Record<string, string> = {}) {
    await t.app.close();
    t.app = await buildApp({ config: loadConfig({ DATA_DIR: t.keyDir, WEB_DIST: join(t.keyDir, 'no-web'), ...ENV, ...env }), database: t.database, signingKey: t.key, clock: t.clock, logger: false });
  }

  beforeAll(async () => {
    t = await createTestApp({ env: ENV });
    first = t.app;
    t.clock.set(new Date('2026-03-02T10:00:00+08:00'));
    nc = await connect({ servers: NATS_URL });
    jsm = await nc.jetstreamManager();
    cast = await exchangeCast(t);
    src = new NodeClient(t);
    dst = new NodeClient(t);
    await src.enrol(cast.source.token);
    await dst.enrol(cast.target.token);
    const res = await cast.provider.post('/api/exchange/tasks', taskBody(cast));
    expect(res.status, res.text).toBe(201);
    taskId = res.body.id;
    targetId = res.body.targets[0].id;
  });

  afterAll(async () => {
    if (t && t.app !== first) await t.app.close();
    await t?.close();
    for (const s of [ENV.EXCHANGE_NATS_STREAM, ENV.EXCHANGE_NATS_TOPIC_STREAM]) await jsm?.streams.delete(s).catch(() => false);
    await nc?.close();
  });

  it('creates its streams at start', async () => {
    const info = await jsm.streams.info(ENV.EXCHANGE_NATS_STREAM);
    expect(info.config).toMatchObject({ retention: 'workqueue', subjects: [`zttest.${id}.node.>`] });
    expect((await jsm.streams.info(ENV.EXCHANGE_NATS_TOPIC_STREAM)).config.subjects).toEqual([`zttest.${id}.topic.>`]);
  });

  it('routes an upload as one message on the target subject; a re-sent batch adds none', async () => {
    const up = await src.upload(taskId, 1, 'k1,甲公司\n', { columns: COLUMNS });
    expect(up.status).toBe(201);
    const again = await src.upload(taskId, 1, 'k1,甲公司\n', { columns: COLUMNS, batchId: up.manifest.batchId });
    expect(again.status).toBe(200);
    expect(await messages()).toBe(1);
    const m = await jsm.streams.getMessage(ENV.EXCHANGE_NATS_STREAM, { last_by_subj: `zttest.${id}.node.${dst.nodeId}.target.${targetId}` });
    expect(m.json()).toEqual({ batchId: up.manifest.batchId, targetId, nodeId: dst.nodeId });
    expect(m.header.get('Nats-Msg-Id')).toBe(`${up.manifest.batchId}:${targetId}`);
  });

  it('hands the delivery out, and removes the message from the stream once acknowledged', async () => {
    const p = await poll();
    expect(seqs(p)).toEqual([1]);
    const d = p.body.items[0];
    expect((await dst.call('GET', `/api/exchange/agent/batches/${d.batchId}/body`)).text).toBe('k1,甲公司\n');
    expect(await messages()).toBe(1); // held while the agent applies
    expect((await ack(d.deliveryId)).status).toBe(204);
    expect((await ack(d.deliveryId, true)).status).toBe(204);
    expect(await messages()).toBe(0);
    const prov = await cast.provider.get(`/api/exchange/batches/${d.batchId}/provenance`);
    expect(prov.body.items.map((h: { hop: string }) => h.hop)).toEqual(['extracted', 'uploaded', 'routed', 'delivered', 'applied']);
  });

  it('delivers per target in order, one at a time; a failure holds the target until retried', async () => {
    await src.upload(taskId, 2, 'k2,v\n', { columns: COLUMNS });
    await src.upload(taskId, 3, 'k3,v\n', { columns: COLUMNS });
    const p1 = await poll();
    expect(seqs(p1)).toEqual([2]);
    expect((await poll()).body.items).toEqual([]);
    // Through NATS the center grants no window: one at a time even when the agent asks for two.
    expect((await dst.call('GET', '/api/exchange/agent/deliveries?wait=0&window=2')).body.items).toEqual([]);
    const id2 = p1.body.items[0].deliveryId;
    await dst.call('POST', `/api/exchange/agent/deliveries/${id2}/fail`, { code: 'TARGET_COLUMN_MISSING', message: 'column "name" does not exist', retryable: false });
    expect((await poll()).body.items).toEqual([]);
    expect(await messages()).toBe(2); // nothing acknowledged in JetStream: the failed one holds its target
    expect((await cast.consumer.post(`/api/exchange/deliveries/${id2}/retry`)).status).toBe(204);
    const p2 = await poll();
    expect(seqs(p2)).toEqual([2]);
    await ack(id2);
    const p3 = await poll();
    expect(seqs(p3)).toEqual([3]);
    await ack(p3.body.items[0].deliveryId);
    expect(await messages()).toBe(0);
  });

  it('answers a waiting long poll as soon as a batch is routed', async () => {
    const started = Date.now();
    const waiting = poll(10);
    await new Promise((r) => setTimeout(r, 300));
    await src.upload(taskId, 4, 'k4,v\n', { columns: COLUMNS });
    const p = await waiting;
    expect(seqs(p)).toEqual([4]);
    expect(Date.now() - started).toBeLessThan(3000);
    await ack(p.body.items[0].deliveryId);
  });

  it('answers a long poll waiting on one center process when another routes the batch', async () => {
    const other = await buildApp({ config: loadConfig({ DATA_DIR: t.keyDir, WEB_DIST: join(t.keyDir, 'no-web'), ...ENV }), database: t.database, signingKey: t.key, clock: t.clock, logger: false });
    try {
      // The same source node, its upload answered by the other process: no in-process wake-up here.
      const viaOther = Object.assign(new NodeClient({ ...t, app: other }), { nodeId: src.nodeId, clientId: src.clientId, keys: src.keys });
      const started = Date.now();
      const waiting = poll(10);
      await new Promise((r) => setTimeout(r, 300));
      const up = await viaOther.upload(taskId, 5, 'k5,v\n', { columns: COLUMNS });
      expect(up.status).toBe(201);
      const p = await waiting;
      expect(seqs(p)).toEqual([5]);
      expect(Date.now() - started).toBeLessThan(3000);
      await ack(p.body.items[0].deliveryId);
    } finally {
      await other.close();
    }
  });

  it('hands a delivery out again when its lease runs out (a crashed agent)', async () => {
    await src.upload(taskId, 6, 'k6,v\n', { columns: COLUMNS });
    const p = await poll();
    expect(seqs(p)).toEqual([6]);
    expect((await poll()).body.items).toEqual([]);
    t.clock.set(new Date(t.clock.now().getTime() + 301_000));
    const again = await poll();
    expect(again.body.items.map((d: { deliveryId: string }) => d.deliveryId)).toEqual([p.body.items[0].deliveryId]);
    await ack(p.body.items[0].deliveryId, true);
    expect(await messages()).toBe(0);
  });

  it('mirrors topic events to their stream, one message per event id, without the payload', async () => {
    const topic = await cast.provider.post('/api/exchange/topics', { code: 'enterprise.changed', name: '企业信息变更', resourceId: cast.resourceId, keyField: 'uscc', fields: ['uscc', 'name'], eventTypes: ['licence.issued'] });
    expect(topic.status, topic.text).toBe(201);
    const events = [randomUUID(), randomUUID()].map((eventId, i) => ({ id: eventId, key: `K${i}`, type: 'licence.issued', payload: { uscc: `K${i}`, name: '甲公司' } }));
    const publish = (list: unknown[]) => src.call('POST', '/api/exchange/agent/topics/enterprise.changed/events', { events: list });
    expect((await publish(events)).status).toBeLessThan(300);
    expect((await publish([events[0]])).status).toBeLessThan(300); // a re-send: stored once, published once
    const info = await jsm.streams.info(ENV.EXCHANGE_NATS_TOPIC_STREAM);
    expect(info.state.messages).toBe(2);
    const last = await jsm.streams.getMessage(ENV.EXCHANGE_NATS_TOPIC_STREAM, { last_by_subj: `zttest.${id}.topic.enterprise.changed` });
    expect(last.header.get('Nats-Msg-Id')).toBe(events[1].id);
    expect(last.json()).toEqual({ id: events[1].id, topicCode: 'enterprise.changed', seq: 2, key: 'K1', type: 'licence.issued' });
  });

  it('de-duplicates by Nats-Msg-Id in JetStream itself', async () => {
    const js = nc.jetstream();
    const subject = `zttest.${id}.node.dedup.target.dedup`;
    const a = await js.publish(subject, 'x', { msgID: 'same-batch:same-target' });
    const b = await js.publish(subject, 'x', { msgID: 'same-batch:same-target' });
    expect(a.duplicate).toBe(false);
    expect(b).toMatchObject({ duplicate: true, seq: a.seq });
    expect(await messages()).toBe(1);
    await jsm.streams.purge(ENV.EXCHANGE_NATS_STREAM, { filter: subject });
  });

  it('still delivers after a center restart: a routed delivery and a leased, unacknowledged one', async () => {
    const routedBatch = await src.upload(taskId, 7, 'k7,v\n', { columns: COLUMNS });
    await restart();
    const p = await poll();
    expect(p.body.items.map((d: { batchId: string }) => d.batchId)).toEqual([routedBatch.manifest.batchId]);
    await restart();
    expect((await poll()).body.items).toEqual([]); // still leased to the agent
    t.clock.set(new Date(t.clock.now().getTime() + 301_000));
    const again = await poll();
    expect(again.body.items.map((d: { deliveryId: string }) => d.deliveryId)).toEqual([p.body.items[0].deliveryId]);
    await ack(p.body.items[0].deliveryId);
    expect(await messages()).toBe(0);
  });

  it('re-publishes a delivery whose message was lost from the stream, and skips a copy already applied', async () => {
    const lostBatch = await src.upload(taskId, 8, 'k8,v\n', { columns: COLUMNS });
    await jsm.streams.purge(ENV.EXCHANGE_NATS_STREAM, { filter: `zttest.${id}.node.${dst.nodeId}.>` });
    expect((await poll()).body.items).toEqual([]); // no message, no delivery: the row waits
    await new Promise((r) => setTimeout(r, 2100)); // past the duplicate window, which would drop the copy
    await restart(); // reconciliation at start
    const p = await poll();
    expect(p.body.items.map((d: { batchId: string }) => d.batchId)).toEqual([lostBatch.manifest.batchId]);
    await ack(p.body.items[0].deliveryId);
    // A stale copy of an applied delivery (published after the duplicate window) is acknowledged and skipped.
    await nc.jetstream().publish(`zttest.${id}.node.${dst.nodeId}.target.${targetId}`, JSON.stringify({ batchId: lostBatch.manifest.batchId, targetId, nodeId: dst.nodeId }), { msgID: `stale-${id}` });
    // …and a message that is no delivery at all is terminated, not left blocking the target.
    await nc.jetstream().publish(`zttest.${id}.node.${dst.nodeId}.target.${targetId}`, 'not json', { msgID: `junk-${id}` });
    const nextBatch = await src.upload(taskId, 9, 'k9,v\n', { columns: COLUMNS });
    const pNext = await poll();
    expect(pNext.body.items.map((d: { batchId: string }) => d.batchId)).toEqual([nextBatch.manifest.batchId]);
    await ack(pNext.body.items[0].deliveryId);
    expect(await messages()).toBe(0);
  });

  it('keeps routing while NATS is away and delivers once it is back', async () => {
    // The center reaches NATS through a TCP relay that the test cuts and restores.
    const relay = await tcpRelay();
    await restart({ NATS_URL: relay.url });
    await relay.cut();
    await new Promise((r) => setTimeout(r, 300));
    // Meanwhile the table serves: the rows alone keep the order per target.
    const during = await src.upload(taskId, 10, 'k10,v\n', { columns: COLUMNS });
    expect(during.status).toBe(201);
    const served = await poll();
    expect(served.body.items.map((d: { batchId: string }) => d.batchId)).toEqual([during.manifest.batchId]);
    expect((await ack(served.body.items[0].deliveryId)).status).toBe(204);
    const afterOutage = await src.upload(taskId, 11, 'k11,v\n', { columns: COLUMNS });
    expect(afterOutage.status).toBe(201); // accepted and kept: the row is queued, no message published
    expect(await messages()).toBe(0);
    await relay.restore(); // the reconciliation after the reconnect publishes it
    for (const until = Date.now() + 8000; (await messages()) === 0 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 100));
    expect(await messages()).toBe(1);
    const p = await poll(8);
    expect(p.body.items.map((d: { batchId: string }) => d.batchId)).toEqual([afterOutage.manifest.batchId]);
    await ack(p.body.items[0].deliveryId);
    await restart();
    await relay.cut();
    expect(await messages()).toBe(0);
  }, 20_000);

  it('takes over the head of a center process that died, after ack_wait', async () => {
    const relay = await tcpRelay();
    const settings = loadConfig({ ...ENV, NATS_URL: relay.url }).exchange.nats;
    const dying = await createTransport(settings, t.database.db, new NodeWaker(), { info() {}, warn() {} });
    try {
      const heldBatch = await src.upload(taskId, 12, 'k12,v\n', { columns: COLUMNS });
      expect(await dying.openTargets(dst.nodeId)).toEqual(new Set([targetId]));
      expect((await poll()).body.items).toEqual([]); // the other process holds the target's head
      await relay.cut(); // dies without handing it back
      const started = Date.now();
      const p = await poll(8);
      expect(p.body.items.map((d: { batchId: string }) => d.batchId)).toEqual([heldBatch.manifest.batchId]);
      expect(Date.now() - started).toBeGreaterThan(500); // JetStream waited for ack_wait (2 s)
      await ack(p.body.items[0].deliveryId);
      expect(await messages()).toBe(0);
    } finally {
      await dying.close();
    }
  }, 20_000);

  it('fails fast when NATS is not reachable at start', async () => {
    const config = loadConfig({ NATS_URL: 'nats://127.0.0.1:1' }).exchange.nats;
    await expect(createTransport(config, t.database.db, new NodeWaker(), { info() {}, warn() {} })).rejects.toThrow(/not reachable/);
  });
});
