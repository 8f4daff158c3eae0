import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, departmentId, type Agent, type TestApp } from '../harness.ts';
import { ncReviewer } from '../catalog/helpers.ts';
import { grantFor } from '../../src/modules/sharing/index.ts';
import { auditSuccesses, createConsumerOfficer, publish, loginCast } from './helpers.ts';

/** R-SHR-5 data disputes (疑义校核): flagged by a consumer holding a grant, answered by the provider in 5 working days. */

let t: TestApp;
let provider: Agent; // 南昌市市场监管局 data officer
let consumer: Agent; // 南昌市行政审批局 data officer
let reviewer: Agent; // 南昌市 sharing authority
let srAdmin: Agent; // 上饶市审批局: a foreign department
let resourceId: string;
let grantId: string;
let consumerDept: string;
let providerDept: string;
let disputeId: string;
let openId: string; // never answered

const PURPOSE = '企业设立登记时核验企业名称和统一社会信用代码';
const dispute = (overrides: Record<string, unknown> = {}) => ({
  resourceId,
  recordKey: '91360100MA35XXXX1A',
  field: 'name',
  issue: '企业名称与营业执照不一致',
  evidence: '营业执照副本（2025-09-01 换发）载明名称为“南昌某某科技有限公司”',
  ...overrides,
});
const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((r) => r.id);
const notices = (dept: string, kind: string) => t.database.db.selectFrom('notifications.notice').selectAll().where('department_id', '=', dept).where('kind', '=', kind).execute();

async function at(iso: string) {
  t.clock.set(new Date(iso));
  ({ provider, consumer, reviewer, srAdmin } = await loginCast(t));
}

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2025-09-30T09:00:00+08:00'));
  const admin = await t.login('admin');
  await ncReviewer(t, admin);
  await createConsumerOfficer(t, admin);
  await at('2025-09-30T09:00:00+08:00');
  resourceId = await publish(provider, reviewer);
  const g = await consumer.post('/api/sharing/grants', { resourceId, purpose: PURPOSE, fields: ['uscc', 'name'] });
  if (g.status !== 201) throw new Error(g.text);
  grantId = g.body.id;
  consumerDept = await departmentId(t, '南昌市行政审批局');
  providerDept = await departmentId(t, '南昌市市场监督管理局');
  await at('2025-09-30T10:00:00+08:00');
});
afterAll(async () => t?.close());

describe('raising a dispute', () => {
  it('is due 5 working days after receipt, across National Day, and notifies the provider', async () => {
    const res = await consumer.post('/api/sharing/disputes', dispute());
    expect(res.status, res.text).toBe(201);
    // Received Tue 2025-09-30 10:00 (not counted); 10-01..10-08 off; 10-09 (1), 10-10 (2),
    // Sat 10-11 adjusted working day (3), 10-13 (4), 10-14 (5).
    expect(res.body).toMatchObject({
      status: 'open',
      resourceId,
      recordKey: '91360100MA35XXXX1A',
      field: 'name',
      providerDepartmentName: '南昌市市场监督管理局',
      consumerDepartmentName: '南昌市行政审批局',
      raisedAt: '2025-09-30T02:00:00.000Z',
      answerWorkingDays: 5,
      dueDate: '2025-10-14',
      deadline: '2025-10-14T15:59:59.999Z',
      overdue: false,
      answeredAt: null,
    });
    disputeId = res.body.id;
    expect(await auditSuccesses(t, 'sharing.dispute.create')).toHaveLength(1);
    const sent = await notices(providerDept, 'sharing.dispute.raised');
    expect(sent).toHaveLength(1);
    expect(sent[0].title).toContain('2025-10-14');
  });

  it('never blocks: grantFor and new grants are unaffected', async () => {
    expect((await grantFor(t.database.db, consumerDept, resourceId, ['name'], PURPOSE, t.clock.now()))?.id).toBe(grantId);
    const again = await consumer.post('/api/sharing/grants', { resourceId, purpose: '另一用途：企业年报核查', fields: ['name'] });
    expect(again.status, again.text).toBe(201);
    const open = await consumer.post('/api/sharing/disputes', dispute({ recordKey: '91360100MA35YYYY2B', field: 'uscc', issue: '统一社会信用代码校验位错误' }));
    expect(open.status, open.text).toBe(201);
    openId = open.body.id;
  });

  it('needs a grant in force covering the field, and an existing field', async () => {
    expect((await consumer.post('/api/sharing/disputes', dispute({ field: 'legal_rep_id' }))).status).toBe(422); // not granted
    expect((await consumer.post('/api/sharing/disputes', dispute({ field: 'no_such_field' }))).status).toBe(422);
    expect((await consumer.post('/api/sharing/disputes', dispute({ evidence: '  ' }))).status).toBe(422);
    expect((await srAdmin.post('/api/sharing/disputes', dispute())).status).toBe(422); // no grant
    expect((await consumer.post('/api/sharing/disputes', dispute({ resourceId: '00000000-0000-4000-8000-000000000000' }))).status).toBe(404);
  });
});

