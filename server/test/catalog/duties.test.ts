import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntries, createTestApp, departmentId, type Agent, type TestApp } from '../harness.ts';
import { ncReviewer } from './helpers.ts';

/** R-CAT-4: after a change of law or duties a department must update its entries within 15 working days. */

let t: TestApp;
let officer: Agent; // 南昌市市场监管局 data officer (catalog.manage, own department)
let reviewer: Agent; // 南昌市 sharing authority (catalog.review, city and below)
let srAdmin: Agent; // 上饶市审批局, a foreign department
let amr: string;
let dutyId: string;

/** Sessions time out when the clock jumps: set it, then log everyone in again. */
async function at(iso: string) {
  t.clock.set(new Date(iso));
  officer = await t.login('nc_officer');
  reviewer = await t.login('nc_reviewer', 'Reviewer#2026x');
  srAdmin = await t.login('sr_admin');
}

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2025-09-19T10:00:00+08:00'));
  await ncReviewer(t, await t.login('admin'));
  await at('2025-09-19T10:00:00+08:00');
  amr = await departmentId(t, '南昌市市场监督管理局');
});
afterAll(async () => t?.close());

const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((d) => d.id);

describe('15-working-day update duty', () => {
  it('gives a duty recorded the Friday before National Day the exact due date', async () => {
    const res = await reviewer.post('/api/catalog/update-duties', { departmentId: amr, reason: 'law', basis: '《江西省公共数据管理办法》修订' });
    expect(res.status, res.text).toBe(201);
    // 2025-09-19 (Fri, not counted) + 15 working days: 09-22..26 (5), Sun 09-28 adjusted working day (6),
    // 09-29, 09-30 (8), 10-01..10-08 National Day and Mid-Autumn holidays, 10-09, 10-10 (10),
    // Sat 10-11 adjusted working day (11), 10-13..10-16 (15).
    expect(res.body).toMatchObject({
      departmentId: amr,
      departmentName: '南昌市市场监督管理局',
      reason: 'law',
      status: 'open',
      dueDate: '2025-10-16',
      deadline: '2025-10-16T15:59:59.999Z',
      overdue: false,
      remainingWorkingDays: 15,
      recordedByDepartmentName: '南昌市大数据发展管理局',
    });
    dutyId = res.body.id;
    const audit = (await auditEntries(t, 'catalog.duty.record')).filter((e) => e.outcome === 'success');
    expect(audit).toHaveLength(1);
    expect(audit[0].department_id).toBe(amr);
  });

  it("puts it in the department's to-do list and notifies it", async () => {
    const list = await officer.get('/api/catalog/update-duties?status=open');
    expect(list.status, list.text).toBe(200);
    expect(ids(list)).toEqual([dutyId]);
    const notices = await officer.get('/api/notifications?unread=true');
    expect(notices.body.unread).toBe(1);
    expect(notices.body.items[0]).toMatchObject({ kind: 'catalog.update_duty.recorded', link: `/catalog/update-duties/${dutyId}`, read: false });
    expect(notices.body.items[0].title).toContain('2025-10-16');
  });

  it('lets the department record its own duty, but not one for another department', async () => {
    const own = await officer.post('/api/catalog/update-duties', { departmentId: amr, reason: 'duty', basis: '机构改革，新增价格监督检查职能' });
    expect(own.status, own.text).toBe(201);
    expect(own.body.dueDate).toBe('2025-10-16');
    const other = await officer.post('/api/catalog/update-duties', { departmentId: await departmentId(t, '上饶市公安局'), reason: 'law', basis: 'x' });
    expect(other.status).toBe(403);
    const foreign = await srAdmin.post('/api/catalog/update-duties', { departmentId: amr, reason: 'law', basis: 'x' });
    expect(foreign.status).toBe(403);
    expect((await reviewer.post('/api/catalog/update-duties', { departmentId: amr, reason: 'other', basis: 'x' })).status).toBe(400);
    // Fulfil the department's own duty at once, so the rest of the file follows one duty.
    expect((await officer.post(`/api/catalog/update-duties/${own.body.id}/fulfil`, { note: '已更新' })).status).toBe(200);
  });

  it('keeps it from a foreign department: not listed, not readable, not fulfillable', async () => {
    const list = await srAdmin.get('/api/catalog/update-duties');
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
    expect((await srAdmin.get(`/api/catalog/update-duties/${dutyId}`)).status).toBe(404);
    const fulfil = await srAdmin.post(`/api/catalog/update-duties/${dutyId}/fulfil`, { note: 'x' });
    expect(fulfil.status).toBe(404);
  });

  it('is not overdue on its due date, and overdue for the authority the next working day', async () => {
    expect(ids(await reviewer.get('/api/catalog/update-duties?overdue=true'))).toEqual([]);

    await at('2025-10-16T23:00:00+08:00');
    const dueDay = await officer.get(`/api/catalog/update-duties/${dutyId}`);
    expect(dueDay.body).toMatchObject({ overdue: false, remainingWorkingDays: 0 });
    expect(ids(await reviewer.get('/api/catalog/update-duties?overdue=true'))).toEqual([]);

    await at('2025-10-17T09:00:00+08:00');
    const dashboard = await reviewer.get('/api/catalog/update-duties?overdue=true');
    expect(dashboard.status, dashboard.text).toBe(200);
    expect(ids(dashboard)).toEqual([dutyId]);
    expect(dashboard.body.items[0]).toMatchObject({ overdue: true, remainingWorkingDays: -1, departmentName: '南昌市市场监督管理局' });
    expect((await officer.get(`/api/catalog/update-duties/${dutyId}`)).body.overdue).toBe(true);
    // The authority's full view holds the fulfilled one too; the not-overdue view only that one.
    expect((await reviewer.get('/api/catalog/update-duties')).body.total).toBe(2);
    expect((await reviewer.get('/api/catalog/update-duties?overdue=false')).body.items.map((d: { status: string }) => d.status)).toEqual(['fulfilled']);
  });

  it('is fulfilled by the department only; then no longer overdue; twice is a conflict (409)', async () => {
    const byAuthority = await reviewer.post(`/api/catalog/update-duties/${dutyId}/fulfil`, { note: 'x' });
    expect(byAuthority.status).toBe(403);

    const res = await officer.post(`/api/catalog/update-duties/${dutyId}/fulfil`, { note: '已修订 3 条目录' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'fulfilled', overdue: false, remainingWorkingDays: null, fulfilledLate: true, note: '已修订 3 条目录', fulfilledBy: '南昌市市场监管局数据专员' });
    expect(ids(await reviewer.get('/api/catalog/update-duties?overdue=true'))).toEqual([]);
    expect(ids(await officer.get('/api/catalog/update-duties?status=open'))).toEqual([]);

    const again = await officer.post(`/api/catalog/update-duties/${dutyId}/fulfil`, { note: 'again' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
    // Refused attempts are recorded by the HTTP layer after the response; count the successes only.
    expect((await auditEntries(t, 'catalog.duty.fulfil')).filter((e) => e.outcome === 'success')).toHaveLength(2);

    // The authority that recorded it hears of the fulfilment.
    const notices = await reviewer.get('/api/notifications');
    expect(notices.body.items.map((n: { kind: string }) => n.kind)).toContain('catalog.update_duty.fulfilled');
  });
});
