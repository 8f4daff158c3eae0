import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, departmentId, type Agent, type TestApp } from '../harness.ts';
import { ncReviewer } from '../catalog/helpers.ts';
import { auditSuccesses, conditionalShare, createConsumerOfficer, loginCast, publish } from './helpers.ts';

/**
 * The deadline job (app.remindNow, run by the worker every REMINDER_INTERVAL_MS): reminders on the
 * 5th and 8th working day of an unanswered request, overdue notices for requests, data disputes
 * and catalog update duties — each stage once, however often and by how many workers it runs.
 * Received Tue 2025-09-30 10:00, before National Day (10-01…10-08 off, Sat 10-11 worked).
 */

let t: TestApp;
let provider: Agent;
let consumer: Agent;
let reviewer: Agent;
let srAdmin: Agent;
let providerDept: string;
let authorityDept: string; // 南昌市大数据发展管理局: the sharing authority at the provider's level
let provinceDept: string; // the province's authority: not at the provider's level
let requestId: string;
let answeredId: string;
let disputeId: string;
let dutyId: string;

async function at(iso: string) {
  t.clock.set(new Date(iso));
  ({ provider, consumer, reviewer, srAdmin } = await loginCast(t));
}
/** Runs the job at `iso` (no session needed: it is the platform acting). */
async function runAt(iso: string) {
  t.clock.set(new Date(iso));
  return t.app.remindNow();
}
const notices = (kind: string, link?: string) => {
  let q = t.database.db.selectFrom('notifications.notice').selectAll().where('kind', '=', kind);
  if (link) q = q.where('link', '=', link);
  return q.orderBy('department_id').execute();
};
const allNotices = async () => Number((await t.database.db.selectFrom('notifications.notice').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const application = (resourceId: string) => ({
  resourceId,
  purpose: '企业设立登记审批中核验法定代表人身份',
  dutyBasis: '《市场主体登记管理条例》第十七条',
  scopeOfUse: '南昌市行政审批局企业登记窗口',
  validFrom: '2025-10-01',
  validTo: '2026-09-30',
});

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2025-09-30T09:00:00+08:00'));
  const admin = await t.login('admin');
  await ncReviewer(t, admin);
  await createConsumerOfficer(t, admin);
  await at('2025-09-30T09:00:00+08:00');
  providerDept = await departmentId(t, '南昌市市场监督管理局');
  authorityDept = await departmentId(t, '南昌市大数据发展管理局');
  provinceDept = await departmentId(t, '江西省信息中心（江西省大数据中心）');
  const conditional = await publish(provider, reviewer, { name: '企业法定代表人信息', share: conditionalShare });
  const unconditional = await publish(provider, reviewer);
  await at('2025-09-30T10:00:00+08:00');
  const req = await consumer.post('/api/sharing/requests', application(conditional));
  expect(req.status, req.text).toBe(201);
  expect(req.body).toMatchObject({ remindAt5: '2025-10-14', remindAt8: '2025-10-17', deadlineDate: '2025-10-21', workingDaysLeft: 10 });
  requestId = req.body.id;
  const answered = await consumer.post('/api/sharing/requests', { ...application(conditional), purpose: '另一用途：年报抽查' });
  answeredId = answered.body.id;
  const grant = await consumer.post('/api/sharing/grants', { resourceId: unconditional, purpose: '核验企业名称', fields: ['uscc', 'name'] });
  expect(grant.status, grant.text).toBe(201);
  const dispute = await consumer.post('/api/sharing/disputes', { resourceId: unconditional, recordKey: '91360100MA35XXXX1A', field: 'name', issue: '企业名称与营业执照不一致', evidence: '营业执照复印件' });
  expect(dispute.status, dispute.text).toBe(201);
  expect(dispute.body.dueDate).toBe('2025-10-14');
  disputeId = dispute.body.id;
  const duty = await reviewer.post('/api/catalog/update-duties', { departmentId: providerDept, reason: 'law', basis: '《江西省公共数据管理办法》修订' });
  expect(duty.status, duty.text).toBe(201);
  expect(duty.body.dueDate).toBe('2025-10-28');
  dutyId = duty.body.id;
  await at('2025-10-10T10:00:00+08:00');
  expect((await provider.post(`/api/sharing/requests/${answeredId}/approve`, {})).status).toBe(200);
});
afterAll(async () => t?.close());

