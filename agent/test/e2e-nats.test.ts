// The exchange center routing through NATS JetStream (NATS_URL, ADR 0011), as a real child process,
// with agents as child processes: full and incremental sync, kill -9 of the target agent
// mid-transfer, kill -9 of the center mid-transfer (restarted on the same database, data directory
// and port). The target appends into a table without a key, so a batch applied twice would show as
// extra rows. The target must equal the source (count and checksum), each batch applied once, and
// JetStream must have carried the routing (the target's durable consumer saw the deliveries and
// the work-queue stream is empty at the end). The streams are deleted afterwards.
import { randomUUID } from 'node:crypto';
import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { taskBody } from '../../server/test/exchange/helpers.ts';
import { CenterProcess } from './e2e-center-process.ts';
import { digest, DST_SUM, insertEnterprises, SRC_SUM, World } from './e2e-helpers.ts';

const NATS_URL = process.env.NATS_URL || 'nats://127.0.0.1:4222';
const id = randomUUID().slice(0, 8);
const STREAM = `ZT_E2E_${id}`;
const TOPIC_STREAM = `ZT_E2E_${id}_TOPICS`;
const ROWS = 20_000;
const BATCH = 250;

const w = new World();
const center = new CenterProcess(w.dir, {
  NATS_URL,
  EXCHANGE_NATS_STREAM: STREAM,
  EXCHANGE_NATS_TOPIC_STREAM: TOPIC_STREAM,
  EXCHANGE_NATS_SUBJECT_PREFIX: `zte2e.${id}`,
  // Short, so heads held by a killed center come back within the test (default 30 s).
  EXCHANGE_NATS_ACK_WAIT_SECONDS: '4',
  EXCHANGE_LEASE_SECONDS: '4',
});
let nc: NatsConnection;
let jsm: JetStreamManager;
let centerDb: pg.Client;
let taskId: string;
let targetId: string;
let srcConf: string;
let dstConf: string;

const converged = async () => {
  const want = await digest(w.src, SRC_SUM);
  const got = await digest(w.dst, DST_SUM);
  return got.n === want.n && got.h === want.h ? got : null;
};
const targetRows = async () => (await digest(w.dst, DST_SUM)).n;
const centerState = async () =>
  (
    await centerDb.query(
      `SELECT (SELECT count(*)::int FROM exchange.batch WHERE task_id = $1) AS batches,
              (SELECT count(DISTINCT seq)::int FROM exchange.batch WHERE task_id = $1) AS seqs,
              (SELECT coalesce(sum(row_count), 0)::int FROM exchange.batch WHERE task_id = $1) AS rows,
              (SELECT count(*)::int FROM exchange.delivery WHERE task_id = $1 AND status = 'applied') AS applied,
              (SELECT count(*)::int FROM exchange.delivery WHERE task_id = $1 AND status = 'delivering') AS delivering`,
      [taskId],
    )
  ).rows[0] as { batches: number; seqs: number; rows: number; applied: number; delivering: number };

/** Each batch once at the center, every delivery applied, each applied once at the target. */
async function expectExactlyOnce() {
  const st = await w.until('every delivery acknowledged', async () => {
    const s = await centerState();
    return s.applied === s.batches ? s : null;
  });
  expect(st.seqs).toBe(st.batches);
  expect(st.delivering).toBe(0);
  const applied = (await w.dst.query(`SELECT count(*)::int AS batches, count(DISTINCT batch_id)::int AS ids FROM zt_exchange_applied`)).rows[0];
  expect(applied).toEqual({ batches: st.batches, ids: st.batches });
  return st;
}

beforeAll(async () => {
  nc = await connect({ servers: NATS_URL, timeout: 3000 });
  jsm = await nc.jetstreamManager();
  await w.startDatabases();
  await w.dst.query(`ALTER TABLE enterprise_copy DROP CONSTRAINT enterprise_copy_pkey`);
  const { cast, result } = await center.prepare(async (_t, cast) => {
    const res = await cast.provider.post('/api/exchange/tasks', {
      ...taskBody(cast, { strategy: { batchSize: BATCH, maxInFlight: 3 } }),
      targets: [{ nodeId: cast.target.id, grantId: cast.grantId, connection: 'warehouse', table: 'public.enterprise_copy', mode: 'append' }],
    });
    if (res.status !== 201) throw new Error(res.text);
    return { taskId: res.body.id as string, targetId: res.body.targets[0].id as string };
  });
  w.cast = cast;
  ({ taskId, targetId } = result);
  await center.up();
  w.centerUrl = center.url;
  w.extraLogs.push({ name: 'center', log: () => center.log() });
  centerDb = new pg.Client({ connectionString: center.db.url });
  await centerDb.connect();
  // The center made its streams at start.
  expect((await jsm.streams.info(STREAM)).config.subjects).toEqual([`zte2e.${id}.node.>`]);
  srcConf = w.writeConfig('src', 'main', w.srcDb.url);
  dstConf = w.writeConfig('dst', 'warehouse', w.dstDb.url);
  for (const [conf, token] of [[srcConf, w.cast.source.token], [dstConf, w.cast.target.token]]) {
    const r = await w.agent(conf, 'enrol', '--center', w.centerUrl, '--token', token).done;
    expect(r.code, r.err).toBe(0);
  }
}, 180_000);

