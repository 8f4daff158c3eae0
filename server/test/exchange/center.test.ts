import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, auditEntries, type TestApp } from '../harness.ts';
import { NodeClient, PURPOSE, exchangeCast, taskBody } from './helpers.ts';
import { entryContent } from '../catalog/helpers.ts';
import { signRequest } from '../../src/kernel/crypto/index.ts';

/** The exchange center end to end through its HTTP API: nodes, tasks, batches, deliveries. */

let t: TestApp;
let cast: Awaited<ReturnType<typeof exchangeCast>>;
let src: NodeClient;
let dst: NodeClient;
let taskId: string;
const COLUMNS = ['uscc', 'name'];

beforeAll(async () => {
  t = await createTestApp({ env: { EXCHANGE_MAX_QUEUED_BATCHES: '3' } });
  t.clock.set(new Date('2026-03-02T10:00:00+08:00'));
  cast = await exchangeCast(t);
  src = new NodeClient(t);
  dst = new NodeClient(t);
});
afterAll(async () => t?.close());

describe('nodes', () => {
  it('enrols with the one-time token, which then stops working', async () => {
    const res = await src.enrol(cast.source.token);
    expect(res.body).toMatchObject({ nodeCode: 'nc-amr-01', clientId: 'node-nc-amr-01' });
    const again = await t.anonymous().post('/api/exchange/enrol', { token: cast.source.token, publicKey: src.keys.publicKeyPem, agentVersion: '1', hostname: 'x' });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('EXCHANGE_ENROL_TOKEN_INVALID');
    await dst.enrol(cast.target.token);
    expect((await auditEntries(t, 'exchange.node.enrol')).filter((e) => e.outcome === 'success')).toHaveLength(2);
  });

  it('shows heartbeat, agent version and queue depth', async () => {
    const hb = await src.heartbeat({ queueDepth: 7, lagSeconds: 3 });
    expect(hb.status).toBe(200);
    expect(hb.body.node.code).toBe('nc-amr-01');
    const node = await cast.admin.get(`/api/exchange/nodes/${src.nodeId}`);
    expect(node.body).toMatchObject({ status: 'active', health: 'online', agentVersion: '0.1.0-test', queueDepth: 7, lagSeconds: 3 });
  });

  it('keeps other departments out of a node', async () => {
    const other = await t.login('sr_admin');
    expect((await other.get(`/api/exchange/nodes/${src.nodeId}`)).status).toBe(403);
    const list = await other.get('/api/exchange/nodes');
    expect(list.body.items.map((n: { code: string }) => n.code)).not.toContain('nc-amr-01');
  });

  it("shows a provider the consumer's nodes for a grant it configures a task under, and only then", async () => {
    const res = await cast.provider.get(`/api/exchange/nodes?grantId=${cast.grantId}`);
    expect(res.body.items.map((n: { code: string }) => n.code)).toEqual(['nc-approval-01']);
    expect((await cast.provider.get('/api/exchange/nodes')).body.items.map((n: { code: string }) => n.code)).toEqual(['nc-amr-01']);
    expect((await (await t.login('sr_admin')).get(`/api/exchange/nodes?grantId=${cast.grantId}`)).status).toBe(403);
  });

  it('refuses a user calling the agent API', async () => {
    const res = await cast.provider.post('/api/exchange/agent/heartbeat', { agentVersion: '1', hostname: 'x', queueDepth: 0, lagSeconds: 0, tasks: [] });
    expect(res.status).toBe(403);
  });
});

