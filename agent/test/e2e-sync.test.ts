// End to end: the exchange center (in this process, listening on a real port) and two agents as
// real child processes, PostgreSQL source and target databases. Full incremental sync, a change
// picked up while running, a target agent that was away catching up with `sync --once`, status.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { taskBody } from '../../server/test/exchange/helpers.ts';
import { digest, DST_SUM, insertEnterprises, SRC_SUM, World } from './e2e-helpers.ts';

const ROWS = 2500;
const w = new World();
let taskId: string;
let srcConf: string;
let dstConf: string;

beforeAll(async () => {
  await w.start();
  await insertEnterprises(w.src, '9136010', ROWS);
  srcConf = w.writeConfig('src', 'main', w.srcDb.url);
  dstConf = w.writeConfig('dst', 'warehouse', w.dstDb.url);
}, 180_000);
// A test that failed midway must not leave its agents holding the next test's state directory.
afterEach(() => w.killAgents());
afterAll(() => w.stop());

describe('exchange end to end with agent processes', () => {
  it('enrols both agents with their one-time tokens', async () => {
    const a = await w.agent(srcConf, 'enrol', '--center', w.centerUrl, '--token', w.cast.source.token).done;
    expect(a.code, a.err).toBe(0);
    expect(a.out).toMatch(/Enrolled as/);
    const b = await w.agent(dstConf, 'enrol', '--center', w.centerUrl, '--token', w.cast.target.token).done;
    expect(b.code, b.err).toBe(0);
    // The token is spent.
    const again = await w.agent(join(w.dir, 'nowhere.yaml'), 'enrol', '--center', w.centerUrl, '--token', w.cast.source.token).done;
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/EXCHANGE_ENROL_TOKEN_INVALID/);

    const res = await w.cast.provider.post('/api/exchange/tasks', taskBody(w.cast, { strategy: { batchSize: 1000, maxInFlight: 2 } }));
    expect(res.status, res.text).toBe(201);
    taskId = res.body.id;
  });

  it('moves every row from source to target and picks up changes while running', async () => {
    const s = w.agent(srcConf, 'run');
    const d = w.agent(dstConf, 'run');
    const want = await digest(w.src, SRC_SUM);
    await w.until('the full load at the target', async () => {
      const got = await digest(w.dst, DST_SUM);
      return got.n === want.n && got.h === want.h;
    }, 120_000);

    await w.src.query(`UPDATE enterprise SET ent_name = 'renamed', updated_at = clock_timestamp() WHERE uscc IN ('913601000000000007', '913601000000000008')`);
    await w.src.query(`INSERT INTO enterprise (uscc, ent_name) VALUES ('913601099999999999', 'new one')`);
    const want2 = await digest(w.src, SRC_SUM);
    await w.until('the changes at the target', async () => {
      const got = await digest(w.dst, DST_SUM);
      return got.n === want2.n && got.h === want2.h;
    });

    s.child.kill('SIGTERM');
    d.child.kill('SIGTERM');
    const [sd, dd] = await Promise.all([s.done, d.done]);
    expect(sd.code, sd.err).toBe(0);
    expect(dd.code, dd.err).toBe(0);
    expect(sd.err).toMatch(/batch uploaded/);
    expect(dd.err).toMatch(/batch applied/);

    const status = await w.agent(srcConf, 'status', '--json').done;
    expect(status.code, status.err).toBe(0);
    const report = JSON.parse(status.out);
    expect(report.center.reachable).toBe(true);
    expect(report.outbox.depth).toBe(0);
    const task = report.sources.find((x: { taskId: string }) => x.taskId === taskId);
    expect(task).toMatchObject({ status: 'active', outboxDepth: 0, lastError: null });
    expect(task.rowsSent).toBe(ROWS + 3);
    expect(JSON.parse(task.checkpoint)[1]).toBe('913601099999999999');
  }, 180_000);

  it('a target agent that was away catches up with sync --once', async () => {
    await insertEnterprises(w.src, '9136012', 1500);
    const up = await w.agent(srcConf, 'sync', '--task', taskId, '--once').done;
    expect(up.code, up.err).toBe(0);
    expect(up.out).toMatch(/1500 row\(s\) uploaded/);
    // stderr is not a terminal here: plain progress lines.
    expect(up.err).toMatch(/1,500\/1,500 rows {2}100\.0%/);

    const down = await w.agent(dstConf, 'sync', '--task', taskId, '--once').done;
    expect(down.code, down.err).toBe(0);
    expect(down.out).toMatch(/1500 row\(s\) applied/);
    expect(await digest(w.dst, DST_SUM)).toEqual(await digest(w.src, SRC_SUM));

    const table = await w.agent(dstConf, 'status').done;
    expect(table.code, table.err).toBe(0);
    expect(table.out).toMatch(/Target tasks/);
    expect(table.out).toMatch(/active\s+\d+\s+4,?003/);
    expect(table.out).toMatch(/reachable/);
  }, 180_000);

  it('a target agent killed with -9 while it holds deliveries gets them back at once when restarted, not after their lease', async () => {
    await insertEnterprises(w.src, '9136013', 3000);
    const up = await w.agent(srcConf, 'sync', '--task', taskId, '--once').done;
    expect(up.code, up.err).toBe(0);
    // The target's table is locked, so the agent holds its deliveries (the one applying and the
    // next one) when it is killed. Their leases last the default 5 minutes.
    const locker = new pg.Client({ connectionString: w.dstDb.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE enterprise_copy IN ACCESS EXCLUSIVE MODE');
    const leased = async () =>
      (await w.t.database.db.selectFrom('exchange.delivery').select('id').where('task_id', '=', taskId).where('status', '=', 'delivering').execute()).length;
    let d = w.agent(dstConf, 'run');
    await w.until('the target agent to hold two deliveries', async () => (await leased()) === 2);
    d.child.kill('SIGKILL');
    expect((await d.done).signal).toBe('SIGKILL');
    await locker.query('ROLLBACK');
    await locker.end();

    d = w.agent(dstConf, 'run');
    await w.until('the target to equal the source', async () => {
      const [got, want] = [await digest(w.dst, DST_SUM), await digest(w.src, SRC_SUM)];
      return got.n === want.n && got.h === want.h;
    }, 60_000);
    d.child.kill('SIGTERM');
    const done = await d.done;
    expect(done.code, done.err).toBe(0);
    expect(done.err).toMatch(/deliveries held by an earlier run handed back released=2/);
  }, 180_000);

  it('a task paused in the console reaches the running source agent at once, not at its next heartbeat (60 s here)', async () => {
    const slowConf = join(w.dir, 'src-slow.yaml');
    writeFileSync(slowConf, readFileSync(srcConf, 'utf8').replace('heartbeatSeconds: 1', 'heartbeatSeconds: 60'));
    const s = w.agent(slowConf, 'run');
    await w.until('the agent running', async () => /agent starting/.test(s.log()));
    await new Promise((r) => setTimeout(r, 1000)); // its configuration watch is waiting now
    expect((await w.cast.provider.post(`/api/exchange/tasks/${taskId}/pause`, { reasons: '源库维护' })).status).toBe(200);
    await w.until('the pause at the agent', async () => /task status changed .*status=paused/.test(s.log()), 15_000);
    expect((await w.cast.provider.post(`/api/exchange/tasks/${taskId}/resume`, {})).status).toBe(200);
    await w.until('the resume at the agent', async () => /task status changed .*status=active/.test(s.log()), 15_000);
    s.child.kill('SIGTERM');
    expect((await s.done).code).toBe(0);
  }, 180_000);
});

