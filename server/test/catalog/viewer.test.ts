import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, departmentId, userId, type Agent, type TestApp } from '../harness.ts';
import { entryContent } from './helpers.ts';

/**
 * An entry tells its reader what they may do to it (`viewer`), judged with the department scope the
 * server applies to the actions themselves, so the console shows only buttons that would work.
 */
let t: TestApp;
let officer: Agent; // 南昌市市场监管局, the provider
let ncAuthority: Agent; // 南昌市 and below
let jxAuthority: Agent; // the province
let srAuthority: Agent; // 上饶市 and below: not over the provider
let consumer: Agent; // 南昌市审批局
let id: string;

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.login('admin');
  const res = await admin.post('/api/users', {
    username: 'sr_authority',
    displayName: '上饶市共享审核员',
    departmentId: await departmentId(t, '上饶市行政审批局'),
    initialPassword: 'Reviewer#2026x',
    roles: [{ role: 'sharing_authority', scope: 'division' }],
  });
  if (res.status !== 201) throw new Error(res.text);
  await t.database.db.updateTable('identity.user').set({ must_change_password: false }).where('id', '=', await userId(t, 'sr_authority')).execute();
  srAuthority = await t.login('sr_authority', 'Reviewer#2026x');
  [officer, ncAuthority, jxAuthority, consumer] = await Promise.all(['nc_officer', 'nc_authority', 'jx_authority', 'ncsp_officer'].map((u) => t.login(u)));
  const created = await officer.post('/api/catalog/resources', { content: entryContent() });
  expect(created.status).toBe(201);
  id = created.body.id;
});

afterAll(() => t?.close());

describe('what a reader may do to an entry', () => {
  it('the provider may manage its draft, not review it', async () => {
    const res = await officer.get(`/api/catalog/resources/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.viewer).toEqual({ manage: true, review: false });
  });

  it('the authorities over the provider may review the submission; one elsewhere may not even read it', async () => {
    expect((await officer.post(`/api/catalog/resources/${id}/submit`)).status).toBe(200);
    expect((await ncAuthority.get(`/api/catalog/resources/${id}`)).body.viewer).toEqual({ manage: false, review: true });
    expect((await jxAuthority.get(`/api/catalog/resources/${id}`)).body.viewer).toEqual({ manage: false, review: true });
    expect((await srAuthority.get(`/api/catalog/resources/${id}`)).status).toBe(403);
  });

  it('once published, other departments and an authority elsewhere only read it', async () => {
    const published = await ncAuthority.post(`/api/catalog/resources/${id}/review`, { decision: 'approve' });
    expect(published.status).toBe(200);
    expect(published.body.viewer).toEqual({ manage: false, review: true });
    expect((await consumer.get(`/api/catalog/resources/${id}`)).body.viewer).toEqual({ manage: false, review: false });
    const elsewhere = await srAuthority.get(`/api/catalog/resources/${id}`);
    expect(elsewhere.body.viewer).toEqual({ manage: false, review: false });
    // …and the server agrees: withdrawing is refused to it.
    expect((await srAuthority.post(`/api/catalog/resources/${id}/withdraw`, { reasons: '试图撤销' })).status).toBe(403);
  });
});
