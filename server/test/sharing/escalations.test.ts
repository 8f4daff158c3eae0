import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, departmentId, type Agent, type TestApp } from '../harness.ts';
import { ncReviewer } from '../catalog/helpers.ts';
import { auditSuccesses, createConsumerOfficer, loginCast, notShared, publish } from './helpers.ts';

/** The sharing authority answers an escalation about a not-shared resource: upheld, or sharing ordered (a duty). */

let t: TestApp;
let provider: Agent; // 南昌市市场监管局 data officer
let consumer: Agent; // 南昌市行政审批局 data officer
let reviewer: Agent; // 南昌市 sharing authority
let srAdmin: Agent; // 上饶市: a foreign department
let jxAuthority: Agent; // the province's sharing authority
let none: string;
let providerDept: string;
let consumerDept: string;
let upheldId: string;
let orderedId: string;

async function at(iso: string) {
  t.clock.set(new Date(iso));
  ({ provider, consumer, reviewer, srAdmin } = await loginCast(t));
  jxAuthority = await t.login('jx_authority');
}
const notices = (dept: string, kind: string) => t.database.db.selectFrom('notifications.notice').selectAll().where('department_id', '=', dept).where('kind', '=', kind).execute();
const escalate = async (reasons: string) => {
  const res = await consumer.post('/api/sharing/escalations', { resourceId: none, reasons });
  if (res.status !== 201) throw new Error(res.text);
  return res.body.id as string;
};

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2025-11-03T10:00:00+08:00'));
  const admin = await t.login('admin');
  await ncReviewer(t, admin);
  await createConsumerOfficer(t, admin);
  await at('2025-11-03T10:00:00+08:00');
  none = await publish(provider, reviewer, { name: '企业内部稽查线索', share: notShared });
  providerDept = await departmentId(t, '南昌市市场监督管理局');
  consumerDept = await departmentId(t, '南昌市行政审批局');
  upheldId = await escalate('审批需核查稽查线索，建议调整为有条件共享');
  orderedId = await escalate('“一件事一次办”需要该信息，请责令共享');
});
afterAll(async () => t?.close());

