import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createTestApp, auditEntries, type TestApp } from '../harness.ts';
import { NodeClient, PURPOSE, exchangeCast, registerNode } from './helpers.ts';
import { departmentId } from '../harness.ts';

/** Publish/subscribe: topics on a published resource, granted fields only, order, durability, replay. */

let t: TestApp;
let cast: Awaited<ReturnType<typeof exchangeCast>>;
let pub: NodeClient;
let sub: NodeClient;
let topicId: string;
let subId: string;

const publish = (events: unknown[]) => pub.call('POST', '/api/exchange/agent/topics/enterprise.changed/events', { events });
const fetch = (id = subId, q = '') => sub.call('GET', `/api/exchange/agent/subscriptions/${id}/events?wait=0${q}`);

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-03-02T10:00:00+08:00'));
  cast = await exchangeCast(t);
  pub = new NodeClient(t);
  sub = new NodeClient(t);
  await pub.enrol(cast.source.token);
  await sub.enrol(cast.target.token);
});
afterAll(async () => t?.close());

describe('topics', () => {
  it('opens a topic on the published resource, with known fields only', async () => {
    const bad = await cast.provider.post('/api/exchange/topics', { code: 'enterprise.changed', name: '企业信息变更', resourceId: cast.resourceId, keyField: 'uscc', fields: ['uscc', 'nope'], eventTypes: ['address.changed'] });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe('/body/fields/1');
    const res = await cast.provider.post('/api/exchange/topics', { code: 'enterprise.changed', name: '企业信息变更', resourceId: cast.resourceId, keyField: 'uscc', fields: ['uscc', 'name', 'legal_rep_id'], eventTypes: ['licence.issued', 'address.changed'] });
    expect(res.status).toBe(201);
    topicId = res.body.id;
    expect((await cast.consumer.post('/api/exchange/topics', { code: 'x.y', name: 'x', resourceId: cast.resourceId, keyField: 'uscc', fields: ['uscc'], eventTypes: ['a.b'] })).status).toBe(403);
  });

  it('publishes events in order, idempotently, refusing unknown types and fields', async () => {
    const ids = [randomUUID(), randomUUID()];
    const first = await publish([
      { id: ids[0], key: 'K1', type: 'licence.issued', payload: { uscc: 'K1', name: '甲公司', legal_rep_id: '360102199001011234' } },
      { id: ids[1], key: 'K2', type: 'licence.issued', payload: { uscc: 'K2', name: '乙公司' } },
    ]);
    expect(first.body).toMatchObject({ accepted: 2, duplicates: 0, lastSeq: 2 });
    const again = await publish([{ id: ids[0], key: 'K1', type: 'licence.issued', payload: { uscc: 'K1', name: '甲公司' } }]);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1, lastSeq: 2 });
    const twice = randomUUID();
    const repeated = await publish([0, 1].map(() => ({ id: twice, key: 'K2', type: 'address.changed', payload: { uscc: 'K2', name: '乙公司' } })));
    expect(repeated.body).toMatchObject({ accepted: 1, duplicates: 1, lastSeq: 3 });
    const bad = await publish([{ key: 'K3', type: 'closed', payload: { secret: 1 } }]);
    expect(bad.status).toBe(422);
    const fields = bad.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(['/body/events/0/type', '/body/events/0/payload/secret']);
    expect((await sub.call('POST', '/api/exchange/agent/topics/enterprise.changed/events', { events: [{ key: 'K9', type: 'licence.issued', payload: {} }] })).status).toBe(403);
  });

  it('subscribes under the grant, replays from the retention window, receives only granted fields', async () => {
    const res = await cast.consumer.post(`/api/exchange/topics/${topicId}/subscriptions`, { nodeId: sub.nodeId, grantId: cast.grantId, connection: 'warehouse', table: 'public.enterprise_events', mode: 'upsert', from: 'earliest' });
    expect(res.status).toBe(201);
    subId = res.body.id;
    expect(res.body).toMatchObject({ fields: ['uscc', 'name'], cursor: 0, backlog: 3, purpose: PURPOSE });
    const got = await fetch();
    expect(got.body.items.map((e: { seq: number; key: string }) => [e.seq, e.key])).toEqual([[1, 'K1'], [2, 'K2'], [3, 'K2']]);
    expect(got.body.items[0].payload).toEqual({ uscc: 'K1', name: '甲公司' }); // legal_rep_id is not granted
    const conf = (await sub.heartbeat()).body;
    expect(conf.subscriptions[0]).toMatchObject({ subscriptionId: subId, topicCode: 'enterprise.changed', keyField: 'uscc', fields: ['uscc', 'name'] });
    expect((await pub.heartbeat()).body.publications[0]).toMatchObject({ topicCode: 'enterprise.changed' });
  });

  it('keeps the cursor durably; a subscriber starting at latest sees only new events', async () => {
    expect((await sub.call('POST', `/api/exchange/agent/subscriptions/${subId}/ack`, { seq: 3 })).status).toBe(204);
    expect((await fetch()).body.items).toEqual([]);
    await publish([{ key: 'K1', type: 'address.changed', payload: { uscc: 'K1', name: '甲公司（新址）' } }]);
    expect((await fetch()).body.items.map((e: { seq: number }) => e.seq)).toEqual([4]);
    const admin = cast.admin;
    const node2 = await registerNode(admin, 'nc-approval-02', '审批局第二前置机', await departmentId(t, '南昌市行政审批局'));
    const late = new NodeClient(t);
    await late.enrol(node2.token);
    const s2 = await cast.consumer.post(`/api/exchange/topics/${topicId}/subscriptions`, { nodeId: late.nodeId, grantId: cast.grantId, connection: 'w', table: 'public.ev', mode: 'append', from: 'latest' });
    expect(s2.body.cursor).toBe(4);
    const rewound = await cast.consumer.post(`/api/exchange/subscriptions/${s2.body.id}/rewind`, { from: 'earliest' });
    expect(rewound.body.cursor).toBe(0);
    expect((await late.call('GET', `/api/exchange/agent/subscriptions/${s2.body.id}/events?wait=0`)).body.items).toHaveLength(4);
    const delivered = (await auditEntries(t, 'exchange.event.deliver')).filter((e) => e.outcome === 'success');
    expect(JSON.stringify(delivered[0].summary)).toContain(PURPOSE);
  });

  it('wakes a long-polling subscriber when an event is published', async () => {
    const pending = sub.call('GET', `/api/exchange/agent/subscriptions/${subId}/events?wait=10&after=4`);
    await new Promise((r) => setTimeout(r, 200));
    await publish([{ key: 'K2', type: 'address.changed', payload: { uscc: 'K2', name: '乙公司（新址）' } }]);
    const got = await pending;
    expect(got.body.items.map((e: { seq: number }) => e.seq)).toEqual([5]);
  });

  it("shows the subscriber agent's error at the center until the agent reports it gone; another node cannot set it", async () => {
    const hb = (extra: object, node = sub) => node.call('POST', '/api/exchange/agent/heartbeat', { agentVersion: '0.1.0-test', hostname: 'h', queueDepth: 0, lagSeconds: 0, tasks: [], ...extra });
    const error = 'TARGET_COLUMN_MISSING: column "name" of relation "ev" does not exist';
    expect((await hb({ subscriptions: [{ subscriptionId: subId, lastError: error }] })).status).toBe(200);
    const shown = async () => (await cast.consumer.get(`/api/exchange/subscriptions?topicId=${topicId}`)).body.items.find((x: { id: string }) => x.id === subId);
    expect(await shown()).toMatchObject({ agentError: error });
    const since = (await shown()).agentErrorAt;
    expect(since).not.toBeNull();
    // Reported again: the time it first appeared stays.
    t.clock.set(new Date(t.clock.now().getTime() + 60_000));
    await hb({ subscriptions: [{ subscriptionId: subId, lastError: error }] });
    expect((await shown()).agentErrorAt).toBe(since);
    await hb({ subscriptions: [{ subscriptionId: subId, lastError: null }] }, pub);
    expect(await shown()).toMatchObject({ agentError: error });
    await hb({ subscriptions: [{ subscriptionId: subId, lastError: null }] });
    expect(await shown()).toMatchObject({ agentError: null, agentErrorAt: null });
  });

  it('stops a subscription when its grant is revoked, and says why', async () => {
    await cast.provider.post(`/api/sharing/grants/${cast.grantId}/revoke`, { reasons: '用途变更' });
    const res = await fetch();
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'EXCHANGE_TASK_STOPPED', statusCode: 'GRANT_REVOKED' });
    const conf = (await sub.heartbeat()).body;
    expect(conf.subscriptions[0]).toMatchObject({ status: 'stopped', statusCode: 'GRANT_REVOKED' });
  });
});
