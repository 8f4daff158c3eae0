// Two consumers of one task: 南昌市行政审批局 and 红谷滩区行政审批局 each hold their own grant and run
// their own target agent. One of them is slow (its table is locked, so its agent hangs in apply)
// and later offline (kill -9): the other still gets every row meanwhile. When the slow one is free
// again, and when the offline one is started again, it catches up. Both must equal the source.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { departmentId, userId } from '../../server/test/harness.ts';
import { PURPOSE, registerNode, taskBody } from '../../server/test/exchange/helpers.ts';
import { createPgDatabase } from './connectors/scratch.ts';
import { digest, DST_SUM, insertEnterprises, SRC_SUM, World } from './e2e-helpers.ts';

const ROWS = 12_000;
const BATCH = 250;
const w = new World();
let dst2Db: { url: string; drop: () => Promise<void> };
let dst2: pg.Client;
let taskId: string;
let srcConf: string;
let dstConf: string;
let dst2Conf: string;

const equalTo = (c: () => pg.Client) => async () => {
  const want = await digest(w.src, SRC_SUM);
  const got = await digest(c(), DST_SUM);
  return got.n === want.n && got.h === want.h ? got : null;
};
const firstEqual = equalTo(() => w.dst);
const secondEqual = equalTo(() => dst2);
const rows = async (c: pg.Client) => (await digest(c, DST_SUM)).n;

beforeAll(async () => {
  await w.start({ EXCHANGE_LEASE_SECONDS: '4' });
  dst2Db = await createPgDatabase('zt_agent_e2e_dst2');
  dst2 = new pg.Client({ connectionString: dst2Db.url });
  await dst2.connect();
  await dst2.query(`CREATE TABLE enterprise_copy (uscc text PRIMARY KEY, name text)`);

  // A second consuming department with its own data officer, who takes its own grant.
  const hgt = await departmentId(w.t, '南昌市红谷滩区行政审批局');
  const created = await w.cast.admin.post('/api/users', {
    username: 'hgt_officer',
    displayName: '红谷滩区审批局数据专员',
    departmentId: hgt,
    initialPassword: 'Officer#2026hgt',
    roles: [{ role: 'data_officer', scope: 'department' }],
  });
  expect(created.status, created.text).toBe(201);
  await w.t.database.db.updateTable('identity.user').set({ must_change_password: false }).where('id', '=', await userId(w.t, 'hgt_officer')).execute();
  const officer = await w.t.login('hgt_officer', 'Officer#2026hgt');
  const grant = await officer.post('/api/sharing/grants', { resourceId: w.cast.resourceId, purpose: PURPOSE, fields: ['uscc', 'name'] });
  expect(grant.status, grant.text).toBe(201);
  const node2 = await registerNode(w.cast.admin, 'hgt-approval-01', '红谷滩区审批局前置机', hgt);

  srcConf = w.writeConfig('src', 'main', w.srcDb.url);
  dstConf = w.writeConfig('dst', 'warehouse', w.dstDb.url);
  dst2Conf = w.writeConfig('dst2', 'warehouse', dst2Db.url);
  for (const [conf, token] of [[srcConf, w.cast.source.token], [dstConf, w.cast.target.token], [dst2Conf, node2.token]]) {
    const r = await w.agent(conf, 'enrol', '--center', w.centerUrl, '--token', token).done;
    expect(r.code, r.err).toBe(0);
  }
  const res = await w.cast.provider.post('/api/exchange/tasks', {
    ...taskBody(w.cast, { strategy: { batchSize: BATCH, maxInFlight: 3 } }),
    targets: [
      { nodeId: w.cast.target.id, grantId: w.cast.grantId, connection: 'warehouse', table: 'public.enterprise_copy', mode: 'upsert' },
      { nodeId: node2.id, grantId: grant.body.id, connection: 'warehouse', table: 'public.enterprise_copy', mode: 'upsert' },
    ],
  });
  expect(res.status, res.text).toBe(201);
  expect(res.body.targets).toHaveLength(2);
  taskId = res.body.id;
}, 180_000);

