import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, departmentId, type Agent, type TestApp } from '../harness.ts';
import { ncReviewer } from '../catalog/helpers.ts';
import { auditSuccesses, conditionalShare, createConsumerOfficer, publish, loginCast } from './helpers.ts';

/** R-SHR-2: conditional requests, the 10-working-day answer, refusal with reasons, final arbitration. */

let t: TestApp;
let provider: Agent; // 南昌市市场监管局 data officer (sharing.decide over its department)
let consumer: Agent; // 南昌市行政审批局 data officer (sharing.request)
let reviewer: Agent; // 南昌市 sharing authority (sharing.arbitrate, city and below)
let srAdmin: Agent; // 上饶市审批局: a foreign department
let resourceId: string;
let approvedId: string; // approved, narrowed
let refusedId: string; // refused, escalated, approved on arbitration
let overdueId: string; // never answered

/** Sessions time out when the clock jumps: set it, then log everyone in again. */
async function at(iso: string) {
  t.clock.set(new Date(iso));
  ({ provider, consumer, reviewer, srAdmin } = await loginCast(t));
}

const application = (overrides: Record<string, unknown> = {}) => ({
  resourceId,
  fields: ['uscc', 'name', 'legal_rep_id'],
  purpose: '企业设立登记审批中核验法定代表人身份',
  dutyBasis: '《市场主体登记管理条例》第十七条',
  scopeOfUse: '南昌市行政审批局企业登记窗口，仅限审批人员查询',
  validFrom: '2025-10-01',
  validTo: '2026-09-30',
  ...overrides,
});
const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((r) => r.id);

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2025-09-30T09:00:00+08:00'));
  const admin = await t.login('admin');
  await ncReviewer(t, admin);
  await createConsumerOfficer(t, admin);
  await at('2025-09-30T09:00:00+08:00');
  resourceId = await publish(provider, reviewer, { name: '企业法定代表人信息', share: conditionalShare });
  await at('2025-09-30T10:00:00+08:00');
});
afterAll(async () => t?.close());