// A test that failed midway must not leave its agents holding the next test's state directory.
afterEach(() => w.killAgents());
afterAll(async () => {
  await centerDb?.end();
  await center.stop();
  await w.stop();
  for (const s of [STREAM, TOPIC_STREAM]) await jsm?.streams.delete(s).catch(() => false);
  await nc?.close();
});

describe('exchange through NATS JetStream with agent and center processes', () => {
  it('full load and new rows picked up while running, routed through the stream', async () => {
    await insertEnterprises(w.src, '9136010', ROWS);
    const s = w.agent(srcConf, 'run');
    const d = w.agent(dstConf, 'run');
    await w.until('the full load at the target', converged, 90_000);
    const first = await centerState();
    await insertEnterprises(w.src, '9136011', 500);
    await w.until('the increment at the target', converged, 60_000);
    const st = await expectExactlyOnce();
    expect(st.rows).toBe(ROWS + 500);
    expect(st.batches).toBe(first.batches + 2);

    // JetStream carried the routing: the target's durable consumer saw every delivery (a redelivery
    // only adds), and the work-queue stream is empty once everything is acknowledged.
    const consumer = await jsm.consumers.info(STREAM, `target-${targetId}`);
    expect(consumer.delivered.stream_seq).toBeGreaterThanOrEqual(st.batches);
    await w.until('the stream to be drained', async () => (await jsm.streams.info(STREAM)).state.messages === 0, 20_000);
    for (const p of [s, d]) p.child.kill('SIGTERM');
    for (const p of [s, d]) expect((await p.done).code).toBe(0);
  }, 150_000);

  it('kill -9 of the target agent mid-transfer, then kill -9 of the center mid-transfer', async () => {
    const s = w.agent(srcConf, 'run');
    let d = w.agent(dstConf, 'run');
    await insertEnterprises(w.src, '9136012', ROWS);
    const before = await targetRows();
    await w.until('the target to start the second load', async () => (await targetRows()) > before);
    d.child.kill('SIGKILL');
    expect((await d.done).signal).toBe('SIGKILL');
    d = w.agent(dstConf, 'run');
    await w.until('the target to equal the source after its kill -9', converged, 90_000);

    // The center dies while the source uploads and a delivery is leased (its NATS head held).
    await insertEnterprises(w.src, '9136013', ROWS);
    const start = await centerState();
    await w.until('uploads and a leased delivery of the third load', async () => {
      const st = await centerState();
      return st.batches >= start.batches + 5 && st.applied > start.applied && st.delivering > 0;
    });
    await center.kill9();
    await new Promise((r) => setTimeout(r, 1500));
    await center.up();
    await w.until('the target to equal the source after the center kill -9', converged, 120_000);
    const st = await expectExactlyOnce();
    expect(st.rows).toBe(3 * ROWS + 500);
    await w.until('the stream to be drained', async () => (await jsm.streams.info(STREAM)).state.messages === 0, 30_000);
    for (const p of [s, d]) p.child.kill('SIGTERM');
    for (const p of [s, d]) expect((await p.done).code).toBe(0);
  }, 200_000);

  it('kill -9 of the center while the target works off a backlog: the heads it held come back', async () => {
    // Everything uploaded while the target is away; nothing new is routed after the crash, so the
    // restarted center must get the target's head back from JetStream (ack_wait) to go on.
    const s = w.agent(srcConf, 'run');
    await insertEnterprises(w.src, '9136014', ROWS / 2);
    const start = await centerState();
    await w.until('the backlog uploaded', async () => (await centerState()).rows === start.rows + ROWS / 2, 60_000);
    s.child.kill('SIGTERM');
    expect((await s.done).code).toBe(0);
    const d = w.agent(dstConf, 'run');
    await w.until('the target to work off the backlog', async () => (await centerState()).applied >= start.applied + 3);
    await center.kill9();
    await new Promise((r) => setTimeout(r, 1500));
    await center.up();
    await w.until('the target to equal the source after the center kill -9', converged, 90_000);
    const st = await expectExactlyOnce();
    expect(st.rows).toBe(3 * ROWS + 500 + ROWS / 2);
    await w.until('the stream to be drained', async () => (await jsm.streams.info(STREAM)).state.messages === 0, 30_000);
    d.child.kill('SIGTERM');
    expect((await d.done).code).toBe(0);
  }, 150_000);
});
