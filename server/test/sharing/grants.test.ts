import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, departmentId, type Agent, type TestApp } from '../harness.ts';
import { ncReviewer } from '../catalog/helpers.ts';
import { grantFor } from '../../src/modules/sharing/index.ts';
import { auditSuccesses, conditionalShare, createConsumerOfficer, notShared, publish, loginCast } from './helpers.ts';

/** R-SHR-1 unconditional grants, not-shared resources, grantFor, revocation and expiry. */

let t: TestApp;
let provider: Agent; // 南昌市市场监管局 data officer
let consumer: Agent; // 南昌市行政审批局 data officer
let reviewer: Agent; // 南昌市 sharing authority
let srAdmin: Agent; // 上饶市审批局: a foreign department
let unconditional: string; // unconditional, with one conditional field (legal_rep_id)
let conditional: string;
let none: string;
let consumerDept: string;
let grantId: string;

const PURPOSE = '企业设立登记时核验企业名称和统一社会信用代码';

async function at(iso: string) {
  t.clock.set(new Date(iso));
  ({ provider, consumer, reviewer, srAdmin } = await loginCast(t));
}
const lookup = (fields: string[], purpose = PURPOSE, resource = unconditional) => grantFor(t.database.db, consumerDept, resource, fields, purpose, t.clock.now());
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
  none = await publish(provider, reviewer, { name: '涉密企业核查信息', share: notShared });
  consumerDept = await departmentId(t, '南昌市行政审批局');
});
afterAll(async () => t?.close());

