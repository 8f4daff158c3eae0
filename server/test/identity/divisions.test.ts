import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Agent, type TestApp } from '../harness.ts';
import { auditOfResponse, countRows, departmentBody, eventually, expectProblem, fieldsOf } from './helpers.ts';

let t: TestApp;
let admin: Agent;
let ncAdmin: Agent;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  ncAdmin = await t.login('nc_admin');
});
afterAll(async () => t?.close());

interface Node {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
  children: Node[];
}
const find = (nodes: Node[], code: string): Node | undefined => {
  for (const n of nodes) {
    if (n.code === code) return n;
    const inner = find(n.children, code);
    if (inner) return inner;
  }
  return undefined;
};
const division = (code: string) => t.database.db.selectFrom('identity.division').selectAll().where('code', '=', code).executeTakeFirst();

describe('division tree', () => {
  it('contains 江西省 with its 11 cities and their districts', async () => {
    const res = await ncAdmin.get('/api/divisions/tree');
    expect(res.status).toBe(200);
    const items = res.body.items as Node[];
    expect(items.map((n) => n.code)).toEqual(['360000']);
    const jx = items[0];
    expect(jx).toMatchObject({ name: '江西省', level: 'province', parentCode: null });
    expect(jx.children).toHaveLength(11);
    expect(jx.children.every((c) => c.level === 'city' && c.parentCode === '360000')).toBe(true);
    expect(jx.children.map((c) => c.name)).toEqual(
      expect.arrayContaining(['南昌市', '景德镇市', '萍乡市', '九江市', '新余市', '鹰潭市', '赣州市', '吉安市', '宜春市', '抚州市', '上饶市']),
    );
    expect(find(items, '360100')!.children).toHaveLength(9);
    expect(find(items, '361100')!.children).toHaveLength(12);
    expect(find(items, '360113')).toMatchObject({ name: '红谷滩区', level: 'county', parentCode: '360100', children: [] });
  });

  it('needs a login, and answers one division by code', async () => {
    expectProblem(await t.anonymous().get('/api/divisions/tree'), 401, 'AUTH_REQUIRED');
    expect((await ncAdmin.get('/api/divisions/361130')).body).toEqual({ code: '361130', name: '婺源县', level: 'county', parentCode: '361100' });
    expectProblem(await ncAdmin.get('/api/divisions/360199'), 404, 'NOT_FOUND');
    expectProblem(await ncAdmin.get('/api/divisions/36x'), 400, 'VALIDATION_FAILED');
  });
});

describe('adding divisions', () => {
  it('a platform admin adds a township under 红谷滩区', async () => {
    const res = await admin.post('/api/divisions', { code: '360113001', name: '沙井街道' });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({ code: '360113001', name: '沙井街道', level: 'township', parentCode: '360113' });
    expect((await division('360113001'))!.path).toBe('/360000/360100/360113/360113001/');
    const tree = await admin.get('/api/divisions/tree');
    expect(find(tree.body.items, '360113')!.children.map((c) => c.code)).toEqual(['360113001']);
    const entries = await auditOfResponse(t, res);
    expect(entries).toMatchObject([{ action: 'identity.division.create', outcome: 'success', target_id: '360113001', actor_kind: 'user' }]);

    // The new township is inside nc_admin's division: departments can be placed there.
    const dept = await ncAdmin.post('/api/departments', departmentBody('360113', 401, { divisionCode: '360113001' }));
    expect(dept.status, dept.text).toBe(201);
    expect(dept.body.divisionName).toBe('沙井街道');
    const listed = await ncAdmin.get('/api/departments?divisionCode=360113');
    expect(listed.body.items.map((d: { id: string }) => d.id)).toContain(dept.body.id);
  });

  it('accepts an explicit parent that contains the code', async () => {
    const res = await admin.post('/api/divisions', { code: '360113002', name: '卫东街道', parentCode: '360113' });
    expect(res.status, res.text).toBe(201);
    expect(res.body.parentCode).toBe('360113');
  });

  it('refuses anyone but a platform admin, adding nothing', async () => {
    const before = await countRows(t, 'identity.division');
    for (const user of ['nc_admin', 'auditor', 'nc_officer']) {
      const agent = user === 'nc_admin' ? ncAdmin : await t.login(user);
      const res = await agent.post('/api/divisions', { code: '360113003', name: '红谷滩街道' });
      expectProblem(res, 403, 'FORBIDDEN');
      expectProblem(await agent.patch('/api/divisions/360113', { name: '改名区' }), 403, 'FORBIDDEN');
    }
    expectProblem(await t.anonymous().post('/api/divisions', { code: '360113003', name: '红谷滩街道' }), 401, 'AUTH_REQUIRED');
    expect(await countRows(t, 'identity.division')).toBe(before);
    expect(await division('360113003')).toBeUndefined();
    expect((await division('360113'))!.name).toBe('红谷滩区');
  });

  it('refuses malformed codes with 400 and invalid ones with 422', async () => {
    const before = await countRows(t, 'identity.division');
    for (const code of ['3601130', '36011300a', '360113-01', '']) {
      const res = await admin.post('/api/divisions', { code, name: '坏代码' });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toContain('/body/code');
    }
    for (const code of ['990100', '360113000', '360000001']) {
      const res = await admin.post('/api/divisions', { code, name: '无效代码' });
      expectProblem(res, 422, 'DIVISION_INVALID');
      expect(fieldsOf(res)).toContain('/body/code');
    }
    const wrongParent = await admin.post('/api/divisions', { code: '360113004', name: '错上级', parentCode: '361100' });
    expectProblem(wrongParent, 422, 'DIVISION_INVALID');
    expect(fieldsOf(wrongParent)).toEqual(['/body/parentCode']);
    const noParent = await admin.post('/api/divisions', { code: '360199001', name: '无上级' });
    expectProblem(noParent, 422, 'DIVISION_NOT_FOUND');
    expect(fieldsOf(noParent)).toEqual(['/body/parentCode']);
    expectProblem(await admin.post('/api/divisions', { code: '360113005', name: '' }), 400, 'VALIDATION_FAILED');
    expect(await countRows(t, 'identity.division')).toBe(before);
  });

  it('refuses a code that exists with 409 DUPLICATE, keeping the original', async () => {
    const res = await admin.post('/api/divisions', { code: '360113001', name: '另一个沙井' });
    expectProblem(res, 409, 'DUPLICATE');
    expect(fieldsOf(res)).toEqual(['/body/code']);
    expectProblem(await admin.post('/api/divisions', { code: '360100', name: '南昌' }), 409, 'DUPLICATE');
    expect((await division('360113001'))!.name).toBe('沙井街道');
    expect((await division('360100'))!.name).toBe('南昌市');
    const entries = await eventually(() => auditOfResponse(t, res), (e) => e.length > 0);
    expect(entries).toMatchObject([{ action: 'identity.division.create', outcome: 'failure', error_code: 'DUPLICATE' }]);
  });

  it('renames a division', async () => {
    const res = await admin.patch('/api/divisions/360113002', { name: '卫东街道办事处' });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('卫东街道办事处');
    expect((await division('360113002'))!.name).toBe('卫东街道办事处');
    expect(await auditOfResponse(t, res)).toMatchObject([{ action: 'identity.division.update', outcome: 'success', target_id: '360113002' }]);
    expectProblem(await admin.patch('/api/divisions/360199', { name: '不存在' }), 404, 'NOT_FOUND');
  });
});
