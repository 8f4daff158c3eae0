// kill -9 of the exchange CENTER mid-transfer, at several points: while the source uploads, while a
// delivery is leased to the target, and while the target applies the backlog after the source is
// done. The center runs as a real child process and is restarted on the same database, data
// directory and port. The target table has no key and the target appends, so a batch applied twice
// would show as extra rows: count and checksum must equal the source's exactly.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { taskBody } from '../../server/test/exchange/helpers.ts';
import { CenterProcess } from './e2e-center-process.ts';
import { digest, DST_SUM, insertEnterprises, SRC_SUM, until, World } from './e2e-helpers.ts';

const ROWS = 30_000;
const BATCH = 200;
const w = new World();
const center = new CenterProcess(w.dir, { EXCHANGE_LEASE_SECONDS: '4' });
let centerDb: pg.Client;
let taskId: string;
let srcConf: string;
let dstConf: string;

const converged = async () => {
  const want = await digest(w.src, SRC_SUM);
  const got = await digest(w.dst, DST_SUM);
  return got.n === want.n && got.h === want.h ? got : null;
};
/** The task's batches and deliveries as the center's database has them. */
const centerState = async () =>
  (
    await centerDb.query(
      `SELECT (SELECT count(*)::int FROM exchange.batch WHERE task_id = $1) AS batches,
              (SELECT coalesce(sum(row_count), 0)::int FROM exchange.batch WHERE task_id = $1) AS rows,
              (SELECT count(*)::int FROM exchange.delivery WHERE task_id = $1 AND status = 'applied') AS applied,
              (SELECT count(*)::int FROM exchange.delivery WHERE task_id = $1 AND status = 'delivering') AS delivering`,
      [taskId],
    )
  ).rows[0] as { batches: number; rows: number; applied: number; delivering: number };

async function crashAndRestart(pauseMs = 1500) {
  await center.kill9();
  // Down for a moment: agents see connections refused and back off.
  await new Promise((r) => setTimeout(r, pauseMs));
  await center.up();
}

beforeAll(async () => {
  await w.startDatabases();
  // Appending into a table without a key: a duplicate apply cannot hide behind an upsert.
  await w.dst.query(`ALTER TABLE enterprise_copy DROP CONSTRAINT enterprise_copy_pkey`);
  const { cast, result } = await center.prepare(async (_t, cast) => {
    const res = await cast.provider.post('/api/exchange/tasks', {
      ...taskBody(cast, { strategy: { batchSize: BATCH, maxInFlight: 3 } }),
      targets: [{ nodeId: cast.target.id, grantId: cast.grantId, connection: 'warehouse', table: 'public.enterprise_copy', mode: 'append' }],
    });
    if (res.status !== 201) throw new Error(res.text);
    return res.body.id as string;
  });
  w.cast = cast;
  taskId = result;
  await center.up();
  w.centerUrl = center.url;
  w.extraLogs.push({ name: 'center', log: () => center.log() });
  centerDb = new pg.Client({ connectionString: center.db.url });
  await centerDb.connect();
  srcConf = w.writeConfig('src', 'main', w.srcDb.url);
  dstConf = w.writeConfig('dst', 'warehouse', w.dstDb.url);
  const a = await w.agent(srcConf, 'enrol', '--center', w.centerUrl, '--token', w.cast.source.token).done;
  expect(a.code, a.err).toBe(0);
  const b = await w.agent(dstConf, 'enrol', '--center', w.centerUrl, '--token', w.cast.target.token).done;
  expect(b.code, b.err).toBe(0);
}, 180_000);

// A test that failed midway must not leave its agents holding the next test's state directory.
afterEach(() => w.killAgents());
afterAll(async () => {
  await centerDb?.end();
  await center.stop();
  await w.stop();
});