describe('unconditional sharing', () => {
  it('grants unconditional fields at once, recording the purpose', async () => {
    const res = await consumer.post('/api/sharing/grants', { resourceId: unconditional, purpose: PURPOSE, fields: ['uscc', 'name'] });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'unconditional',
      requestId: null,
      fields: ['uscc', 'name'],
      wholeResource: false,
      purpose: PURPOSE,
      validFrom: '2025-11-03',
      validTo: null,
      status: 'active',
      consumerDepartmentName: '南昌市行政审批局',
      providerDepartmentName: '南昌市市场监督管理局',
    });
    grantId = res.body.id;
    expect(await auditSuccesses(t, 'sharing.grant.create')).toHaveLength(1);
    expect(ids(await consumer.get('/api/sharing/grants'))).toEqual([grantId]);
    expect(ids(await provider.get('/api/sharing/grants?role=provider'))).toEqual([grantId]);
    expect(ids(await reviewer.get('/api/sharing/grants'))).toEqual([grantId]);
    expect((await srAdmin.get('/api/sharing/grants')).body.total).toBe(0);
    expect((await srAdmin.get(`/api/sharing/grants/${grantId}`)).status).toBe(403);
    expect((await srAdmin.get('/api/sharing/grants/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('sends conditional resources and fields to an application (422)', async () => {
    const whole = await consumer.post('/api/sharing/grants', { resourceId: unconditional, purpose: PURPOSE });
    expect(whole.status).toBe(422);
    expect(whole.body.conditionalFields).toEqual(['legal_rep_id']);
    expect(whole.body.messageZh).toContain('共享申请');
    expect((await consumer.post('/api/sharing/grants', { resourceId: unconditional, purpose: PURPOSE, fields: ['uscc', 'legal_rep_id'] })).status).toBe(422);
    const cond = await consumer.post('/api/sharing/grants', { resourceId: conditional, purpose: PURPOSE, fields: ['uscc'] });
    expect(cond.status).toBe(422);
    expect(cond.body.apply).toBe('/api/sharing/requests');
    expect((await consumer.post('/api/sharing/grants', { resourceId: none, purpose: PURPOSE })).status).toBe(422);
    expect((await consumer.post('/api/sharing/grants', { resourceId: '00000000-0000-4000-8000-000000000000', purpose: PURPOSE })).status).toBe(404);
  });
});

describe('grantFor', () => {
  it('answers from the grants: same consumer, resource, purpose and every field', async () => {
    expect((await lookup(['uscc']))?.id).toBe(grantId);
    expect((await lookup(['uscc', 'name']))?.id).toBe(grantId);
    expect(await lookup(['uscc', 'legal_rep_id'])).toBeNull();
    expect(await lookup([])).toBeNull(); // the whole resource was not granted
    expect(await lookup(['uscc'], '商业营销')).toBeNull();
    expect(await lookup(['uscc'], PURPOSE, conditional)).toBeNull();
    expect(await grantFor(t.database.db, await departmentId(t, '上饶市行政审批局'), unconditional, ['uscc'], PURPOSE, t.clock.now())).toBeNull();
  });

  it('returns null once the grant is revoked by the provider (with reasons)', async () => {
    expect((await consumer.post(`/api/sharing/grants/${grantId}/revoke`, { reasons: '不要了' })).status).toBe(403);
    expect((await srAdmin.post(`/api/sharing/grants/${grantId}/revoke`, { reasons: '越权' })).status).toBe(403);
    expect((await provider.post(`/api/sharing/grants/${grantId}/revoke`, {})).status).toBe(422);
    const res = await provider.post(`/api/sharing/grants/${grantId}/revoke`, { reasons: '发现超范围使用' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'revoked', revokedBy: '南昌市市场监管局数据专员', revokeReasons: '发现超范围使用' });
    expect(await lookup(['uscc'])).toBeNull();
    expect((await provider.post(`/api/sharing/grants/${grantId}/revoke`, { reasons: '再撤' })).status).toBe(409);
    expect(await auditSuccesses(t, 'sharing.grant.revoke')).toHaveLength(1);
    expect((await consumer.get('/api/sharing/grants?status=revoked')).body.total).toBe(1);
  });

  it('returns null once the grant has expired', async () => {
    const res = await consumer.post('/api/sharing/grants', { resourceId: unconditional, purpose: PURPOSE, fields: ['name'], validTo: '2025-12-31' });
    expect(res.status, res.text).toBe(201);
    t.clock.set(new Date('2025-12-31T23:59:00+08:00'));
    expect((await lookup(['name']))?.id).toBe(res.body.id);
    t.clock.set(new Date('2026-01-01T00:00:01+08:00'));
    expect(await lookup(['name'])).toBeNull();
    await at('2026-01-02T09:00:00+08:00');
    const expired = await consumer.get('/api/sharing/grants?status=expired');
    expect(ids(expired)).toEqual([res.body.id]);
    expect(expired.body.items[0].status).toBe('expired');
    expect((await consumer.get('/api/sharing/grants?status=active')).body.total).toBe(0);
  });

  it('the sharing authority may revoke too', async () => {
    const res = await consumer.post('/api/sharing/grants', { resourceId: unconditional, purpose: PURPOSE, fields: ['uscc'] });
    expect((await lookup(['uscc']))?.id).toBe(res.body.id);
    const revoked = await reviewer.post(`/api/sharing/grants/${res.body.id}/revoke`, { reasons: '共享主管部门督查发现违规使用' });
    expect(revoked.body.status).toBe('revoked');
    expect(await lookup(['uscc'])).toBeNull();
  });
});

describe('a not-shared resource', () => {
  it('cannot be applied for: 422 saying it is not shared and why', async () => {
    const res = await consumer.post('/api/sharing/requests', {
      resourceId: none,
      purpose: '企业核查',
      dutyBasis: '《市场主体登记管理条例》',
      scopeOfUse: '审批窗口',
      validFrom: '2026-01-05',
      validTo: '2026-12-31',
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('RULE_VIOLATION');
    expect(res.body.messageZh).toContain('不予共享');
    expect(res.body.messageZh).toContain('《中华人民共和国保守国家秘密法》第十三条');
    expect(res.body.message).toContain('not shared');
    expect(res.body.legalBasis).toBe('《中华人民共和国保守国家秘密法》第十三条');
    expect(res.body.escalation).toBe('/api/sharing/escalations');
    expect((await consumer.get('/api/sharing/requests')).body.total).toBe(0);
  });

  it('can only be escalated to the sharing authority, with reasons', async () => {
    expect((await consumer.post('/api/sharing/escalations', { resourceId: none })).status).toBe(422);
    expect((await consumer.post('/api/sharing/escalations', { resourceId: conditional, reasons: '想要' })).status).toBe(422);
    const res = await consumer.post('/api/sharing/escalations', { resourceId: none, reasons: '企业登记审批需核查该信息，建议调整为有条件共享' });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ resourceId: none, consumerDepartmentName: '南昌市行政审批局', providerDepartmentName: '南昌市市场监督管理局' });
    expect(ids(await reviewer.get('/api/sharing/escalations'))).toEqual([res.body.id]);
    expect(ids(await provider.get('/api/sharing/escalations?role=provider'))).toEqual([res.body.id]);
    expect((await srAdmin.get('/api/sharing/escalations')).body.total).toBe(0);
    expect(await auditSuccesses(t, 'sharing.escalation.create')).toHaveLength(1);
  });
});

describe('access', () => {
  it('needs a sharing permission', async () => {
    const admin = await t.login('admin');
    const supervisorRes = await (await t.login('supervisor')).get('/api/sharing/requests');
    expect(supervisorRes.status).toBe(403);
    expect((await admin.get('/api/sharing/requests')).status).toBe(200);
    expect((await reviewer.post('/api/sharing/grants', { resourceId: unconditional, purpose: PURPOSE, fields: ['uscc'] })).status).toBe(403);
  });
});
