import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntries, createTestApp, type Agent, type TestApp } from '../harness.ts';
import { entryContent, ncReviewer } from './helpers.ts';

/** Issue 3 item 6: a department subscribes to an entry and is notified of new versions and withdrawal. */

let t: TestApp;
let officer: Agent; // 南昌市市场监管局 data officer, the provider
let reviewer: Agent; // 南昌市 sharing authority
let srAdmin: Agent; // 上饶市审批局: subscriber
let hgtAdmin: Agent; // 红谷滩区审批局: subscriber that unsubscribes
let id: string;

beforeAll(async () => {
  t = await createTestApp();
  officer = await t.login('nc_officer');
  srAdmin = await t.login('sr_admin');
  hgtAdmin = await t.login('hgt_admin');
  reviewer = await ncReviewer(t, await t.login('admin'));
  const created = await officer.post('/api/catalog/resources', { content: entryContent() });
  id = created.body.id;
  await officer.post(`/api/catalog/resources/${id}/submit`);
  const published = await reviewer.post(`/api/catalog/resources/${id}/review`, { decision: 'approve' });
  expect(published.body.status).toBe('published');
});
afterAll(async () => t?.close());

const kinds = async (agent: Agent) => (await agent.get('/api/notifications')).body.items.map((n: { kind: string }) => n.kind);

describe('catalog subscriptions', () => {
  it("subscribes a department to a published entry once (409 the second time)", async () => {
    const res = await srAdmin.post(`/api/catalog/resources/${id}/subscription`);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ resourceId: id, code: '207000000/000001', status: 'published', publishedVersion: 1, providerDepartmentName: '南昌市市场监督管理局', subscribedBy: '上饶市审批局管理员' });
    const again = await srAdmin.post(`/api/catalog/resources/${id}/subscription`);
    expect(again.status).toBe(409);
    expect((await hgtAdmin.post(`/api/catalog/resources/${id}/subscription`)).status).toBe(201);
    expect((await auditEntries(t, 'catalog.subscription.create')).filter((e) => e.outcome === 'success')).toHaveLength(2);
  });

  it('refuses drafts (422) and unknown entries (404)', async () => {
    const draft = await officer.post('/api/catalog/resources', { content: entryContent({ name: '草稿资源' }) });
    expect((await srAdmin.post(`/api/catalog/resources/${draft.body.id}/subscription`)).status).toBe(422);
    expect((await srAdmin.post('/api/catalog/resources/00000000-0000-4000-8000-000000000000/subscription')).status).toBe(404);
  });

  it("lists the department's own subscriptions only", async () => {
    const mine = await srAdmin.get('/api/catalog/subscriptions?page=1&pageSize=10');
    expect(mine.status, mine.text).toBe(200);
    expect(mine.body).toMatchObject({ total: 1, page: 1, pageSize: 10 });
    expect(mine.body.items[0].resourceId).toBe(id);
    expect((await officer.get('/api/catalog/subscriptions')).body.total).toBe(0);
  });

  it('notifies every subscriber when a new version is published', async () => {
    await officer.post(`/api/catalog/resources/${id}/revise`);
    expect(await kinds(srAdmin)).toEqual([]); // a draft revision is not news yet
    await officer.put(`/api/catalog/resources/${id}`, { content: entryContent({ name: '企业信用监管信息（2026版）' }) });
    await officer.post(`/api/catalog/resources/${id}/submit`);
    const v2 = await reviewer.post(`/api/catalog/resources/${id}/review`, { decision: 'approve' });
    expect(v2.body.publishedVersion).toBe(2);

    const notices = await srAdmin.get('/api/notifications');
    expect(notices.body.unread).toBe(1);
    expect(notices.body.items[0]).toMatchObject({ kind: 'catalog.resource.new_version', resourceId: id, link: `/catalog/resources/${id}`, read: false });
    expect(notices.body.items[0].title).toContain('第 2 版');
    expect(await kinds(hgtAdmin)).toEqual(['catalog.resource.new_version']);
    // Not the provider, which does not subscribe.
    expect(await kinds(officer)).toEqual([]);
  });

  it('stops notices after unsubscribing; a withdrawal reaches the remaining subscriber', async () => {
    const del = await hgtAdmin.delete(`/api/catalog/resources/${id}/subscription`);
    expect(del.status, del.text).toBe(204);
    expect((await hgtAdmin.delete(`/api/catalog/resources/${id}/subscription`)).status).toBe(404);
    expect((await auditEntries(t, 'catalog.subscription.delete')).filter((e) => e.outcome === 'success')).toHaveLength(1);

    t.clock.advance(60_000); // the test clock stands still otherwise; notices are ordered by time
    const withdrawn = await officer.post(`/api/catalog/resources/${id}/withdraw`, { reasons: '职能调整' });
    expect(withdrawn.status, withdrawn.text).toBe(200);

    const sr = await srAdmin.get('/api/notifications');
    expect(sr.body.items.map((n: { kind: string }) => n.kind)).toEqual(['catalog.resource.withdrawn', 'catalog.resource.new_version']);
    expect(sr.body.items[0].body).toContain('职能调整');
    expect(await kinds(hgtAdmin)).toEqual(['catalog.resource.new_version']);
    // The subscription stays, showing the entry as withdrawn.
    expect((await srAdmin.get('/api/catalog/subscriptions')).body.items[0].status).toBe('withdrawn');
  });
});
