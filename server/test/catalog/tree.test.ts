import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, departmentId, userId, type Agent, type TestApp } from '../harness.ts';
import { entryContent } from './helpers.ts';

/**
 * The catalog tree and the aggregated view per level: published entries of a county (婺源县), a
 * city (上饶市, 南昌市) and the province, rolled up county → city → province; drafts, submissions
 * and withdrawn entries are not counted.
 */
let t: TestApp;
let admin: Agent;
let authority: Agent; // 江西省 sharing authority (province and below)
let county: Agent; // 婺源县市场监督管理局
let city: Agent; // 上饶市公安局
let province: Agent; // 江西省市场监督管理局
let nc: Agent; // 南昌市市场监督管理局

async function officerOf(dept: string, username: string): Promise<Agent> {
  const res = await admin.post('/api/users', {
    username,
    displayName: `${dept}数据专员`,
    departmentId: await departmentId(t, dept),
    initialPassword: 'Officer#2026x',
    roles: [{ role: 'data_officer', scope: 'department' }],
  });
  if (res.status !== 201) throw new Error(res.text);
  await t.database.db.updateTable('identity.user').set({ must_change_password: false }).where('id', '=', await userId(t, username)).execute();
  return t.login(username, 'Officer#2026x');
}

async function draft(agent: Agent, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await agent.post('/api/catalog/resources', { content: entryContent(overrides) });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

async function publish(agent: Agent, overrides: Record<string, unknown> = {}): Promise<string> {
  const id = await draft(agent, overrides);
  const sub = await agent.post(`/api/catalog/resources/${id}/submit`);
  expect(sub.status, sub.text).toBe(200);
  const rev = await authority.post(`/api/catalog/resources/${id}/review`, { decision: 'approve' });
  expect(rev.status, rev.text).toBe(200);
  return id;
}

const conditional = { share: { type: 'conditional', conditions: '仅限履职使用', legalBasis: '《政务信息资源共享管理暂行办法》第九条', modes: ['query'] } };

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  authority = await t.login('jx_authority');
  nc = await t.login('nc_officer');
  county = await officerOf('婺源县市场监督管理局', 'wy_officer');
  city = await officerOf('上饶市公安局', 'srpsb_officer');
  province = await officerOf('江西省市场监督管理局', 'jxamr_officer');
});
afterAll(async () => t?.close());

type Totals = { resources: number; byShareType: Record<string, number>; byOpenType: Record<string, number> };
type Node = { key: string; kind: string; code: string; name: string; id: string | null; count: number; children: Node[] };
const find = (nodes: Node[], key: string): Node | undefined => {
  for (const n of nodes) {
    if (n.key === key) return n;
    const hit = find(n.children, key);
    if (hit) return hit;
  }
  return undefined;
};

