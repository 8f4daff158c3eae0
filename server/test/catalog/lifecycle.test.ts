import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntries, createTestApp, type Agent, type TestApp } from '../harness.ts';
import { entryContent, ncReviewer } from './helpers.ts';

let t: TestApp;
let admin: Agent;
let officer: Agent; // 南昌市市场监管局 data officer
let reviewer: Agent; // 南昌市 sharing authority
let srAdmin: Agent; // 上饶市, another city

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  officer = await t.login('nc_officer');
  srAdmin = await t.login('sr_admin');
  reviewer = await ncReviewer(t, admin);
});
afterAll(async () => t?.close());

describe('catalog entry lifecycle', () => {
  let id: string;
  let code: string;

  it('a data officer catalogues a draft with a generated code', async () => {
    const res = await officer.post('/api/catalog/resources', { content: entryContent() });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ status: 'draft', latestVersion: 1, publishedVersion: null, providerDepartmentName: '南昌市市场监督管理局', classificationName: '信用体系', shareType: 'unconditional' });
    expect(res.body.code).toBe('207000000/000001');
    expect(res.body.providerCode).toMatch(/^[0-9A-Z]{18}$/);
    id = res.body.id;
    code = res.body.code;
    expect(await auditEntries(t, 'catalog.resource.create')).toHaveLength(1);
  });

  it('gives the next entry in the same classification the next number', async () => {
    const res = await officer.post('/api/catalog/resources', { content: entryContent({ name: '第二个资源' }) });
    expect(res.body.code).toBe('207000000/000002');
  });

  it("keeps another department's draft from it (403)", async () => {
    const res = await srAdmin.get(`/api/catalog/resources/${id}`);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('OUT_OF_SCOPE');
    const list = await srAdmin.get('/api/catalog/resources');
    expect(list.body.items.map((r: { id: string }) => r.id)).not.toContain(id);
  });

  it('refuses to submit a conditional entry without a legal basis (422), and changes nothing', async () => {
    const put = await officer.put(`/api/catalog/resources/${id}`, { content: entryContent({ share: { type: 'conditional', conditions: '仅限监管用途', modes: ['query'] } }) });
    expect(put.status, put.text).toBe(200);
    const res = await officer.post(`/api/catalog/resources/${id}/submit`);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('RULE_VIOLATION');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('/body/share/legalBasis');
    expect((await officer.get(`/api/catalog/resources/${id}`)).body.status).toBe('draft');
  });

  it('submits once the legal basis is given', async () => {
    await officer.put(`/api/catalog/resources/${id}`, { content: entryContent({ share: { type: 'conditional', conditions: '仅限监管用途', legalBasis: '《企业信息公示暂行条例》第十八条', modes: ['query'] } }) });
    const res = await officer.post(`/api/catalog/resources/${id}/submit`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe('submitted');
    expect((await officer.put(`/api/catalog/resources/${id}`, { content: entryContent() })).status).toBe(409);
  });

  it('only the sharing authority reviews; a return needs reasons', async () => {
    expect((await officer.post(`/api/catalog/resources/${id}/review`, { decision: 'approve' })).status).toBe(403);
    const noReason = await reviewer.post(`/api/catalog/resources/${id}/review`, { decision: 'return' });
    expect(noReason.status).toBe(422);
    const returned = await reviewer.post(`/api/catalog/resources/${id}/review`, { decision: 'return', reasons: '分类应为部门信息资源' });
    expect(returned.body.status).toBe('returned');
    expect(returned.body.version.reviewNote).toBe('分类应为部门信息资源');
  });

  it('publishes after resubmission; approving again is a conflict (409)', async () => {
    await officer.post(`/api/catalog/resources/${id}/submit`);
    const res = await reviewer.post(`/api/catalog/resources/${id}/review`, { decision: 'approve' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'published', publishedVersion: 1 });
    const again = await reviewer.post(`/api/catalog/resources/${id}/review`, { decision: 'approve' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
    // Now other departments see it.
    const seen = await srAdmin.get(`/api/catalog/resources/${id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.code).toBe(code);
  });

  it('keeps every version on revision, shows others the published one, and diffs two versions', async () => {
    const rev = await officer.post(`/api/catalog/resources/${id}/revise`);
    expect(rev.body).toMatchObject({ status: 'draft', latestVersion: 2, publishedVersion: 1 });
    await officer.put(`/api/catalog/resources/${id}`, { content: entryContent({ name: '企业信用监管信息（2026版）', share: { type: 'conditional', conditions: '仅限监管用途', legalBasis: '《企业信息公示暂行条例》第十八条', modes: ['query', 'interface'] } }) });
    const outsider = await srAdmin.get(`/api/catalog/resources/${id}`);
    expect(outsider.body.version.version).toBe(1);
    expect(outsider.body.version.content.name).toBe('企业信用监管信息');
    const diff = await officer.get(`/api/catalog/resources/${id}/diff?from=1&to=2`);
    expect(diff.status).toBe(200);
    expect(diff.body.changes.map((c: { path: string }) => c.path).sort()).toEqual(['name', 'share']);
    const versions = await officer.get(`/api/catalog/resources/${id}/versions`);
    expect(versions.body.items.map((v: { version: number; state: string }) => [v.version, v.state])).toEqual([[2, 'draft'], [1, 'published']]);
    expect((await srAdmin.get(`/api/catalog/resources/${id}/versions/2`)).status).toBe(403);
  });

  it('withdraws with reasons; the code is never given out again', async () => {
    const res = await officer.post(`/api/catalog/resources/${id}/withdraw`, { reasons: '职能调整' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe('withdrawn');
    expect((await srAdmin.get(`/api/catalog/resources/${id}`)).status).toBe(403);
    const next = await officer.post('/api/catalog/resources', { content: entryContent({ name: '第三个资源' }) });
    expect(next.body.code).toBe('207000000/000003');
  });
});

describe('base resources (R-CAT-3)', () => {
  it('refuses to submit a base item that is not shared unconditionally', async () => {
    const content = entryContent({
      classificationCode: '102',
      name: '法人单位基础信息',
      fields: [{ name: '统一社会信用代码', englishName: 'uscc', dataType: 'string', personal: false, sensitive: false, base: true, shareType: 'conditional', shareConditions: 'x', legalBasis: 'y' }],
    });
    const created = await officer.post('/api/catalog/resources', { content });
    expect(created.body.isBase).toBe(true);
    const res = await officer.post(`/api/catalog/resources/${created.body.id}/submit`);
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['/body/fields/0/shareType']);
  });

  it('refuses an unknown classification (422) and a malformed one (400)', async () => {
    expect((await officer.post('/api/catalog/resources', { content: entryContent({ classificationCode: '299' }) })).status).toBe(422);
    expect((await officer.post('/api/catalog/resources', { content: entryContent({ classificationCode: '9' }) })).status).toBe(400);
  });

  it('keeps a department from cataloguing for another department (403)', async () => {
    const other = await t.database.db.selectFrom('identity.department').select('id').where('name', '=', '上饶市公安局').executeTakeFirstOrThrow();
    const res = await officer.post('/api/catalog/resources', { providerDepartmentId: other.id, content: entryContent() });
    expect(res.status).toBe(403);
  });
});
