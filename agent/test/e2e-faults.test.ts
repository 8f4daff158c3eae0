// Faults with real processes: kill -9 of the source and the target agent mid-transfer, the center
// unreachable for a while, a revoked grant and a revoked node credential. The target must equal
// the source (row count and a checksum over all rows) with nothing lost and nothing twice.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { taskBody } from '../../server/test/exchange/helpers.ts';
import { digest, DST_SUM, insertEnterprises, Relay, SRC_SUM, World } from './e2e-helpers.ts';

const w = new World();
let relay: Relay;
let taskId: string;
let srcConf: string;
let dstConf: string;

const converged = async () => {
  const want = await digest(w.src, SRC_SUM);
  const got = await digest(w.dst, DST_SUM);
  return got.n === want.n && got.h === want.h ? got : null;
};
const targetRows = async () => (await digest(w.dst, DST_SUM)).n;

beforeAll(async () => {
  // A short lease, so a delivery held by a killed target agent is handed out again within the test.
  await w.start({ EXCHANGE_LEASE_SECONDS: '4' });
  relay = new Relay(Number(new URL(w.centerUrl).port));
  await relay.up();
  // The source agent reaches the center only through the relay, so the test can cut it off.
  srcConf = w.writeConfig('src', 'main', w.srcDb.url, `http://127.0.0.1:${relay.port}`);
  dstConf = w.writeConfig('dst', 'warehouse', w.dstDb.url);
  expect((await w.agent(srcConf, 'enrol', '--center', `http://127.0.0.1:${relay.port}`, '--token', w.cast.source.token).done).code).toBe(0);
  expect((await w.agent(dstConf, 'enrol', '--center', w.centerUrl, '--token', w.cast.target.token).done).code).toBe(0);
  const res = await w.cast.provider.post('/api/exchange/tasks', taskBody(w.cast, { strategy: { batchSize: 300, maxInFlight: 3 } }));
  expect(res.status, res.text).toBe(201);
  taskId = res.body.id;
}, 180_000);
// A test that failed midway must not leave the relay down or its agents holding the next test's state.
afterEach(async () => {
  await relay?.up();
  await w.killAgents();
});
afterAll(async () => {
  await relay?.down();
  await w.stop();
});

describe('faults with agent processes', () => {
  it('kill -9 of the source agent mid-transfer: the restarted agent resumes from its checkpoint', async () => {
    await insertEnterprises(w.src, '9136010', 9000);
    const d = w.agent(dstConf, 'run');
    let s = w.agent(srcConf, 'run');
    await w.until('the first rows at the target', async () => (await targetRows()) > 0);
    s.child.kill('SIGKILL');
    expect((await s.done).signal).toBe('SIGKILL');
    s = w.agent(srcConf, 'run');
    await w.until('the target to equal the source', converged, 90_000);

    // kill -9 of the target agent mid-transfer: re-delivery is applied once.
    await insertEnterprises(w.src, '9136011', 9000);
    const before = await targetRows();
    await w.until('the target to start the second load', async () => (await targetRows()) > before);
    d.child.kill('SIGKILL');
    await d.done;
    const d2 = w.agent(dstConf, 'run');
    await w.until('the target to equal the source again', converged, 120_000);
    s.child.kill('SIGTERM');
    d2.child.kill('SIGTERM');
    expect((await s.done).code).toBe(0);
    expect((await d2.done).code).toBe(0);
  }, 240_000);

  it('the center unreachable for a while: batches wait in the outbox and go when it is back', async () => {
    const d = w.agent(dstConf, 'run');
    const s = w.agent(srcConf, 'run');
    await w.until('the source agent to say it is running', async () => s.log().includes('agent starting'));
    await relay.down();
    await insertEnterprises(w.src, '9136012', 1200);
    const stateDir = join(w.dir, 'src-state');
    // While `run` holds the state, `status` shows the report it writes after each heartbeat.
    const report = await w.until('the outbox to fill while the center is away', async () => {
      try {
        const r = JSON.parse(readFileSync(join(stateDir, 'status.json'), 'utf8'));
        return r.center.reachable === false && r.outbox.depth > 0 ? r : null;
      } catch {
        return null;
      }
    });
    expect(report.outbox.depth).toBeLessThanOrEqual(3); // maxInFlight
    const st = await w.agent(srcConf, 'status').done;
    expect(st.code, st.err).toBe(0);
    expect(st.out).toMatch(/UNREACHABLE/);
    expect(st.out).toMatch(new RegExp(`running \\(pid ${s.child.pid}\\)`));

    await relay.up();
    await w.until('the target to equal the source after the outage', converged, 120_000);
    expect(s.log()).toMatch(/center reachable again/);
    s.child.kill('SIGTERM');
    d.child.kill('SIGTERM');
    expect((await s.done).code).toBe(0);
    expect((await d.done).code).toBe(0);
  }, 180_000);

  it('a revoked grant stops the task and the agent shows why; a revoked node stops the agent', async () => {
    const s = w.agent(srcConf, 'run');
    await w.until('the source agent to be up', async () => s.log().includes('agent starting'));
    const revoked = await w.cast.provider.post(`/api/sharing/grants/${w.cast.grantId}/revoke`, { reasons: '核验事项已调整' });
    expect(revoked.status, revoked.text).toBe(200);
    await insertEnterprises(w.src, '9136013', 10);
    await w.until('the agent to see the task stopped', async () => /(task status changed|task not active).*status=stopped.*grant was revoked/.test(s.log()), 20_000);
    s.child.kill('SIGTERM');
    expect((await s.done).code).toBe(0);
    const st = await w.agent(srcConf, 'status', '--json').done;
    const task = JSON.parse(st.out).sources.find((x: { taskId: string }) => x.taskId === taskId);
    expect(task.status).toBe('stopped');
    expect(task.statusReason).toMatch(/^GRANT_REVOKED: /);

    const node = await w.cast.admin.post(`/api/exchange/nodes/${w.cast.source.id}/revoke`, { reasons: '设备更换' });
    expect(node.status, node.text).toBe(200);
    const again = await w.agent(srcConf, 'run').done;
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/node credential revoked — re-enrol with a new token/);
    const after = await w.agent(srcConf, 'status').done;
    expect(after.out).toMatch(/STOPPED\s+node credential revoked/);
  }, 120_000);
});