describe('catalog tree and aggregated view', () => {
  it('counts nothing before anything is published', async () => {
    await draft(county, { name: '尚未提交的草稿' });
    const agg = await admin.get('/api/catalog/aggregate?divisionCode=360000');
    expect(agg.status, agg.text).toBe(200);
    expect(agg.body.total).toEqual({ resources: 0, byShareType: { unconditional: 0, conditional: 0, none: 0 }, byOpenType: { open: 0, conditional: 0, closed: 0 } });
    expect(agg.body.children).toHaveLength(11);
    const tree = await admin.get('/api/catalog/tree?by=department');
    expect(tree.body).toEqual({ by: 'department', items: [] });
  });

  it('counts published entries of a county, a city and the province, rolled up', async () => {
    await publish(county, { classificationCode: '207', open: { type: 'open' } });
    await publish(county, { classificationCode: '101', name: '婺源县市场主体登记', ...conditional });
    await publish(city, { classificationCode: '211', name: '上饶市治安管理信息' });
    await publish(province, { classificationCode: '207', ...conditional, open: { type: 'conditional', conditions: '经申请' } });
    await publish(nc, { classificationCode: '3' });

    const wy = (await county.get('/api/catalog/aggregate?divisionCode=361130')).body;
    expect(wy.division).toEqual({ code: '361130', name: '婺源县', level: 'county', parentCode: '361100' });
    expect(wy.total.resources).toBe(2);
    expect(wy.children).toEqual([]);
    expect(wy.departments).toEqual([{ id: await departmentId(t, '婺源县市场监督管理局'), name: '婺源县市场监督管理局', resources: 2, byShareType: { unconditional: 1, conditional: 1, none: 0 }, byOpenType: { open: 1, conditional: 0, closed: 1 } }]);

    const sr = (await county.get('/api/catalog/aggregate?divisionCode=361100')).body;
    expect(sr.total.resources).toBe(3);
    expect(sr.total.byShareType).toEqual({ unconditional: 2, conditional: 1, none: 0 });
    const srDepts = Object.fromEntries(sr.departments.map((d: { name: string; resources: number }) => [d.name, d.resources]));
    expect(srDepts).toEqual({ 上饶市公安局: 1, 上饶市行政审批局: 0 });
    const wyRow = sr.children.find((c: { code: string }) => c.code === '361130');
    expect(wyRow).toMatchObject({ name: '婺源县', level: 'county', resources: 2 });
    expect(sr.children.filter((c: Totals) => c.resources > 0)).toHaveLength(1);

    const jx = (await nc.get('/api/catalog/aggregate?divisionCode=360000')).body;
    expect(jx.total).toEqual({ resources: 5, byShareType: { unconditional: 3, conditional: 2, none: 0 }, byOpenType: { open: 1, conditional: 1, closed: 3 } });
    const children = Object.fromEntries(jx.children.map((c: Totals & { code: string }) => [c.code, c.resources]));
    expect(children['361100']).toBe(3);
    expect(children['360100']).toBe(1);
    expect(Object.values(children).reduce((a, b) => (a as number) + (b as number), 0)).toBe(4);
    const amr = jx.departments.find((d: { name: string }) => d.name === '江西省市场监督管理局');
    expect(amr.resources).toBe(1);
    // The roll-up adds up: the province's own departments plus its cities.
    const own = jx.departments.reduce((s: number, d: Totals) => s + d.resources, 0);
    expect(own + 4).toBe(jx.total.resources);
    expect(jx.classifications).toEqual([
      { code: '1', name: '基础信息资源', count: 1 },
      { code: '2', name: '主题信息资源', count: 3 },
      { code: '3', name: '部门信息资源', count: 1 },
    ]);
  });

  it('gives the tree by classification with counts per node and below', async () => {
    const res = await city.get('/api/catalog/tree?by=classification');
    expect(res.status, res.text).toBe(200);
    const items = res.body.items as Node[];
    expect(items.map((n) => [n.code, n.count])).toEqual([['1', 1], ['2', 3], ['3', 1]]);
    expect(find(items, 'c:207')).toMatchObject({ kind: 'classification', name: '信用体系', count: 2 });
    expect(find(items, 'c:101')?.count).toBe(1);
    expect(find(items, 'c:201')?.count).toBe(0);
    // The default is by classification.
    expect((await city.get('/api/catalog/tree')).body.items).toEqual(items);
  });

  it('gives the tree by department: division → department, rolled up', async () => {
    const res = await province.get('/api/catalog/tree?by=department');
    const items = res.body.items as Node[];
    expect(items.map((n) => [n.key, n.count])).toEqual([['v:360000', 5]]);
    expect(find(items, 'v:361100')?.count).toBe(3);
    expect(find(items, 'v:361130')?.count).toBe(2);
    const wyId = await departmentId(t, '婺源县市场监督管理局');
    expect(find(items, `d:${wyId}`)).toMatchObject({ kind: 'department', name: '婺源县市场监督管理局', id: wyId, count: 2, children: [] });
    // Divisions without published entries are left out.
    expect(find(items, 'v:360200')).toBeUndefined();
    // The province's own department comes before its cities.
    expect(items[0].children[0]).toMatchObject({ kind: 'department', name: '江西省市场监督管理局' });
  });

  it('does not count drafts, submissions or withdrawn entries; a revision counts as published', async () => {
    const submitted = await draft(city, { name: '待审核条目' });
    expect((await city.post(`/api/catalog/resources/${submitted}/submit`)).status).toBe(200);
    const withdrawn = await publish(city, { name: '将撤销条目' });
    expect((await admin.get('/api/catalog/aggregate?divisionCode=361100')).body.total.resources).toBe(4);
    const w = await city.post(`/api/catalog/resources/${withdrawn}/withdraw`, { reasons: '职能调整' });
    expect(w.status, w.text).toBe(200);
    // A revision in progress changes the share type of the draft, not of what is published.
    const revised = await publish(city, { name: '修订中条目' });
    expect((await city.post(`/api/catalog/resources/${revised}/revise`)).status).toBe(200);
    const put = await city.put(`/api/catalog/resources/${revised}`, { content: entryContent({ name: '修订中条目', ...conditional }) });
    expect(put.status, put.text).toBe(200);

    const sr = (await admin.get('/api/catalog/aggregate?divisionCode=361100')).body;
    expect(sr.total.resources).toBe(4);
    expect(sr.total.byShareType).toEqual({ unconditional: 3, conditional: 1, none: 0 });
    const tree = (await admin.get('/api/catalog/tree?by=department')).body.items as Node[];
    expect(find(tree, 'v:361100')?.count).toBe(4);
    expect(find(tree, 'v:360000')?.count).toBe(6);
  });

  it('filters the list by the provider’s division, that division and below', async () => {
    const sr = await admin.get('/api/catalog/resources?divisionCode=361100&status=published&pageSize=100');
    expect(sr.status, sr.text).toBe(200);
    // The entry under revision has the status of its draft.
    expect(sr.body.total).toBe(3);
    expect(new Set(sr.body.items.map((r: { providerDepartmentName: string }) => r.providerDepartmentName))).toEqual(new Set(['婺源县市场监督管理局', '上饶市公安局']));
    expect((await admin.get('/api/catalog/resources?divisionCode=361130&status=published')).body.total).toBe(2);
    expect((await admin.get('/api/catalog/resources?divisionCode=360200')).body.total).toBe(0);
  });

  it('defaults to the caller’s division, refuses an unknown one, and needs a login', async () => {
    const own = await county.get('/api/catalog/aggregate');
    expect(own.body.division.code).toBe('361130');
    const missing = await admin.get('/api/catalog/aggregate?divisionCode=369900');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    const bad = await admin.get('/api/catalog/tree?by=owner');
    expect(bad.status).toBe(400);
    expect((await t.anonymous().get('/api/catalog/tree')).status).toBe(401);
  });
});