describe('an escalation', () => {
  it('starts open and is visible to both sides and the authority, not to a foreign department', async () => {
    const res = await consumer.get(`/api/sharing/escalations/${upheldId}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'open', answeredAt: null, dutyId: null, resourceId: none, providerDepartmentName: '南昌市市场监督管理局' });
    expect((await provider.get(`/api/sharing/escalations/${upheldId}`)).status).toBe(200);
    expect((await reviewer.get(`/api/sharing/escalations/${upheldId}`)).status).toBe(200);
    expect((await srAdmin.get(`/api/sharing/escalations/${upheldId}`)).status).toBe(403);
    expect((await reviewer.get('/api/sharing/escalations/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await reviewer.get('/api/sharing/escalations?status=open')).body.total).toBe(2);
  });

  it('is answered by the sharing authority only, with reasons', async () => {
    expect((await provider.post(`/api/sharing/escalations/${upheldId}/answer`, { decision: 'upheld', reasons: '涉密' })).status).toBe(403);
    expect((await consumer.post(`/api/sharing/escalations/${upheldId}/answer`, { decision: 'upheld', reasons: '涉密' })).status).toBe(403);
    expect((await srAdmin.post(`/api/sharing/escalations/${upheldId}/answer`, { decision: 'upheld', reasons: '涉密' })).status).toBe(403);
    expect((await reviewer.post(`/api/sharing/escalations/${upheldId}/answer`, { decision: 'upheld' })).status).toBe(422);
    expect((await reviewer.post(`/api/sharing/escalations/${upheldId}/answer`, { decision: 'maybe', reasons: 'x' })).status).toBe(400);
    expect((await reviewer.post(`/api/sharing/escalations/${upheldId}/answer`, { decision: 'upheld', reasons: 'x', dueDate: '2025-12-01' })).status).toBe(422);
    expect((await reviewer.get(`/api/sharing/escalations/${upheldId}`)).body.status).toBe('open');
  });

  it('upheld: stays not shared; the consumer and the provider are told; answered once (409)', async () => {
    const res = await reviewer.post(`/api/sharing/escalations/${upheldId}/answer`, { decision: 'upheld', reasons: '属于执法稽查线索，依法不予共享' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'upheld', answerReasons: '属于执法稽查线索，依法不予共享', answeredBy: expect.any(String), dutyId: null });
    expect(res.body.answeredAt).toBe(new Date('2025-11-03T10:00:00+08:00').toISOString());
    expect(await notices(consumerDept, 'sharing.escalation.upheld')).toHaveLength(1);
    expect(await notices(providerDept, 'sharing.escalation.upheld')).toHaveLength(1);
    const again = await reviewer.post(`/api/sharing/escalations/${upheldId}/answer`, { decision: 'share_ordered', reasons: '改判', dueDate: '2025-12-01' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
    expect((await auditSuccesses(t, 'sharing.escalation.answer')).map((e) => e.target_id)).toEqual([upheldId]);
    // Still not shared: no request is possible.
    expect((await consumer.post('/api/sharing/requests', { resourceId: none, purpose: 'x', dutyBasis: 'x', scopeOfUse: 'x', validFrom: '2025-11-03', validTo: '2026-11-03' })).status).toBe(422);
  });

  it('share_ordered: needs a due date not past; records a sharing duty for the provider, pending until a grant', async () => {
    expect((await reviewer.post(`/api/sharing/escalations/${orderedId}/answer`, { decision: 'share_ordered', reasons: '应当共享' })).status).toBe(422);
    expect((await reviewer.post(`/api/sharing/escalations/${orderedId}/answer`, { decision: 'share_ordered', reasons: '应当共享', dueDate: '2025-11-02' })).status).toBe(422);
    expect((await reviewer.post(`/api/sharing/escalations/${orderedId}/answer`, { decision: 'share_ordered', reasons: '应当共享', dueDate: '2025-02-30' })).status).toBe(422);
    // The province's authority covers 南昌市 too (sharing.arbitrate over the provider).
    const res = await jxAuthority.post(`/api/sharing/escalations/${orderedId}/answer`, { decision: 'share_ordered', reasons: '该信息支撑跨部门审批，应调整为有条件共享', dueDate: '2025-11-28' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'share_ordered', dutyId: expect.any(String) });
    const duty = await provider.get(`/api/sharing/duties/${res.body.dutyId}`);
    expect(duty.status, duty.text).toBe(200);
    expect(duty.body).toMatchObject({ status: 'pending', dueDate: '2025-11-28', resourceId: none, providerDepartmentId: providerDept, consumerDepartmentId: consumerDept });
    expect(duty.body.description).toContain('该信息支撑跨部门审批');
    expect(await notices(consumerDept, 'sharing.escalation.share_ordered')).toHaveLength(1);
    const [toProvider] = await notices(providerDept, 'sharing.escalation.share_ordered');
    expect(toProvider.link).toBe(`/sharing/duties/${res.body.dutyId}`);
    expect((await auditSuccesses(t, 'sharing.duty.create')).map((e) => e.target_id)).toEqual([res.body.dutyId]);
    expect((await reviewer.post(`/api/sharing/escalations/${orderedId}/answer`, { decision: 'upheld', reasons: '再答' })).status).toBe(409);
    expect((await reviewer.get('/api/sharing/escalations?status=share_ordered')).body.items.map((e: { id: string }) => e.id)).toEqual([orderedId]);
  });
});

describe('request notices', () => {
  it('tell the provider of a new request, the consumer of the answer, the authority of an escalation, both of the decision', async () => {
    const resourceId = await publish(provider, reviewer, { name: '企业年报信息', share: { type: 'conditional', conditions: '仅限审批', legalBasis: '《企业信息公示暂行条例》', modes: ['query'] } });
    const application = { resourceId, purpose: '年报核查', dutyBasis: '《企业信息公示暂行条例》第八条', scopeOfUse: '审批窗口', validFrom: '2025-11-03', validTo: '2026-11-02' };
    const kinds = async (dept: string) => (await t.database.db.selectFrom('notifications.notice').select('kind').where('department_id', '=', dept).where('link', 'like', '/sharing/requests/%').execute()).map((n) => n.kind).sort();
    const authorityDept = await departmentId(t, '南昌市大数据发展管理局');
    const a = await consumer.post('/api/sharing/requests', application);
    expect(a.status, a.text).toBe(201);
    expect(await kinds(providerDept)).toEqual(['sharing.request.received']);
    expect((await provider.post(`/api/sharing/requests/${a.body.id}/approve`, {})).status).toBe(200);
    expect(await kinds(consumerDept)).toEqual(['sharing.request.approved']);
    const b = await consumer.post('/api/sharing/requests', { ...application, purpose: '另一用途' });
    expect((await provider.post(`/api/sharing/requests/${b.body.id}/refuse`, { reasons: '用途不明确' })).status).toBe(200);
    expect((await consumer.post(`/api/sharing/requests/${b.body.id}/escalate`, { reasons: '用途明确，请裁决' })).status).toBe(200);
    expect(await kinds(authorityDept)).toEqual(['sharing.request.escalated']);
    expect((await reviewer.post(`/api/sharing/requests/${b.body.id}/arbitrate`, { decision: 'approve', reasons: '用途合法' })).status).toBe(200);
    expect(await kinds(consumerDept)).toEqual(['sharing.request.approved', 'sharing.request.arbitrated', 'sharing.request.refused']);
    expect(await kinds(providerDept)).toEqual(['sharing.request.arbitrated', 'sharing.request.escalated', 'sharing.request.received', 'sharing.request.received']);
    const grant = (await consumer.get(`/api/sharing/requests/${b.body.id}`)).body.grantId as string;
    expect((await provider.post(`/api/sharing/grants/${grant}/revoke`, { reasons: '停止共享' })).status).toBe(200);
    const revoked = await t.database.db.selectFrom('notifications.notice').selectAll().where('department_id', '=', consumerDept).where('kind', '=', 'sharing.grant.revoked').execute();
    expect(revoked.map((n) => n.body)).toEqual(['理由：停止共享']);
  });
});