// A test that failed midway must not leave its agents holding the next test's state directory.
afterEach(() => w.killAgents());
afterAll(async () => {
  await dst2?.end();
  await dst2Db?.drop();
  await w.stop();
});

describe('two consumers of one task', () => {
  it('a slow consumer (its table locked) does not hold the other back, and catches up when freed', async () => {
    await insertEnterprises(w.src, '9136010', ROWS);
    // The second consumer's agent is online but hangs in its first apply behind this lock.
    const locker = new pg.Client({ connectionString: dst2Db.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE enterprise_copy IN ACCESS EXCLUSIVE MODE');
    const s = w.agent(srcConf, 'run');
    const a = w.agent(dstConf, 'run');
    const b = w.agent(dst2Conf, 'run');

    await w.until('the first consumer to equal the source', firstEqual, 90_000);
    const open = () =>
      w.t.database.db
        .selectFrom('exchange.delivery as d')
        .innerJoin('exchange.node as n', 'n.id', 'd.node_id')
        .select(['n.code', (eb) => eb.fn.count<string>('d.id').as('open')])
        .where('d.task_id', '=', taskId)
        .where('d.status', '!=', 'applied')
        .groupBy('n.code')
        .orderBy('n.code')
        .execute();
    // The first consumer's last acknowledgement may trail its last commit by a moment.
    const lagging = await w.until('only the slow consumer to have open deliveries', async () => {
      const r = (await open()).map((x) => [x.code, Number(x.open)]);
      return r.length === 1 ? r : null;
    });
    expect(lagging).toEqual([['hgt-approval-01', ROWS / BATCH]]);
    // Nothing reached the locked table (read inside the lock holder's own transaction).
    expect((await locker.query('SELECT count(*)::int AS n FROM enterprise_copy')).rows[0].n).toBe(0);
    await locker.query('ROLLBACK');
    await locker.end();

    await w.until('the freed consumer to catch up', secondEqual, 90_000);
    for (const p of [s, a, b]) p.child.kill('SIGTERM');
    for (const p of [s, a, b]) expect((await p.done).code).toBe(0);
  }, 200_000);

  it('an offline consumer (kill -9 mid-transfer) does not hold the other back, and catches up when started', async () => {
    const s = w.agent(srcConf, 'run');
    const a = w.agent(dstConf, 'run');
    let b = w.agent(dst2Conf, 'run');
    await w.until('all agents up', async () => [s, a, b].every((p) => p.log().includes('agent starting')));
    await insertEnterprises(w.src, '9136011', ROWS);
    await w.until('the second consumer to start the increment', async () => (await rows(dst2)) > ROWS);
    b.child.kill('SIGKILL');
    expect((await b.done).signal).toBe('SIGKILL');
    const behind = await rows(dst2);

    await w.until('the first consumer to equal the source while the second is offline', firstEqual, 90_000);
    expect(await rows(dst2)).toBe(behind);
    expect(behind).toBeLessThan(2 * ROWS);

    b = w.agent(dst2Conf, 'run');
    await w.until('the restarted consumer to catch up', secondEqual, 90_000);
    expect(await digest(w.dst, DST_SUM)).toEqual(await digest(dst2, DST_SUM));
    // Each consumer applied every batch exactly once, under its own target.
    for (const c of [w.dst, dst2]) {
      const applied = (await c.query(`SELECT count(*)::int AS batches, sum(row_count)::int AS rows, count(DISTINCT target_id)::int AS targets FROM zt_exchange_applied`)).rows[0];
      expect(applied).toEqual({ batches: 2 * (ROWS / BATCH), rows: 2 * ROWS, targets: 1 });
    }
    for (const p of [s, a, b]) p.child.kill('SIGTERM');
    for (const p of [s, a, b]) expect((await p.done).code).toBe(0);
  }, 200_000);
});