describe('the deadline job', () => {
  it('sends nothing before the 5th working day: the holiday does not count', async () => {
    const before = await allNotices();
    expect(await runAt('2025-10-05T12:00:00+08:00')).toBe(0); // five calendar days on, in the holiday
    expect(await runAt('2025-10-13T23:59:00+08:00')).toBe(0); // the 4th working day
    expect(await allNotices()).toBe(before);
  });

  it('reminds the provider on the 5th working day, once', async () => {
    expect(await runAt('2025-10-14T08:00:00+08:00')).toBe(1);
    const sent = await notices('sharing.request.reminder', `/sharing/requests/${requestId}`);
    expect(sent.map((n) => n.department_id)).toEqual([providerDept]);
    expect(sent[0].title).toContain('第 5 个工作日');
    expect(await runAt('2025-10-14T17:00:00+08:00')).toBe(0);
    await at('2025-10-14T17:00:00+08:00');
    const listed = await provider.get('/api/sharing/requests?role=provider&status=pending');
    expect(listed.body.items.map((r: { id: string; workingDaysLeft: number }) => [r.id, r.workingDaysLeft])).toEqual([[requestId, 5]]);
    // The console's filters: resource name or code, the day received.
    const total = async (q: string) => (await provider.get(`/api/sharing/requests?role=provider&${q}`)).body.total;
    expect(await total(`q=${encodeURIComponent('法定代表人')}`)).toBe(2);
    expect(await total(`q=${encodeURIComponent('不存在的资源')}`)).toBe(0);
    expect(await total(`q=${encodeURIComponent('%')}`)).toBe(0);
    expect(await total('receivedFrom=2025-09-30&receivedTo=2025-09-30')).toBe(2);
    expect(await total('receivedFrom=2025-10-01')).toBe(0);
    expect(await total('receivedTo=2025-09-29')).toBe(0);
    expect((await consumer.get(`/api/sharing/grants?role=consumer&q=${encodeURIComponent('法定代表人')}`)).body.total).toBe(1);
    expect(await notices('sharing.request.reminder', `/sharing/requests/${requestId}`)).toHaveLength(1);
    // The answered request is never reminded.
    expect(await notices('sharing.request.reminder', `/sharing/requests/${answeredId}`)).toHaveLength(0);
  });

  it('tells the provider and the authority at its level of an overdue dispute, once', async () => {
    expect(await runAt('2025-10-14T23:59:00+08:00')).toBe(0); // due day still running
    expect(await runAt('2025-10-15T00:00:01+08:00')).toBe(1);
    const sent = await notices('sharing.dispute.overdue');
    expect(sent.map((n) => n.department_id).sort()).toEqual([providerDept, authorityDept].sort());
    expect(sent.map((n) => n.department_id)).not.toContain(provinceDept);
    expect(await runAt('2025-10-15T09:00:00+08:00')).toBe(0);
    expect(await auditSuccesses(t, 'sharing.dispute.notice')).toHaveLength(1);
    expect((await auditSuccesses(t, 'sharing.dispute.notice'))[0]).toMatchObject({ actor_kind: 'system', target_id: disputeId });
  });

  it('reminds again on the 8th working day, then tells provider and authority once overdue; two concurrent runs send once', async () => {
    expect(await runAt('2025-10-16T12:00:00+08:00')).toBe(0);
    expect(await runAt('2025-10-17T09:00:00+08:00')).toBe(1);
    const eighth = await notices('sharing.request.reminder', `/sharing/requests/${requestId}`);
    expect(eighth).toHaveLength(2);
    expect(eighth.some((n) => n.title.includes('第 8 个工作日'))).toBe(true);
    expect(await runAt('2025-10-21T23:59:59+08:00')).toBe(0);
    t.clock.set(new Date('2025-10-22T00:00:01+08:00'));
    const runs = await Promise.all([t.app.remindNow(), t.app.remindNow()]);
    expect(runs[0] + runs[1]).toBe(1);
    const overdue = await notices('sharing.request.overdue', `/sharing/requests/${requestId}`);
    expect(overdue.map((n) => n.department_id).sort()).toEqual([providerDept, authorityDept].sort());
    expect(await runAt('2025-10-23T09:00:00+08:00')).toBe(0);
    await at('2025-10-23T09:00:00+08:00');
    expect((await consumer.get(`/api/sharing/requests/${requestId}`)).body).toMatchObject({ stage: 'overdue', workingDaysLeft: -2 });
    expect((await consumer.get(`/api/sharing/requests/${answeredId}`)).body.workingDaysLeft).toBeNull();
    const stages = (await auditSuccesses(t, 'sharing.request.notice')).map((e) => (e.summary as { after: { stage: string } }).after.stage);
    expect(stages).toEqual(['reminded_5', 'reminded_8', 'overdue']);
  });

  it('tells the department and the authority once a catalog update duty passes its 15 working days', async () => {
    expect(await runAt('2025-10-28T20:00:00+08:00')).toBe(0);
    expect(await runAt('2025-10-29T08:00:00+08:00')).toBe(1);
    const sent = await notices('catalog.update_duty.overdue', `/catalog/update-duties/${dutyId}`);
    expect(sent.map((n) => n.department_id).sort()).toEqual([providerDept, authorityDept].sort());
    expect(await runAt('2025-11-05T08:00:00+08:00')).toBe(0);
    // The department sees it in its console list.
    await at('2025-11-05T08:00:00+08:00');
    const own = await provider.get('/api/notifications?unread=true');
    expect(own.body.items.map((n: { kind: string }) => n.kind)).toEqual(
      expect.arrayContaining(['catalog.update_duty.overdue', 'sharing.request.overdue', 'sharing.dispute.overdue', 'sharing.request.reminder']),
    );
    expect((await srAdmin.get('/api/notifications')).body.items.some((n: { kind: string }) => n.kind.endsWith('.overdue'))).toBe(false);
  });
});