describe('kill -9 of the center mid-transfer', () => {
  it('during uploads, while a delivery is leased, and during the backlog: the target equals the source', async () => {
    await insertEnterprises(w.src, '9136010', ROWS);
    const expectedBatches = Math.ceil(ROWS / BATCH);
    const s = w.agent(srcConf, 'run');
    const d = w.agent(dstConf, 'run');

    // 1. While the source uploads (some batches in, most still to come).
    await w.until('the first uploads', async () => (await centerState()).batches >= 10);
    const at1 = await centerState();
    await crashAndRestart();
    expect(at1.batches).toBeLessThan(expectedBatches);

    // 2. While a delivery is leased to the target agent (downloading or applying it).
    await w.until('a leased delivery after the restart', async () => {
      const st = await centerState();
      return st.delivering > 0 && st.applied > at1.applied ? st : null;
    }, 60_000);
    await crashAndRestart();

    // 3. While the target works off a backlog: it is stopped until every batch is uploaded, then
    // started again, and the center dies under it.
    d.child.kill('SIGTERM');
    expect((await d.done).code).toBe(0);
    await w.until('every batch uploaded', async () => (await centerState()).rows === ROWS, 90_000);
    const uploaded = await centerState();
    expect(uploaded.applied).toBeLessThan(expectedBatches - 10);
    const d2 = w.agent(dstConf, 'run');
    await w.until('the target to work off the backlog', async () => (await centerState()).applied >= uploaded.applied + 3);
    await crashAndRestart(3000);

    const got = await w.until('the target to equal the source after three center crashes', converged, 120_000);
    expect(got.n).toBe(ROWS);
    // The target applies, then acknowledges: the last acknowledgement can still be on its way (or,
    // if the center died before it arrived, come with the redelivery after the lease).
    const settled = async () => {
      const st = await centerState();
      return st.applied === expectedBatches && st.delivering === 0 ? st : null;
    };
    const end = (await until('every delivery acknowledged', settled, 60_000).catch(() => null)) ?? (await centerState());
    // Every batch once at the center (a re-sent upload is recognised by its id), every delivery applied.
    expect(end).toMatchObject({ batches: expectedBatches, rows: ROWS, applied: expectedBatches, delivering: 0 });
    const seqs = (await centerDb.query(`SELECT count(DISTINCT seq)::int AS n FROM exchange.batch WHERE task_id = $1`, [taskId])).rows[0].n;
    expect(seqs).toBe(expectedBatches);
    // The target applied each batch once: its idempotency rows match the batches and the rows.
    const applied = (await w.dst.query(`SELECT count(*)::int AS batches, sum(row_count)::int AS rows FROM zt_exchange_applied`)).rows[0];
    expect(applied).toEqual({ batches: expectedBatches, rows: ROWS });
    expect(center.starts).toBeGreaterThanOrEqual(3);

    // The agents kept running across the crashes and stop cleanly.
    s.child.kill('SIGTERM');
    d2.child.kill('SIGTERM');
    const [sd, dd] = await Promise.all([s.done, d2.done]);
    expect(sd.code, sd.err.slice(-2000)).toBe(0);
    expect(dd.code, dd.err.slice(-2000)).toBe(0);
  }, 300_000);

  it('an incremental change after the crashes still arrives once, and the audit chain is intact', async () => {
    const s = w.agent(srcConf, 'run');
    const d = w.agent(dstConf, 'run');
    await insertEnterprises(w.src, '9136011', 3000);
    await w.until('the increment at the target', converged, 90_000);
    s.child.kill('SIGTERM');
    d.child.kill('SIGTERM');
    await Promise.all([s.done, d.done]);

    // The child center sealed its audit entries with the key in DATA_DIR/keys across every restart.
    await center.kill9();
    const verify = await center.run(['audit', 'verify', '--seal']);
    expect(verify.code, verify.out + verify.err).toBe(0);
    expect(verify.out).toMatch(/OK: the audit log is intact/);
  }, 180_000);
});