describe('who sees a dispute', () => {
  it('the consumer its own, the provider those about its resources, the authority all in scope; not a foreign department', async () => {
    expect(ids(await consumer.get('/api/sharing/disputes?role=consumer')).sort()).toEqual([disputeId, openId].sort());
    expect(ids(await provider.get('/api/sharing/disputes?role=provider')).sort()).toEqual([disputeId, openId].sort());
    expect((await consumer.get('/api/sharing/disputes?role=provider')).body.total).toBe(0);
    expect((await reviewer.get('/api/sharing/disputes')).body.total).toBe(2);
    expect((await srAdmin.get('/api/sharing/disputes')).body.total).toBe(0);
    expect((await srAdmin.get(`/api/sharing/disputes/${disputeId}`)).status).toBe(403);
    expect((await srAdmin.get('/api/sharing/disputes/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await provider.get(`/api/sharing/disputes/${disputeId}`)).body.dueDate).toBe('2025-10-14');
  });
});

describe('answering', () => {
  it('only the provider answers; rejected needs reasons (422); a second answer is 409; the consumer is notified', async () => {
    expect((await consumer.post(`/api/sharing/disputes/${disputeId}/answer`, { outcome: 'corrected' })).status).toBe(403);
    expect((await srAdmin.post(`/api/sharing/disputes/${disputeId}/answer`, { outcome: 'corrected' })).status).toBe(403);
    expect((await provider.post('/api/sharing/disputes/00000000-0000-4000-8000-000000000000/answer', { outcome: 'corrected' })).status).toBe(404);
    const bare = await provider.post(`/api/sharing/disputes/${disputeId}/answer`, { outcome: 'rejected' });
    expect(bare.status).toBe(422);
    expect(bare.body.code).toBe('RULE_VIOLATION');
    expect((await provider.post(`/api/sharing/disputes/${disputeId}/answer`, { outcome: 'rejected', reasons: '  ' })).status).toBe(422);
    await at('2025-10-13T15:00:00+08:00');
    const res = await provider.post(`/api/sharing/disputes/${disputeId}/answer`, { outcome: 'rejected', reasons: '经核对登记档案，名称无误，营业执照副本为旧版' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'rejected', answerReasons: '经核对登记档案，名称无误，营业执照副本为旧版', answeredBy: '南昌市市场监管局数据专员', overdue: false, answeredLate: false });
    const second = await provider.post(`/api/sharing/disputes/${disputeId}/answer`, { outcome: 'corrected' });
    expect(second.status).toBe(409);
    expect(await auditSuccesses(t, 'sharing.dispute.answer')).toHaveLength(1);
    const sent = await notices(consumerDept, 'sharing.dispute.answered');
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toContain('不予更正');
  });
});

describe('the authority', () => {
  it('sees the unanswered one overdue once its due day has passed', async () => {
    await at('2025-10-14T23:00:00+08:00');
    expect((await reviewer.get('/api/sharing/disputes?overdue=true')).body.total).toBe(0);
    await at('2025-10-15T09:00:00+08:00');
    const overdue = await reviewer.get('/api/sharing/disputes?overdue=true');
    expect(ids(overdue)).toEqual([openId]);
    expect(overdue.body.items[0]).toMatchObject({ status: 'open', overdue: true, dueDate: '2025-10-14' });
    const all = await reviewer.get('/api/sharing/disputes?role=authority');
    expect(all.body.items.find((d: { id: string }) => d.id === disputeId)).toMatchObject({ status: 'rejected', overdue: false });
    // Answered late: still possible, and recorded as late.
    const late = await provider.post(`/api/sharing/disputes/${openId}/answer`, { outcome: 'corrected' });
    expect(late.status, late.text).toBe(200);
    expect(late.body).toMatchObject({ status: 'corrected', overdue: false, answeredLate: true, answerReasons: null });
    expect((await reviewer.get('/api/sharing/disputes?overdue=true')).body.total).toBe(0);
  });
});
