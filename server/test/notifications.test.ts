import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notify } from '../src/modules/notifications/index.ts';
import { auditEntries, createTestApp, departmentId, type Agent, type TestApp } from './harness.ts';

/** Console notices addressed to departments. */

let t: TestApp;
let officer: Agent; // 南昌市市场监管局
let srAdmin: Agent; // 上饶市审批局
let amrNotice: string;
let srNotice: string;

beforeAll(async () => {
  t = await createTestApp();
  officer = await t.login('nc_officer');
  srAdmin = await t.login('sr_admin');
  const amr = await departmentId(t, '南昌市市场监督管理局');
  const sr = await departmentId(t, '上饶市行政审批局');
  const base = new Date('2026-03-02T09:00:00+08:00').getTime();
  await t.database.db.transaction().execute(async (trx) => {
    for (let i = 1; i <= 3; i += 1) {
      await notify(trx, { departmentId: amr, kind: 'test.notice', title: `通知 ${i}`, body: `第 ${i} 条`, link: `/test/${i}` }, new Date(base + i * 60_000));
    }
    await notify(trx, { departmentId: sr, kind: 'test.notice', title: '上饶的通知', body: '仅上饶可见', link: '/test/sr' }, new Date(base));
  });
  const amrRows = await t.database.db.selectFrom('notifications.notice').select(['id', 'title']).where('department_id', '=', amr).orderBy('created_at').execute();
  amrNotice = amrRows[0].id;
  srNotice = (await t.database.db.selectFrom('notifications.notice').select('id').where('department_id', '=', sr).executeTakeFirstOrThrow()).id;
});
afterAll(async () => t?.close());

describe('notifications', () => {
  it("lists the department's own notices, newest first, with the unread count and paging", async () => {
    const res = await officer.get('/api/notifications');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ total: 3, unread: 3, page: 1, pageSize: 20 });
    expect(res.body.items.map((n: { title: string }) => n.title)).toEqual(['通知 3', '通知 2', '通知 1']);
    const page2 = await officer.get('/api/notifications?page=2&pageSize=2');
    expect(page2.body.items.map((n: { title: string }) => n.title)).toEqual(['通知 1']);
    expect(page2.body.total).toBe(3);
  });

  it("keeps another department's notices invisible (404 on read)", async () => {
    const sr = await srAdmin.get('/api/notifications');
    expect(sr.body.items.map((n: { title: string }) => n.title)).toEqual(['上饶的通知']);
    const res = await officer.post(`/api/notifications/${srNotice}/read`);
    expect(res.status).toBe(404);
    expect((await srAdmin.get('/api/notifications')).body.unread).toBe(1);
  });

  it('marks one notice read, for the whole department', async () => {
    const res = await officer.post(`/api/notifications/${amrNotice}/read`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: amrNotice, read: true, readBy: '南昌市市场监管局数据专员' });
    const unread = await officer.get('/api/notifications?unread=true');
    expect(unread.body).toMatchObject({ total: 2, unread: 2 });
    expect(unread.body.items.map((n: { title: string }) => n.title)).toEqual(['通知 3', '通知 2']);
    expect((await auditEntries(t, 'notification.read')).filter((e) => e.outcome === 'success')).toHaveLength(1);
  });

  it("marks all of the department's notices read, and only its own", async () => {
    const res = await officer.post('/api/notifications/read-all');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ marked: 2 });
    expect((await officer.get('/api/notifications')).body.unread).toBe(0);
    expect((await srAdmin.get('/api/notifications')).body.unread).toBe(1);
  });

  it('needs a session', async () => {
    expect((await t.anonymous().get('/api/notifications')).status).toBe(401);
  });
});
