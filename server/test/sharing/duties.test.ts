import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, departmentId, type Agent, type TestApp } from '../harness.ts';
import { ncReviewer } from '../catalog/helpers.ts';
import { auditSuccesses, conditionalShare, createConsumerOfficer, publish, loginCast } from './helpers.ts';

/** R-EXC-7: the sharing duty list; fulfilled / pending / overdue computed when read, from the grants. */

let t: TestApp;
let provider: Agent; // 南昌市市场监管局 data officer
let consumer: Agent; // 南昌市行政审批局 data officer
let reviewer: Agent; // 南昌市 sharing authority
let srAdmin: Agent; // 上饶市审批局: a foreign department
let unconditional: string;
let conditional: string;
let providerDept: string;
let consumerDept: string;
let fulfilledId: string;
let overdueId: string;

const PURPOSE = '企业设立登记时核验企业名称和统一社会信用代码';
async function at(iso: string) {
  t.clock.set(new Date(iso));
  ({ provider, consumer, reviewer, srAdmin } = await loginCast(t));
}
const duty = (overrides: Record<string, unknown> = {}) => ({
  providerDepartmentId: providerDept,
  resourceId: unconditional,
  consumerDepartmentId: consumerDept,
  description: '市场监管局向行政审批局共享企业登记基本信息，支撑“一件事一次办”',
  dueDate: '2025-11-28',
  ...overrides,
});
const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((r) => r.id);

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2025-11-03T10:00:00+08:00'));
  const admin = await t.login('admin');
  await ncReviewer(t, admin);
  await createConsumerOfficer(t, admin);
  await at('2025-11-03T10:00:00+08:00');
  unconditional = await publish(provider, reviewer);
  conditional = await publish(provider, reviewer, { name: '企业法定代表人信息', share: conditionalShare });
  providerDept = await departmentId(t, '南昌市市场监督管理局');
  consumerDept = await departmentId(t, '南昌市行政审批局');
});
afterAll(async () => t?.close());

describe('recording duties', () => {
  it('only the sharing authority over the provider records them; the resource must be the provider’s', async () => {
    expect((await provider.post('/api/sharing/duties', duty())).status).toBe(403);
    expect((await consumer.post('/api/sharing/duties', duty())).status).toBe(403);
    expect((await srAdmin.post('/api/sharing/duties', duty())).status).toBe(403);
    expect((await reviewer.post('/api/sharing/duties', duty({ consumerDepartmentId: providerDept }))).status).toBe(422);
    expect((await reviewer.post('/api/sharing/duties', duty({ dueDate: '2025-11-01' }))).status).toBe(422);
    expect((await reviewer.post('/api/sharing/duties', duty({ dueDate: '2025-02-30' }))).status).toBe(422);
    expect((await reviewer.post('/api/sharing/duties', duty({ resourceId: '00000000-0000-4000-8000-000000000000' }))).status).toBe(422);
    expect((await reviewer.post('/api/sharing/duties', duty({ description: ' ' }))).status).toBe(422);
    const res = await reviewer.post('/api/sharing/duties', duty());
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      status: 'pending',
      grantId: null,
      dueDate: '2025-11-28',
      providerDepartmentName: '南昌市市场监督管理局',
      consumerDepartmentName: '南昌市行政审批局',
      resourceId: unconditional,
    });
    fulfilledId = res.body.id;
    const other = await reviewer.post('/api/sharing/duties', duty({ resourceId: conditional, dueDate: '2025-11-05', description: '共享企业法定代表人信息' }));
    expect(other.status, other.text).toBe(201);
    overdueId = other.body.id;
    expect(await auditSuccesses(t, 'sharing.duty.create')).toHaveLength(2);
  });

  it('providers and consumers see theirs, the authority all in scope, a foreign department none', async () => {
    expect(ids(await provider.get('/api/sharing/duties?role=provider')).sort()).toEqual([fulfilledId, overdueId].sort());
    expect(ids(await consumer.get('/api/sharing/duties?role=consumer')).sort()).toEqual([fulfilledId, overdueId].sort());
    expect((await reviewer.get('/api/sharing/duties')).body.total).toBe(2);
    expect((await srAdmin.get('/api/sharing/duties')).body.total).toBe(0);
    expect((await srAdmin.get(`/api/sharing/duties/${fulfilledId}`)).status).toBe(403);
    expect((await reviewer.get('/api/sharing/duties/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('status, computed when read', () => {
  it('pending → fulfilled once a grant is in force, back to pending when it is revoked', async () => {
    const g = await consumer.post('/api/sharing/grants', { resourceId: unconditional, purpose: PURPOSE, fields: ['uscc', 'name'] });
    expect(g.status, g.text).toBe(201);
    const res = await consumer.get(`/api/sharing/duties/${fulfilledId}`);
    expect(res.body).toMatchObject({ status: 'fulfilled', grantId: g.body.id });
    expect(ids(await reviewer.get('/api/sharing/duties?status=fulfilled'))).toEqual([fulfilledId]);
    expect(ids(await reviewer.get('/api/sharing/duties?status=pending'))).toEqual([overdueId]);
    expect((await provider.post(`/api/sharing/grants/${g.body.id}/revoke`, { reasons: '测试撤销' })).status).toBe(200);
    expect((await reviewer.get(`/api/sharing/duties/${fulfilledId}`)).body).toMatchObject({ status: 'pending', grantId: null });
    const again = await consumer.post('/api/sharing/grants', { resourceId: unconditional, purpose: PURPOSE, fields: ['uscc'] });
    expect(again.status).toBe(201);
    expect((await reviewer.get(`/api/sharing/duties/${fulfilledId}`)).body.status).toBe('fulfilled');
  });

  it('pending → overdue once the clock passes the due date without a grant', async () => {
    await at('2025-11-05T23:59:00+08:00');
    expect((await reviewer.get(`/api/sharing/duties/${overdueId}`)).body.status).toBe('pending');
    await at('2025-11-06T00:00:01+08:00');
    expect((await reviewer.get(`/api/sharing/duties/${overdueId}`)).body.status).toBe('overdue');
    const overdue = await reviewer.get('/api/sharing/duties?status=overdue');
    expect(ids(overdue)).toEqual([overdueId]);
    expect((await provider.get('/api/sharing/duties?status=overdue')).body.items[0]).toMatchObject({ id: overdueId, status: 'overdue', dueDate: '2025-11-05' });
    expect((await reviewer.get('/api/sharing/duties?status=fulfilled')).body.total).toBe(1);
  });
});

describe('closing', () => {
  it('by the authority only, with reasons, once', async () => {
    expect((await provider.post(`/api/sharing/duties/${overdueId}/close`, { reasons: '不想共享' })).status).toBe(403);
    expect((await reviewer.post(`/api/sharing/duties/${overdueId}/close`, {})).status).toBe(422);
    const res = await reviewer.post(`/api/sharing/duties/${overdueId}/close`, { reasons: '职能调整，该共享责任取消' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'closed', closedBy: expect.any(String), closeReasons: '职能调整，该共享责任取消' });
    expect((await reviewer.post(`/api/sharing/duties/${overdueId}/close`, { reasons: '再关' })).status).toBe(409);
    expect((await reviewer.get('/api/sharing/duties?status=overdue')).body.total).toBe(0);
    expect(ids(await reviewer.get('/api/sharing/duties?status=closed'))).toEqual([overdueId]);
    expect(await auditSuccesses(t, 'sharing.duty.close')).toHaveLength(1);
  });
});
