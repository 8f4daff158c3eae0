import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, auditEntries, type TestApp } from '../harness.ts';
import { NodeClient, exchangeCast, taskBody } from './helpers.ts';

/** R-EXC-5 warnings and the expiry policy, driven by the test clock through the watch job. */

let t: TestApp;
let cast: Awaited<ReturnType<typeof exchangeCast>>;
let src: NodeClient;
let dst: NodeClient;
let taskId: string;
const COLUMNS = ['uscc', 'name'];
const open = async (kind?: string) => (await cast.admin.get(`/api/exchange/warnings?status=open${kind ? `&kind=${kind}` : ''}`)).body.items as { kind: string; message: string; messageZh: string; taskId: string | null; nodeId: string | null }[];
const advance = (ms: number) => t.clock.set(new Date(t.clock.now().getTime() + ms));

beforeAll(async () => {
  t = await createTestApp({ env: { EXCHANGE_FAILURE_THRESHOLD: '2', EXCHANGE_LAG_WARN_SECONDS: '600', EXCHANGE_RETENTION_HOURS: '48' } });
  t.clock.set(new Date('2026-03-02T10:00:00+08:00'));
  cast = await exchangeCast(t);
  src = new NodeClient(t);
  dst = new NodeClient(t);
  await src.enrol(cast.source.token);
  await dst.enrol(cast.target.token);
  taskId = (await cast.provider.post('/api/exchange/tasks', taskBody(cast))).body.id;
});
afterAll(async () => t?.close());

async function relogin() {
  cast.admin = await t.login('nc_admin');
  cast.provider = await t.login('nc_officer');
}

describe('exchange watch', () => {
  it('warns about a silent node and resolves it when the node comes back', async () => {
    await src.heartbeat();
    await dst.heartbeat();
    advance(6 * 60_000);
    await src.heartbeat();
    expect(await t.app.watchNow()).toBe(1);
    await relogin();
    const w = await open('node_silent');
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ nodeId: dst.nodeId });
    expect(w[0].messageZh).toContain('无心跳');
    await dst.heartbeat();
    await t.app.watchNow();
    expect(await open('node_silent')).toHaveLength(0);
    expect((await auditEntries(t, 'exchange.warning.resolve')).length).toBe(1);
  });

  it('warns when a task fails K times and when batches wait too long', async () => {
    await src.upload(taskId, 1, 'a,b\n', { columns: COLUMNS });
    for (let i = 0; i < 2; i++) {
      const d = (await dst.call('GET', '/api/exchange/agent/deliveries?wait=0')).body.items[0];
      await dst.call('POST', `/api/exchange/agent/deliveries/${d.deliveryId}/fail`, { code: 'TARGET_APPLY_FAILED', message: 'deadlock detected', retryable: true });
      advance(60_000);
    }
    await t.app.watchNow();
    await relogin();
    const failing = await open('task_failing');
    expect(failing).toHaveLength(1);
    expect(failing[0].message).toContain('deadlock detected');
    advance(11 * 60_000);
    await src.heartbeat();
    await dst.heartbeat();
    await t.app.watchNow();
    await relogin();
    expect((await open('lag_high')).map((w) => w.taskId)).toEqual([taskId]);
  });

  it('warns a day before expiry, then expires the delivery for its target, audited', async () => {
    advance(25 * 3600_000);
    await t.app.watchNow();
    await relogin();
    expect(await open('expiry_pending')).toHaveLength(1);
    advance(24 * 3600_000);
    await t.app.watchNow();
    await relogin();
    expect(await open('expired')).toHaveLength(1);
    const d = await t.database.db.selectFrom('exchange.delivery').select('status').execute();
    expect(d.map((x) => x.status)).toEqual(['expired']);
    expect((await auditEntries(t, 'exchange.delivery.expire'))).toHaveLength(1);
    expect(await open('expiry_pending')).toHaveLength(0);
  });

  it('flags a full snapshot whose row count departs abnormally from the previous ones', async () => {
    let seq = 10;
    const snapshot = async (rows: number) => {
      const id = crypto.randomUUID();
      const csv = Array.from({ length: rows }, (_, i) => `k${i},v`).join('\n') + '\n';
      const res = await src.upload(taskId, seq++, csv, { columns: COLUMNS, snapshot: { id, part: 1, last: true } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    };
    await src.heartbeat();
    for (const n of [100, 104, 98]) await snapshot(n);
    await t.app.watchNow();
    await relogin();
    expect(await open('row_count_abnormal')).toHaveLength(0);
    await snapshot(20);
    await t.app.watchNow();
    await relogin();
    const w = await open('row_count_abnormal');
    expect(w).toHaveLength(1);
    expect(w[0].messageZh).toContain('数据量异常');
  });

  it('shows the figures on the overview and as metrics', async () => {
    const o = (await cast.admin.get('/api/exchange/overview')).body;
    expect(o.nodes.online + o.nodes.silent).toBe(2);
    expect(o.tasks.active).toBe(1);
    expect(o.openWarnings).toBeGreaterThan(0);
    const metrics = await t.app.http.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('zhengtong_exchange_warnings_open{kind="row_count_abnormal"} 1');
  });
});

describe('the batch store', () => {
  it('sweeps bodies a killed process left half-received, but not one still streaming', async () => {
    const { mkdirSync, writeFileSync, utimesSync, existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const tmp = join(t.keyDir, 'exchange', 'tmp');
    mkdirSync(tmp, { recursive: true });
    writeFileSync(join(tmp, 'stale'), 'half a batch');
    utimesSync(join(tmp, 'stale'), new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
    writeFileSync(join(tmp, 'streaming'), 'still arriving');
    await t.app.watchNow();
    expect(existsSync(join(tmp, 'stale'))).toBe(false);
    expect(existsSync(join(tmp, 'streaming'))).toBe(true);
  });
});