describe('a conditional request', () => {
  it('made the working day before National Day is due after the holiday, shown to both sides', async () => {
    const res = await consumer.post('/api/sharing/requests', application());
    expect(res.status, res.text).toBe(201);
    // Received Tue 2025-09-30 10:00 (not counted). 10-01..10-08 National Day and Mid-Autumn;
    // 10-09 (1), 10-10 (2), Sat 10-11 adjusted working day (3), 10-13 (4), 10-14 (5), 10-15..10-17 (8),
    // 10-20 (9), 10-21 (10).
    expect(res.body).toMatchObject({
      status: 'pending',
      providerDepartmentName: '南昌市市场监督管理局',
      consumerDepartmentName: '南昌市行政审批局',
      fields: ['uscc', 'name', 'legal_rep_id'],
      wholeResource: false,
      receivedAt: '2025-09-30T02:00:00.000Z',
      deadlineDate: '2025-10-21',
      deadline: '2025-10-21T15:59:59.999Z',
      remindAt5: '2025-10-14',
      remindAt8: '2025-10-17',
      stage: 'on_time',
      overdue: false,
      grantId: null,
    });
    approvedId = res.body.id;
    const seen = await provider.get(`/api/sharing/requests/${approvedId}`);
    expect(seen.status).toBe(200);
    expect(seen.body.deadlineDate).toBe('2025-10-21');
    expect(ids(await provider.get('/api/sharing/requests?role=provider'))).toContain(approvedId);
    expect(ids(await consumer.get('/api/sharing/requests?role=consumer'))).toContain(approvedId);
    expect((await consumer.get('/api/sharing/requests?role=provider')).body.total).toBe(0);

    refusedId = (await consumer.post('/api/sharing/requests', application({ fields: undefined }))).body.id;
    overdueId = (await consumer.post('/api/sharing/requests', application({ purpose: '企业年报抽查核验' }))).body.id;
    const whole = await consumer.get(`/api/sharing/requests/${refusedId}`);
    expect(whole.body).toMatchObject({ wholeResource: true, fields: ['uscc', 'name', 'legal_rep_id'] });
    expect(await auditSuccesses(t, 'sharing.request.create')).toHaveLength(3);
  });

  it('counts from the next working day when received after office hours', async () => {
    await at('2025-09-30T18:00:00+08:00');
    const res = await consumer.post('/api/sharing/requests', application());
    // Effective receipt day 10-09 (not counted): 10-10 (1), 10-11 (2) … 10-22 (10).
    expect(res.body.deadlineDate).toBe('2025-10-22');
    await at('2025-09-30T10:00:00+08:00');
  });

  it('needs purpose, duty basis, scope of use, a sound period and existing fields', async () => {
    expect((await consumer.post('/api/sharing/requests', application({ dutyBasis: undefined }))).status).toBe(400);
    const blank = await consumer.post('/api/sharing/requests', application({ scopeOfUse: '  ' }));
    expect(blank.status).toBe(422);
    expect(blank.body.errors[0].field).toBe('/body/scopeOfUse');
    const inverted = await consumer.post('/api/sharing/requests', application({ validFrom: '2026-01-01', validTo: '2025-12-01' }));
    expect(inverted.status).toBe(422);
    const unknown = await consumer.post('/api/sharing/requests', application({ fields: ['uscc', 'salary'] }));
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].field).toBe('/body/fields/1');
    const own = await provider.post('/api/sharing/requests', application());
    expect(own.status).toBe(422);
  });

  it("is hidden from a foreign department (403), unknown ids are 404, and only the provider decides", async () => {
    const foreign = await srAdmin.get(`/api/sharing/requests/${approvedId}`);
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('OUT_OF_SCOPE');
    expect(ids(await srAdmin.get('/api/sharing/requests'))).not.toContain(approvedId);
    const decide = await srAdmin.post(`/api/sharing/requests/${approvedId}/approve`, {});
    expect(decide.status).toBe(403);
    expect(decide.body.code).toBe('OUT_OF_SCOPE');
    expect((await srAdmin.post(`/api/sharing/requests/${approvedId}/refuse`, { reasons: '无' })).status).toBe(403);
    expect((await provider.get('/api/sharing/requests/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await provider.post('/api/sharing/requests/00000000-0000-4000-8000-000000000000/approve', {})).status).toBe(404);
    const self = await consumer.post(`/api/sharing/requests/${approvedId}/approve`, {});
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('FORBIDDEN');
    expect((await consumer.get(`/api/sharing/requests/${approvedId}`)).body.status).toBe('pending');
  });

  it('shows the reminder stage on the 5th and 8th working day', async () => {
    await at('2025-10-13T16:00:00+08:00');
    expect((await provider.get(`/api/sharing/requests/${approvedId}`)).body.stage).toBe('on_time');
    await at('2025-10-14T09:00:00+08:00');
    expect((await provider.get(`/api/sharing/requests/${approvedId}`)).body).toMatchObject({ stage: 'reminded_5', overdue: false });
    await at('2025-10-17T09:00:00+08:00');
    expect((await consumer.get(`/api/sharing/requests/${approvedId}`)).body).toMatchObject({ stage: 'reminded_8', overdue: false });
    expect((await reviewer.get('/api/sharing/requests?overdue=true')).body.total).toBe(0);
  });

  it('is approved by the provider, who may only narrow the fields and the period; the grant follows', async () => {
    const wider = await provider.post(`/api/sharing/requests/${approvedId}/approve`, { fields: ['uscc', 'reg_capital'] });
    expect(wider.status).toBe(422);
    const longer = await provider.post(`/api/sharing/requests/${approvedId}/approve`, { validTo: '2026-12-31' });
    expect(longer.status).toBe(422);
    const res = await provider.post(`/api/sharing/requests/${approvedId}/approve`, { fields: ['uscc', 'name'], validTo: '2026-03-31' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'approved', approvedFields: ['uscc', 'name'], approvedValidTo: '2026-03-31', stage: 'reminded_8', overdue: false, answeredBy: '南昌市市场监管局数据专员' });
    const grant = await consumer.get(`/api/sharing/grants/${res.body.grantId}`);
    expect(grant.status, grant.text).toBe(200);
    expect(grant.body).toMatchObject({ kind: 'conditional', requestId: approvedId, fields: ['uscc', 'name'], wholeResource: false, validFrom: '2025-10-01', validTo: '2026-03-31', status: 'active', purpose: '企业设立登记审批中核验法定代表人身份', grantedBy: '南昌市市场监管局数据专员' });
    expect(ids(await provider.get('/api/sharing/grants?role=provider'))).toContain(res.body.grantId);
    expect(ids(await consumer.get('/api/sharing/grants?role=consumer'))).toContain(res.body.grantId);
    expect((await srAdmin.get(`/api/sharing/grants/${res.body.grantId}`)).status).toBe(403);
    expect((await provider.post(`/api/sharing/requests/${approvedId}/approve`, {})).status).toBe(409);
    expect(await auditSuccesses(t, 'sharing.request.approve')).toHaveLength(1);
    expect(await auditSuccesses(t, 'sharing.grant.create')).toHaveLength(1);
  });

  it('is refused only with reasons; approving a refused request is a conflict (409)', async () => {
    const noReasons = await provider.post(`/api/sharing/requests/${refusedId}/refuse`, {});
    expect(noReasons.status).toBe(422);
    expect(noReasons.body.errors[0].field).toBe('/body/reasons');
    expect((await provider.post(`/api/sharing/requests/${refusedId}/refuse`, { reasons: '   ' })).status).toBe(422);
    const res = await provider.post(`/api/sharing/requests/${refusedId}/refuse`, { reasons: '法定代表人身份证号仅限公安机关核验使用' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'refused', answerReasons: '法定代表人身份证号仅限公安机关核验使用', grantId: null });
    const approve = await provider.post(`/api/sharing/requests/${refusedId}/approve`, {});
    expect(approve.status).toBe(409);
    expect(approve.body.code).toBe('CONFLICT');
    expect(approve.body.status).toBe('refused');
    expect((await consumer.get(`/api/sharing/requests/${refusedId}`)).body.status).toBe('refused');
    expect(await auditSuccesses(t, 'sharing.request.refuse')).toHaveLength(1);
  });

  it('can be taken to the sharing authority after a refusal; the arbitration is final', async () => {
    expect((await provider.post(`/api/sharing/requests/${refusedId}/escalate`, { reasons: '不服' })).status).toBe(403);
    expect((await consumer.post(`/api/sharing/requests/${refusedId}/escalate`, {})).status).toBe(422);
    // A pending request cannot be escalated before its deadline.
    expect((await consumer.post(`/api/sharing/requests/${overdueId}/escalate`, { reasons: '太慢' })).status).toBe(409);
    const esc = await consumer.post(`/api/sharing/requests/${refusedId}/escalate`, { reasons: '企业登记须核验法定代表人身份，属法定职责' });
    expect(esc.status, esc.text).toBe(200);
    expect(esc.body).toMatchObject({ status: 'escalated', escalationReasons: '企业登记须核验法定代表人身份，属法定职责' });
    expect(ids(await reviewer.get('/api/sharing/requests?status=escalated'))).toEqual([refusedId]);

    expect((await provider.post(`/api/sharing/requests/${refusedId}/arbitrate`, { decision: 'approve', reasons: 'x' })).status).toBe(403);
    expect((await reviewer.post(`/api/sharing/requests/${refusedId}/arbitrate`, { decision: 'approve' })).status).toBe(422);
    const res = await reviewer.post(`/api/sharing/requests/${refusedId}/arbitrate`, { decision: 'approve', reasons: '属于履行法定职责所需，应予共享' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'arbitration_approved', arbitratedBy: '南昌市数据局审核员', arbitrationReasons: '属于履行法定职责所需，应予共享' });
    const grant = await consumer.get(`/api/sharing/grants/${res.body.grantId}`);
    expect(grant.body).toMatchObject({ kind: 'conditional', wholeResource: true, fields: ['uscc', 'name', 'legal_rep_id'], validTo: '2026-09-30', grantedBy: '南昌市数据局审核员' });

    // Final: no later change.
    expect((await reviewer.post(`/api/sharing/requests/${refusedId}/arbitrate`, { decision: 'refuse', reasons: '改判' })).status).toBe(409);
    expect((await provider.post(`/api/sharing/requests/${refusedId}/approve`, {})).status).toBe(409);
    expect((await provider.post(`/api/sharing/requests/${refusedId}/refuse`, { reasons: '再拒' })).status).toBe(409);
    expect((await consumer.post(`/api/sharing/requests/${refusedId}/escalate`, { reasons: '再议' })).status).toBe(409);
    expect(await auditSuccesses(t, 'sharing.request.escalate')).toHaveLength(1);
    expect(await auditSuccesses(t, 'sharing.request.arbitrate')).toHaveLength(1);
  });

  it('is flagged to the sharing authority once overdue, and can then be escalated', async () => {
    await at('2025-10-22T09:00:00+08:00');
    const late = await consumer.get(`/api/sharing/requests/${overdueId}`);
    expect(late.body).toMatchObject({ status: 'pending', stage: 'overdue', overdue: true });
    const flagged = await reviewer.get('/api/sharing/requests?overdue=true');
    expect(flagged.status).toBe(200);
    expect(ids(flagged)).toContain(overdueId);
    expect(ids(flagged)).not.toContain(approvedId);
    expect((await srAdmin.get('/api/sharing/requests?overdue=true')).body.total).toBe(0);
    // Answered on time stays on time.
    expect((await consumer.get(`/api/sharing/requests/${approvedId}`)).body).toMatchObject({ stage: 'reminded_8', overdue: false });

    const esc = await consumer.post(`/api/sharing/requests/${overdueId}/escalate`, { reasons: '逾期未答复' });
    expect(esc.body.status).toBe('escalated');
    const res = await reviewer.post(`/api/sharing/requests/${overdueId}/arbitrate`, { decision: 'refuse', reasons: '年报抽查可通过公示系统完成，无需身份证号' });
    expect(res.body).toMatchObject({ status: 'arbitration_refused', grantId: null });
    expect((await reviewer.post(`/api/sharing/requests/${overdueId}/arbitrate`, { decision: 'approve', reasons: '改判' })).status).toBe(409);
  });

  it('lists are paginated and filterable, each department seeing its own', async () => {
    const page = await consumer.get('/api/sharing/requests?pageSize=2&page=1');
    expect(page.body).toMatchObject({ total: 4, page: 1, pageSize: 2 });
    expect(page.body.items).toHaveLength(2);
    expect((await consumer.get(`/api/sharing/requests?status=approved&resourceId=${resourceId}`)).body.total).toBe(1);
    expect((await reviewer.get('/api/sharing/requests')).body.total).toBe(4);
    expect((await srAdmin.get('/api/sharing/requests')).body.total).toBe(0);
    const amr = await departmentId(t, '南昌市市场监督管理局');
    const audit = await auditSuccesses(t, 'sharing.request.approve');
    expect(audit[0]).toMatchObject({ department_id: amr, target_type: 'sharing_request', target_id: approvedId });
  });
});