describe('tasks', () => {
  it('refuses fields the grant does not cover and a target outside the grant', async () => {
    const res = await cast.provider.post('/api/exchange/tasks', taskBody(cast, { fields: [{ field: 'uscc' }, { field: 'legal_rep_id' }] }));
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('/body/targets/0/grantId');
    const wrongNode = await cast.provider.post('/api/exchange/tasks', taskBody(cast, { targets: [{ nodeId: cast.source.id, grantId: cast.grantId, connection: 'w', table: 't', mode: 'append' }] }));
    expect(wrongNode.status).toBe(422);
    expect(wrongNode.body.errors.map((e: { field: string }) => e.field)).toContain('/body/targets/0/nodeId');
  });

  it('refuses unknown catalog fields and a bad cron', async () => {
    const res = await cast.provider.post('/api/exchange/tasks', taskBody(cast, { fields: [{ field: 'nope' }], schedule: { kind: 'cron', expression: 'not a cron' } }));
    expect(res.status).toBe(422);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toContain('/body/fields/0/field');
    expect(fields).toContain('/body/schedule/expression');
  });

  it('creates a task; the source agent receives it, the target agent its target', async () => {
    const res = await cast.provider.post('/api/exchange/tasks', taskBody(cast, { strategy: { batchSize: 5000 } }));
    expect(res.status).toBe(201);
    taskId = res.body.id;
    expect(res.body.targets[0]).toMatchObject({ purpose: PURPOSE, keyColumns: ['uscc'], columnMap: { uscc: 'uscc', name: 'name' } });
    const srcConf = (await src.heartbeat()).body;
    expect(srcConf.sources[0]).toMatchObject({ taskId, status: 'active', fields: [{ field: 'uscc', column: 'uscc' }, { field: 'name', column: 'ent_name' }], strategy: { batchSize: 5000, settleSeconds: 2 } });
    const dstConf = (await dst.heartbeat()).body;
    expect(dstConf.targets[0]).toMatchObject({ taskId, table: 'public.enterprise_copy', mode: 'upsert' });
    expect(dstConf.sources).toEqual([]);
  });

  it("keeps a foreign department out of the task, its batches, series and failures", async () => {
    const foreign = await t.login('sr_admin');
    expect((await foreign.get(`/api/exchange/tasks/${taskId}`)).status).toBe(404);
    expect((await foreign.get(`/api/exchange/tasks/${taskId}/batches`)).status).toBe(404);
    expect((await foreign.get(`/api/exchange/tasks/${taskId}/series`)).status).toBe(404);
    expect((await foreign.get('/api/exchange/tasks')).body.items).toEqual([]);
    expect((await foreign.get(`/api/exchange/deliveries?taskId=${taskId}`)).body.items).toEqual([]);
    expect((await foreign.post(`/api/exchange/tasks/${taskId}/pause`, {})).status).toBe(403);
  });

  it('lets the consumer see the task but not manage it', async () => {
    expect((await cast.consumer.get(`/api/exchange/tasks/${taskId}`)).body.viewer).toEqual({ manage: false });
    expect((await cast.consumer.post(`/api/exchange/tasks/${taskId}/pause`, {})).status).toBe(403);
    expect((await cast.consumer.patch(`/api/exchange/tasks/${taskId}`, { strategy: { batchSize: 1 } })).status).toBe(403);
    expect((await (await t.login('sr_admin')).patch(`/api/exchange/tasks/${taskId}`, { strategy: { batchSize: 1 } })).status).toBe(403);
  });

  it('changes the schedule and strategy of a task, audited; the source agent gets them with its next heartbeat', async () => {
    const bad = await cast.provider.patch(`/api/exchange/tasks/${taskId}`, { schedule: { kind: 'cron', expression: 'not a cron' }, strategy: { window: { from: '25:00', to: '06:00' } } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['/body/schedule/expression', '/body/strategy/window/from']);
    expect((await cast.provider.patch(`/api/exchange/tasks/${taskId}`, {})).status).toBe(400);
    expect((await cast.provider.patch(`/api/exchange/tasks/${taskId}`, { source: { table: 'x' } })).status).toBe(400);

    const res = await cast.provider.patch(`/api/exchange/tasks/${taskId}`, { schedule: { kind: 'interval', seconds: 600 }, strategy: { batchSize: 2000, window: { from: '22:00', to: '06:00' } } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ schedule: { kind: 'interval', seconds: 600 }, strategy: { batchSize: 2000, priority: 5, window: { from: '22:00', to: '06:00' } } });
    const entry = (await auditEntries(t, 'exchange.task.update')).at(-1)!;
    expect(entry.summary).toMatchObject({ before: { strategy: { batchSize: 5000, window: null } }, after: { schedule: { kind: 'interval', seconds: 600 } } });
    expect(entry.summary).not.toHaveProperty('before.name');
    const conf = (await src.heartbeat()).body;
    expect(conf.sources[0]).toMatchObject({ taskId, schedule: { kind: 'interval', seconds: 600 }, strategy: { batchSize: 2000 } });

    // The same values again change nothing and write no audit entry; then back as it was.
    const count = (await auditEntries(t, 'exchange.task.update')).length;
    expect((await cast.provider.patch(`/api/exchange/tasks/${taskId}`, { strategy: { batchSize: 2000 } })).status).toBe(200);
    expect(await auditEntries(t, 'exchange.task.update')).toHaveLength(count);
    const back = await cast.provider.patch(`/api/exchange/tasks/${taskId}`, { schedule: { kind: 'continuous', pollSeconds: 1 }, strategy: { batchSize: 5000, window: null } });
    expect(back.status).toBe(200);
  });

  it('sets the settle window (0–600 s; 2 by default, also for a task stored before the setting existed)', async () => {
    expect((await cast.provider.patch(`/api/exchange/tasks/${taskId}`, { strategy: { settleSeconds: 601 } })).status).toBe(400);
    expect((await cast.provider.patch(`/api/exchange/tasks/${taskId}`, { strategy: { settleSeconds: 1.5 } })).status).toBe(400);
    const off = await cast.provider.patch(`/api/exchange/tasks/${taskId}`, { strategy: { settleSeconds: 0 } });
    expect(off.body.strategy).toMatchObject({ batchSize: 5000, settleSeconds: 0 });
    expect((await auditEntries(t, 'exchange.task.update')).at(-1)!.summary).toMatchObject({ before: { strategy: { settleSeconds: 2 } }, after: { strategy: { settleSeconds: 0 } } });
    expect((await src.heartbeat()).body.sources[0].strategy).toMatchObject({ settleSeconds: 0 });
    // A strategy stored before settleSeconds existed reads with the default.
    await t.database.db.updateTable('exchange.task').set({ strategy: JSON.stringify({ batchSize: 5000, priority: 5, maxInFlight: 4, window: null }) }).where('id', '=', taskId).execute();
    expect((await cast.provider.get(`/api/exchange/tasks/${taskId}`)).body.strategy).toEqual({ batchSize: 5000, priority: 5, maxInFlight: 4, window: null, settleSeconds: 2 });
    expect((await src.heartbeat()).body.sources[0].strategy.settleSeconds).toBe(2);
  });

  it("answers an agent's configuration long poll as soon as its node's tasks change", async () => {
    const first = await src.call('GET', '/api/exchange/agent/config/changes?wait=0');
    expect(first.body).toMatchObject({ changed: true, version: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const v = first.body.version;
    expect((await src.call('GET', `/api/exchange/agent/config/changes?wait=0&version=${v}`)).body).toEqual({ version: v, changed: false });
    expect((await src.call('GET', '/api/exchange/agent/config/changes?wait=0&version=nope')).status).toBe(400);

    const waiting = src.call('GET', `/api/exchange/agent/config/changes?wait=20&version=${v}`);
    await new Promise((r) => setTimeout(r, 200));
    expect((await cast.provider.post(`/api/exchange/tasks/${taskId}/pause`, { reasons: '维护' })).status).toBe(200);
    const changed = await waiting;
    expect(changed.body.changed).toBe(true);
    expect(changed.body.version).not.toBe(v);
    expect((await cast.provider.post(`/api/exchange/tasks/${taskId}/resume`, {})).status).toBe(200);
    expect((await src.call('GET', `/api/exchange/agent/config/changes?wait=0&version=${v}`)).body).toEqual({ version: v, changed: false });
  });
});

describe('files (unstructured data)', () => {
  it('moves files whole, only under a grant of the whole resource', async () => {
    const files = { kind: 'files', connection: 'scans', table: null, query: null, keyColumns: [], incremental: null };
    const target = { nodeId: cast.target.id, grantId: cast.grantId, connection: 'inbox', mode: 'append' };
    const partial = await cast.provider.post('/api/exchange/tasks', taskBody(cast, { name: '营业执照扫描件', source: files, fields: [], targets: [target] }));
    expect(partial.status).toBe(422);
    expect(partial.body.errors.map((e: { field: string }) => e.field)).toEqual(['/body/targets/0/grantId']);
    // A resource of scanned files, all unconditional, which the consumer takes whole.
    const content = entryContent({ name: '营业执照扫描件', format: { kind: 'file', detail: 'PDF' }, fields: [{ name: '统一社会信用代码', englishName: 'uscc', dataType: 'string', personal: false, sensitive: false }] });
    const created = await cast.provider.post('/api/catalog/resources', { content });
    await cast.provider.post(`/api/catalog/resources/${created.body.id}/submit`);
    expect((await cast.authority.post(`/api/catalog/resources/${created.body.id}/review`, { decision: 'approve' })).status).toBe(200);
    const whole = await cast.consumer.post('/api/sharing/grants', { resourceId: created.body.id, purpose: '核验营业执照原件扫描件' });
    expect(whole.status, whole.text).toBe(201);
    const res = await cast.provider.post('/api/exchange/tasks', taskBody(cast, { name: '营业执照扫描件', resourceId: created.body.id, source: files, fields: [], targets: [{ ...target, grantId: whole.body.id }] }));
    expect(res.status, res.text).toBe(201);
    const pdf = '%PDF-1.7 营业执照 …';
    const up = await src.upload(res.body.id, 1, pdf, { columns: [], file: { name: 'licence-0001.pdf', contentType: 'application/pdf' } });
    expect(up.status).toBe(201);
    const rows = await src.upload(res.body.id, 2, 'a,b\n', { columns: COLUMNS });
    expect(rows.status).toBe(422);
    const sneaky = await src.upload(res.body.id, 3, 'x', { columns: [], file: { name: '../etc/passwd', contentType: 'text/plain' } });
    expect(sneaky.status).toBe(422);
    const d = (await dst.call('GET', '/api/exchange/agent/deliveries?wait=0')).body.items.find((x: { taskId: string }) => x.taskId === res.body.id);
    expect(d.manifest.file).toEqual({ name: 'licence-0001.pdf', contentType: 'application/pdf' });
    expect((await dst.call('GET', `/api/exchange/agent/batches/${d.batchId}/body`)).text).toBe(pdf);
    await dst.call('POST', `/api/exchange/agent/deliveries/${d.deliveryId}/ack`, { appliedRows: 1, alreadyApplied: false });
    await cast.provider.post(`/api/exchange/tasks/${res.body.id}/stop`, { reasons: '测试结束' });
  });
});

describe('batches and deliveries', () => {
  let first: Awaited<ReturnType<NodeClient['upload']>>;

  it('stores a signed batch once and routes it to the target with provenance', async () => {
    first = await src.upload(taskId, 1, '91360100MA35XXXX01,甲公司\n91360100MA35XXXX02,乙公司\n', { columns: COLUMNS });
    expect(first.status).toBe(201);
    expect(first.body.deliveries).toBe(1);
    const again = await src.upload(taskId, 1, '91360100MA35XXXX01,甲公司\n91360100MA35XXXX02,乙公司\n', { columns: COLUMNS, batchId: first.manifest.batchId });
    expect(again.status).toBe(200);
    expect(await t.database.db.selectFrom('exchange.batch').select('id').where('task_id', '=', taskId).execute()).toHaveLength(1);
    const route = (await auditEntries(t, 'exchange.batch.route')).at(-1)!;
    expect(JSON.stringify(route.summary)).toContain(PURPOSE);
  });

  it('refuses a body that does not match its checksum, and a forged manifest signature', async () => {
    const tampered = await src.upload(taskId, 2, 'a,b\n', { columns: COLUMNS, tamper: 'x,y\n' });
    expect(tampered.status).toBe(422);
    expect(tampered.body.code).toBe('EXCHANGE_BATCH_INVALID');
    const forged = await src.upload(taskId, 2, 'a,b\n', { columns: COLUMNS, badSignature: true });
    expect(forged.status).toBe(422);
    const wrongColumns = await src.upload(taskId, 2, 'a,b\n', { columns: ['uscc', 'legal_rep_id'] });
    expect(wrongColumns.status).toBe(422);
    expect(await t.database.db.selectFrom('exchange.batch').select('id').where('task_id', '=', taskId).execute()).toHaveLength(1);
  });

  it('hands the target its delivery, the body and accepts the acknowledgement', async () => {
    const polled = await dst.call('GET', '/api/exchange/agent/deliveries?wait=0');
    expect(polled.body.items).toHaveLength(1);
    const d = polled.body.items[0];
    expect(d.manifest.sm3).toBe(first.manifest.sm3);
    expect(d.sourcePublicKey).toContain('BEGIN PUBLIC KEY');
    const body = await dst.call('GET', `/api/exchange/agent/batches/${d.batchId}/body`);
    expect(body.text).toBe('91360100MA35XXXX01,甲公司\n91360100MA35XXXX02,乙公司\n');
    // The source node has no delivery of it.
    expect((await src.call('GET', `/api/exchange/agent/batches/${d.batchId}/body`)).status).toBe(404);
    expect((await dst.call('POST', `/api/exchange/agent/deliveries/${d.deliveryId}/ack`, { appliedRows: 2, alreadyApplied: false })).status).toBe(204);
    expect((await dst.call('POST', `/api/exchange/agent/deliveries/${d.deliveryId}/ack`, { appliedRows: 2, alreadyApplied: true })).status).toBe(204);
    const prov = await cast.provider.get(`/api/exchange/batches/${d.batchId}/provenance`);
    expect(prov.body.items.map((p: { hop: string }) => p.hop)).toEqual(['extracted', 'uploaded', 'routed', 'delivered', 'applied']);
    const applied = (await auditEntries(t, 'exchange.delivery.apply')).filter((e) => e.outcome === 'success' && JSON.stringify(e.summary).includes(taskId));
    expect(applied).toHaveLength(1);
    expect(JSON.stringify(applied[0].summary)).toContain(PURPOSE);
  });

  it('delivers per target in order, one at a time; a failure holds the target until retried', async () => {
    const b2 = await src.upload(taskId, 2, 'k2,v\n', { columns: COLUMNS });
    const b3 = await src.upload(taskId, 3, 'k3,v\n', { columns: COLUMNS });
    expect([b2.status, b3.status]).toEqual([201, 201]);
    const p1 = await dst.call('GET', '/api/exchange/agent/deliveries?wait=0');
    expect(p1.body.items.map((d: { seq: number }) => d.seq)).toEqual([2]);
    expect((await dst.call('GET', '/api/exchange/agent/deliveries?wait=0')).body.items).toEqual([]);
    const id2 = p1.body.items[0].deliveryId;
    await dst.call('POST', `/api/exchange/agent/deliveries/${id2}/fail`, { code: 'TARGET_COLUMN_MISSING', message: 'column "name" does not exist', retryable: false });
    expect((await dst.call('GET', '/api/exchange/agent/deliveries?wait=0')).body.items).toEqual([]);
    const failures = await cast.provider.get(`/api/exchange/deliveries?status=failed&taskId=${taskId}`);
    expect(failures.body.items[0]).toMatchObject({ id: id2, errorCode: 'TARGET_COLUMN_MISSING', seq: 2 });
    // The consumer fixes its own target and may retry; a department outside the task may not.
    expect((await (await t.login('sr_admin')).post(`/api/exchange/deliveries/${id2}/retry`)).status).toBe(403);
    expect((await cast.consumer.post(`/api/exchange/deliveries/${id2}/retry`)).status).toBe(204);
    const p2 = await dst.call('GET', '/api/exchange/agent/deliveries?wait=0');
    expect(p2.body.items.map((d: { seq: number }) => d.seq)).toEqual([2]);
    await dst.call('POST', `/api/exchange/agent/deliveries/${id2}/ack`, { appliedRows: 1, alreadyApplied: false });
    const p3 = await dst.call('GET', '/api/exchange/agent/deliveries?wait=0');
    expect(p3.body.items.map((d: { seq: number }) => d.seq)).toEqual([3]);
    await dst.call('POST', `/api/exchange/agent/deliveries/${p3.body.items[0].deliveryId}/ack`, { appliedRows: 1, alreadyApplied: false });
  });

  it('hands a delivery out again when its lease runs out (a crashed agent)', async () => {
    await src.upload(taskId, 4, 'k4,v\n', { columns: COLUMNS });
    const p = await dst.call('GET', '/api/exchange/agent/deliveries?wait=0');
    expect(p.body.items).toHaveLength(1);
    expect((await dst.call('GET', '/api/exchange/agent/deliveries?wait=0')).body.items).toEqual([]);
    t.clock.set(new Date(t.clock.now().getTime() + 301_000));
    const again = await dst.call('GET', '/api/exchange/agent/deliveries?wait=0');
    expect(again.body.items.map((d: { deliveryId: string }) => d.deliveryId)).toEqual([p.body.items[0].deliveryId]);
    await dst.call('POST', `/api/exchange/agent/deliveries/${p.body.items[0].deliveryId}/ack`, { appliedRows: 1, alreadyApplied: true });
  });

  it('leases nothing to an agent that went away in the middle of its long poll', async () => {
    await t.app.http.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.http.server.address() as { port: number }).port;
    const url = '/api/exchange/agent/deliveries?wait=20';
    const headers = signRequest({ clientId: dst.clientId, privateKeyPem: dst.keys.privateKeyPem, method: 'GET', path: url, timestamp: t.clock.now().getTime() });
    const gone = new AbortController();
    const polling = fetch(`http://127.0.0.1:${port}${url}`, { headers, signal: gone.signal }).catch(() => null);
    await new Promise((r) => setTimeout(r, 300));
    gone.abort(); // the agent is killed while the center waits for a delivery
    await polling;
    await new Promise((r) => setTimeout(r, 300));
    await src.upload(taskId, 5, 'k5,v\n', { columns: COLUMNS });
    await new Promise((r) => setTimeout(r, 1500)); // past the center's next look at the table
    const row = await t.database.db.selectFrom('exchange.delivery').select('status').where('task_id', '=', taskId).where('seq', '=', '5').executeTakeFirstOrThrow();
    expect(row.status).toBe('queued');
    const next = await dst.call('GET', '/api/exchange/agent/deliveries?wait=0');
    expect(next.body.items.map((d: { seq: number }) => d.seq)).toEqual([5]);
    await dst.call('POST', `/api/exchange/agent/deliveries/${next.body.items[0].deliveryId}/ack`, { appliedRows: 1, alreadyApplied: false });
  });

  it('pushes back when the route is full, dropping nothing', async () => {
    await dst.heartbeat(); // the target is online, so its queue counts
    for (const seq of [6, 7, 8]) {
      const up = await src.upload(taskId, seq, `k${seq},v\n`, { columns: COLUMNS });
      expect(up.status, JSON.stringify(up.body)).toBe(201);
    }
    const full = await src.upload(taskId, 9, 'k9,v\n', { columns: COLUMNS });
    expect(full.status).toBe(429);
    expect(full.headers['retry-after']).toBe('5');
    expect(full.body.code).toBe('EXCHANGE_BACKPRESSURE');
  });

  it('stops the task at once when the grant is revoked, and says why', async () => {
    const revoked = await cast.provider.post(`/api/sharing/grants/${cast.grantId}/revoke`, { reasons: '核验事项已调整' });
    expect(revoked.status).toBe(200);
    const up = await src.upload(taskId, 10, 'k10,v\n', { columns: COLUMNS });
    expect(up.status).toBe(409);
    expect(up.body).toMatchObject({ code: 'EXCHANGE_TASK_STOPPED', statusCode: 'GRANT_REVOKED' });
    expect((await dst.call('GET', '/api/exchange/agent/deliveries?wait=0')).body.items).toEqual([]);
    const task = await cast.provider.get(`/api/exchange/tasks/${taskId}`);
    expect(task.body).toMatchObject({ status: 'stopped', statusCode: 'GRANT_REVOKED' });
    expect(task.body.targets[0]).toMatchObject({ status: 'stopped', statusCode: 'GRANT_REVOKED' });
    const conf = (await src.heartbeat()).body;
    expect(conf.sources[0]).toMatchObject({ status: 'stopped', statusCode: 'GRANT_REVOKED' });
    expect((await cast.provider.post(`/api/exchange/tasks/${taskId}/resume`, {})).status).toBe(409);
  });

  it('refuses a revoked node at once', async () => {
    const res = await cast.admin.post(`/api/exchange/nodes/${dst.nodeId}/revoke`, { reasons: '设备更换' });
    expect(res.body.status).toBe('revoked');
    const hb = await dst.heartbeat();
    expect(hb.status).toBe(401);
    expect(hb.body.code).toBe('AUTH_CLIENT_REVOKED');
  });

  it('draws the topology and a throughput series', async () => {
    const topo = await cast.provider.get('/api/exchange/topology');
    expect(topo.body.nodes.map((n: { code: string }) => n.code).sort()).toEqual(['nc-amr-01', 'nc-approval-01']);
    expect(topo.body.edges.find((e: { taskId: string }) => e.taskId === taskId), JSON.stringify(topo.body)).toMatchObject({ rows24h: 6 });
    const series = await cast.provider.get(`/api/exchange/tasks/${taskId}/series?hours=2`);
    expect(series.body.unit).toBe('minute');
    expect(series.body.points.reduce((n: number, p: { appliedRows: number }) => n + p.appliedRows, 0)).toBe(6);
  });
});
