import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, departmentId, userId, type Agent, type TestApp } from '../harness.ts';
import { auditOfResponse, countRows, departmentBody, eventually, expectProblem, fieldsOf, userRow } from './helpers.ts';

let t: TestApp;
let dept: Record<string, string>;
let user: Record<string, string>;
const agents: Record<string, Agent> = {};

const GOOD = 'Xinjiang#Gate2026';
const newUser = (username: string, departmentId: string, roles: { role: string; scope: string }[] = [{ role: 'approver', scope: 'department' }]) => ({
  username,
  displayName: username,
  departmentId,
  initialPassword: GOOD,
  roles,
});

beforeAll(async () => {
  t = await createTestApp();
  dept = {
    jxInfo: await departmentId(t, '江西省信息中心（江西省大数据中心）'),
    jxAudit: await departmentId(t, '江西省审计厅'),
    ncInfo: await departmentId(t, '南昌市大数据发展管理局'),
    ncApproval: await departmentId(t, '南昌市行政审批局'),
    ncAmr: await departmentId(t, '南昌市市场监督管理局'),
    hgt: await departmentId(t, '南昌市红谷滩区行政审批局'),
    srApproval: await departmentId(t, '上饶市行政审批局'),
    srPsb: await departmentId(t, '上饶市公安局'),
  };
  user = {};
  for (const u of ['admin', 'auditor', 'supervisor', 'nc_admin', 'hgt_admin', 'sr_admin', 'nc_officer', 'newstaff']) user[u] = await userId(t, u);
  for (const u of ['admin', 'auditor', 'nc_admin', 'hgt_admin', 'sr_admin', 'nc_officer']) agents[u] = await t.login(u);
});
afterAll(async () => t?.close());

const usernames = (res: { body: { items: { username: string }[] } }) => res.body.items.map((u) => u.username).sort();
const names = (res: { body: { items: { name: string }[] } }) => res.body.items.map((d) => d.name).sort();

describe('lists return only rows in scope', () => {
  it('users', async () => {
    const nc = await agents.nc_admin.get('/api/users?pageSize=100');
    expect(nc.status).toBe(200);
    expect(nc.body.total).toBe(6);
    expect(usernames(nc)).toEqual(['hgt_admin', 'nc_admin', 'nc_authority', 'nc_officer', 'ncsp_officer', 'newstaff']);

    const hgt = await agents.hgt_admin.get('/api/users?pageSize=100');
    expect(hgt.body.total).toBe(1);
    expect(usernames(hgt)).toEqual(['hgt_admin']);

    const sr = await agents.sr_admin.get('/api/users?pageSize=100');
    expect(sr.body.total).toBe(1);
    expect(usernames(sr)).toEqual(['sr_admin']);

    const auditor = await agents.auditor.get('/api/users?pageSize=100');
    expect(auditor.body.total).toBe(11);

    // Paging does not change the total, and a page never leaks out-of-scope rows.
    const page2 = await agents.nc_admin.get('/api/users?pageSize=3&page=2');
    expect(page2.body).toMatchObject({ total: 6, page: 2, pageSize: 3 });
    expect(usernames(page2)).toHaveLength(3);
  });

  it('departments', async () => {
    const nc = await agents.nc_admin.get('/api/departments?pageSize=100');
    expect(nc.body.total).toBe(4);
    expect(names(nc)).toEqual(['南昌市大数据发展管理局', '南昌市市场监督管理局', '南昌市红谷滩区行政审批局', '南昌市行政审批局'].sort());
    const hgt = await agents.hgt_admin.get('/api/departments?pageSize=100');
    expect(names(hgt)).toEqual(['南昌市红谷滩区行政审批局']);
    expect(hgt.body.total).toBe(1);
    const sr = await agents.sr_admin.get('/api/departments?pageSize=100');
    expect(names(sr)).toEqual(['上饶市行政审批局']);
    expect(sr.body.total).toBe(1);
    // Filtering by another division does not widen the scope.
    const srCity = await agents.sr_admin.get('/api/departments?divisionCode=361100');
    expect(srCity.body.total).toBe(1);
    const ncProvince = await agents.nc_admin.get('/api/departments?divisionCode=360000');
    expect(ncProvince.body.total).toBe(4);
    expect((await agents.auditor.get('/api/departments?pageSize=100')).body.total).toBe(15);
  });

  it('refuses a list filtered on a department outside the scope', async () => {
    expectProblem(await agents.nc_admin.get(`/api/users?departmentId=${dept.srApproval}`), 403, 'OUT_OF_SCOPE');
    expectProblem(await agents.sr_admin.get(`/api/users?departmentId=${dept.srPsb}`), 403, 'OUT_OF_SCOPE');
    const own = await agents.nc_admin.get(`/api/users?departmentId=${dept.hgt}`);
    expect(usernames(own)).toEqual(['hgt_admin']);
  });
});

describe('nc_admin (南昌市数据局, department_admin, division scope)', () => {
  it('creates users in 南昌市 and 红谷滩区 departments', async () => {
    const city = await agents.nc_admin.post('/api/users', newUser('perm_nc_city', dept.ncAmr));
    expect(city.status, city.text).toBe(201);
    expect(city.body).toMatchObject({ username: 'perm_nc_city', departmentId: dept.ncAmr, mustChangePassword: true });
    const county = await agents.nc_admin.post('/api/users', newUser('perm_nc_county', dept.hgt));
    expect(county.status, county.text).toBe(201);
    expect((await agents.nc_admin.get(`/api/users/${county.body.id}`)).status).toBe(200);
    expect((await agents.nc_admin.get(`/api/users/${user.hgt_admin}`)).body.username).toBe('hgt_admin');
  });

  it('gets 403 OUT_OF_SCOPE reading or changing a user of 上饶市行政审批局 or of a province department', async () => {
    for (const target of [user.sr_admin, user.auditor]) {
      expectProblem(await agents.nc_admin.get(`/api/users/${target}`), 403, 'OUT_OF_SCOPE');
      const before = await t.database.db.selectFrom('identity.user').selectAll().where('id', '=', target).executeTakeFirstOrThrow();
      const patch = await agents.nc_admin.patch(`/api/users/${target}`, { displayName: '被篡改' });
      expectProblem(patch, 403, 'OUT_OF_SCOPE');
      expectProblem(await agents.nc_admin.post(`/api/users/${target}/reset-password`, { temporaryPassword: 'Hijack#Pass2026' }), 403, 'OUT_OF_SCOPE');
      expectProblem(await agents.nc_admin.put(`/api/users/${target}/roles`, { roles: [] }), 403, 'OUT_OF_SCOPE');
      expectProblem(await agents.nc_admin.post(`/api/users/${target}/unlock`), 403, 'OUT_OF_SCOPE');
      const after = await t.database.db.selectFrom('identity.user').selectAll().where('id', '=', target).executeTakeFirstOrThrow();
      expect(after).toEqual(before);
      expect((await t.database.db.selectFrom('identity.user_role').select('role').where('user_id', '=', target).execute()).length).toBe(1);

      const entries = await eventually(() => auditOfResponse(t, patch), (e) => e.length > 0);
      expect(entries).toMatchObject([{ action: 'identity.user.update', outcome: 'denied', error_code: 'OUT_OF_SCOPE', actor_id: user.nc_admin }]);
    }
  });

  it('gets 403 reading or changing a department outside 南昌市', async () => {
    for (const d of [dept.srApproval, dept.jxInfo]) {
      expectProblem(await agents.nc_admin.get(`/api/departments/${d}`), 403, 'OUT_OF_SCOPE');
      const before = await t.database.db.selectFrom('identity.department').selectAll().where('id', '=', d).executeTakeFirstOrThrow();
      expectProblem(await agents.nc_admin.patch(`/api/departments/${d}`, { name: '被改名的部门' }), 403, 'OUT_OF_SCOPE');
      expect(await t.database.db.selectFrom('identity.department').selectAll().where('id', '=', d).executeTakeFirstOrThrow()).toEqual(before);
    }
    expect((await agents.nc_admin.get(`/api/departments/${dept.hgt}`)).status).toBe(200);
  });

  it('cannot create a user in a department outside its scope; nothing is created', async () => {
    const before = await countRows(t, 'identity.user');
    for (const d of [dept.srApproval, dept.jxInfo]) {
      const res = await agents.nc_admin.post('/api/users', newUser('perm_outside', d));
      expectProblem(res, 403, 'OUT_OF_SCOPE');
    }
    expect(await countRows(t, 'identity.user')).toBe(before);
    expect(await userRow(t, 'perm_outside')).toBeUndefined();
  });

  it('cannot create a department outside 南昌市', async () => {
    const before = await countRows(t, 'identity.department');
    expectProblem(await agents.nc_admin.post('/api/departments', departmentBody('361100', 301)), 403, 'OUT_OF_SCOPE');
    expectProblem(await agents.nc_admin.post('/api/departments', departmentBody('360000', 302)), 403, 'OUT_OF_SCOPE');
    expect(await countRows(t, 'identity.department')).toBe(before);
    expect((await agents.nc_admin.post('/api/departments', departmentBody('360102', 303))).status).toBe(201);
  });
});

describe('hgt_admin (红谷滩区, division scope)', () => {
  it('cannot create a department at 南昌市 level, can in 360113', async () => {
    const before = await countRows(t, 'identity.department');
    const city = await agents.hgt_admin.post('/api/departments', departmentBody('360100', 311));
    expectProblem(city, 403, 'OUT_OF_SCOPE');
    expectProblem(await agents.hgt_admin.post('/api/departments', departmentBody('360102', 312)), 403, 'OUT_OF_SCOPE');
    expect(await countRows(t, 'identity.department')).toBe(before);
    const own = await agents.hgt_admin.post('/api/departments', departmentBody('360113', 313));
    expect(own.status, own.text).toBe(201);
    expect(own.body.divisionCode).toBe('360113');
    expect(await countRows(t, 'identity.department')).toBe(before + 1);
  });

  it('cannot attach a new unit to a city department, even one placed in its own district', async () => {
    const before = await countRows(t, 'identity.department');
    const res = await agents.hgt_admin.post('/api/departments', departmentBody('360113', 314, { name: '南昌市市场监督管理局红谷滩分局', parentId: dept.ncAmr }));
    expectProblem(res, 403, 'OUT_OF_SCOPE');
    expect(await countRows(t, 'identity.department')).toBe(before);
    const children = await agents.nc_admin.get(`/api/departments?parentId=${dept.ncAmr}`);
    expect(children.body.total).toBe(0);
    // The city admin, whose department it is in scope, can.
    const ok = await agents.nc_admin.post('/api/departments', departmentBody('360113', 314, { name: '南昌市市场监督管理局红谷滩分局', parentId: dept.ncAmr }));
    expect(ok.status, ok.text).toBe(201);
    // And the county admin may hang units under its own department.
    const own = await agents.hgt_admin.post('/api/departments', departmentBody('360113', 315, { parentId: dept.hgt }));
    expect(own.status, own.text).toBe(201);
  });

  it('cannot read or change users of the city', async () => {
    expectProblem(await agents.hgt_admin.get(`/api/users/${user.nc_admin}`), 403, 'OUT_OF_SCOPE');
    expectProblem(await agents.hgt_admin.get(`/api/users/${user.nc_officer}`), 403, 'OUT_OF_SCOPE');
    const hash = (await userRow(t, 'nc_officer'))!.password_hash;
    expectProblem(await agents.hgt_admin.post(`/api/users/${user.nc_officer}/reset-password`, { temporaryPassword: 'Hijack#Pass2026' }), 403, 'OUT_OF_SCOPE');
    expectProblem(await agents.hgt_admin.patch(`/api/users/${user.nc_officer}`, { enabled: false }), 403, 'OUT_OF_SCOPE');
    const row = (await userRow(t, 'nc_officer'))!;
    expect(row.password_hash).toBe(hash);
    expect(row.enabled).toBe(true);
    expect((await agents.nc_officer.get('/api/auth/me')).status).toBe(200);
    expectProblem(await agents.hgt_admin.post('/api/users', newUser('perm_hgt_city', dept.ncApproval)), 403, 'OUT_OF_SCOPE');
    expect(await userRow(t, 'perm_hgt_city')).toBeUndefined();
  });
});

describe('sr_admin (上饶市审批局, department scope)', () => {
  it('sees and manages only its own department\'s users', async () => {
    const created = await agents.sr_admin.post('/api/users', newUser('perm_sr_own', dept.srApproval));
    expect(created.status, created.text).toBe(201);
    const list = await agents.sr_admin.get('/api/users?pageSize=100');
    expect(list.body.total).toBe(2);
    expect(usernames(list)).toEqual(['perm_sr_own', 'sr_admin']);
    expectProblem(await agents.sr_admin.post('/api/users', newUser('perm_sr_psb', dept.srPsb)), 403, 'OUT_OF_SCOPE');
    expect(await userRow(t, 'perm_sr_psb')).toBeUndefined();
    expectProblem(await agents.sr_admin.get(`/api/departments/${dept.srPsb}`), 403, 'OUT_OF_SCOPE');
  });

  it('cannot create a department at 上饶市 level, nor under another department', async () => {
    const before = await countRows(t, 'identity.department');
    expectProblem(await agents.sr_admin.post('/api/departments', departmentBody('361100', 321)), 403, 'OUT_OF_SCOPE');
    expectProblem(await agents.sr_admin.post('/api/departments', departmentBody('361102', 322)), 403, 'OUT_OF_SCOPE');
    expectProblem(await agents.sr_admin.post('/api/departments', departmentBody('361100', 323, { parentId: dept.srPsb })), 403, 'OUT_OF_SCOPE');
    expect(await countRows(t, 'identity.department')).toBe(before);
    // A unit under its own department is within its reach.
    const sub = await agents.sr_admin.post('/api/departments', departmentBody('361100', 324, { parentId: dept.srApproval }));
    expect(sub.status, sub.text).toBe(201);
    expect(sub.body.parentId).toBe(dept.srApproval);
  });
});

describe('roles without management permissions', () => {
  it('nc_officer (data officer) gets 403 FORBIDDEN on POST /api/users and on user lists', async () => {
    const before = await countRows(t, 'identity.user');
    const res = await agents.nc_officer.post('/api/users', newUser('perm_by_officer', dept.ncAmr));
    const body = expectProblem(res, 403, 'FORBIDDEN');
    expect(body.permission).toBe('org.user.manage');
    expect(await countRows(t, 'identity.user')).toBe(before);
    expectProblem(await agents.nc_officer.get('/api/users'), 403, 'FORBIDDEN');
    expectProblem(await agents.nc_officer.post('/api/departments', departmentBody('360100', 331)), 403, 'FORBIDDEN');
    // What it holds, it may use.
    expect((await agents.nc_officer.get('/api/departments')).status).toBe(200);
    const entries = await eventually(() => auditOfResponse(t, res), (e) => e.length > 0);
    expect(entries).toMatchObject([{ action: 'identity.user.create', outcome: 'denied', error_code: 'FORBIDDEN', actor_id: user.nc_officer }]);
  });

  it('auditor reads everything but manages nothing', async () => {
    expect((await agents.auditor.get(`/api/users/${user.sr_admin}`)).status).toBe(200);
    expect((await agents.auditor.get(`/api/departments/${dept.hgt}`)).status).toBe(200);
    expect((await agents.auditor.get('/api/clients')).status).toBe(200);
    const users = await countRows(t, 'identity.user');
    const depts = await countRows(t, 'identity.department');
    expectProblem(await agents.auditor.post('/api/users', newUser('perm_by_auditor', dept.jxAudit)), 403, 'FORBIDDEN');
    expectProblem(await agents.auditor.patch(`/api/users/${user.sr_admin}`, { displayName: 'x' }), 403, 'FORBIDDEN');
    expectProblem(await agents.auditor.post(`/api/users/${user.sr_admin}/reset-password`, { temporaryPassword: 'Hijack#Pass2026' }), 403, 'FORBIDDEN');
    expectProblem(await agents.auditor.post('/api/departments', departmentBody('360000', 341)), 403, 'FORBIDDEN');
    expectProblem(await agents.auditor.patch(`/api/departments/${dept.hgt}`, { name: '审计员改名' }), 403, 'FORBIDDEN');
    expectProblem(await agents.auditor.post('/api/divisions', { code: '360113001', name: '沙井街道' }), 403, 'FORBIDDEN');
    expect(await countRows(t, 'identity.user')).toBe(users);
    expect(await countRows(t, 'identity.department')).toBe(depts);
    expect((await userRow(t, 'sr_admin'))!.display_name).toBe('上饶市审批局管理员');
  });
});

describe('granting roles', () => {
  it('an admin cannot grant platform_admin or a scope wider than its own; nothing is created', async () => {
    const before = await countRows(t, 'identity.user');
    const platform = await agents.nc_admin.post('/api/users', newUser('perm_grant_pa', dept.ncInfo, [{ role: 'platform_admin', scope: 'platform' }]));
    expectProblem(platform, 403, 'FORBIDDEN');
    expect(fieldsOf(platform)).toEqual(['/body/roles/0']);
    const wide = await agents.nc_admin.post(
      '/api/users',
      newUser('perm_grant_wide', dept.ncInfo, [{ role: 'approver', scope: 'department' }, { role: 'department_admin', scope: 'platform' }]),
    );
    expectProblem(wide, 403, 'FORBIDDEN');
    expect(fieldsOf(wide)).toEqual(['/body/roles/1']);
    const srWide = await agents.sr_admin.post('/api/users', newUser('perm_grant_sr', dept.srApproval, [{ role: 'window_staff', scope: 'division' }]));
    expectProblem(srWide, 403, 'FORBIDDEN');
    expect(await countRows(t, 'identity.user')).toBe(before);

    // Within its own reach it may grant.
    const ok = await agents.nc_admin.post('/api/users', newUser('perm_grant_ok', dept.ncInfo, [{ role: 'department_admin', scope: 'division' }]));
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.roles).toEqual([{ role: 'department_admin', scope: 'division' }]);
  });

  it('setting roles follows the same limits and leaves the roles unchanged when refused', async () => {
    const id = await userId(t, 'perm_grant_ok');
    const roles = () => t.database.db.selectFrom('identity.user_role').select(['role', 'scope']).where('user_id', '=', id).orderBy('role').execute();
    const before = await roles();
    expectProblem(await agents.nc_admin.put(`/api/users/${id}/roles`, { roles: [{ role: 'platform_admin', scope: 'platform' }] }), 403, 'FORBIDDEN');
    expectProblem(await agents.nc_admin.put(`/api/users/${id}/roles`, { roles: [{ role: 'auditor', scope: 'platform' }] }), 403, 'FORBIDDEN');
    expect(await roles()).toEqual(before);
    const set = await agents.nc_admin.put(`/api/users/${id}/roles`, { roles: [{ role: 'auditor', scope: 'division' }, { role: 'approver', scope: 'department' }] });
    expect(set.status, set.text).toBe(200);
    expect(await roles()).toEqual([{ role: 'approver', scope: 'department' }, { role: 'auditor', scope: 'division' }]);
  });

  it('only a platform admin grants platform_admin, and a lesser admin cannot take that account over', async () => {
    const created = await agents.admin.post('/api/users', newUser('perm_city_pa', dept.ncInfo, [{ role: 'platform_admin', scope: 'platform' }]));
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    const before = (await userRow(t, 'perm_city_pa'))!;

    // The account sits in nc_admin's division, but its role is beyond nc_admin's reach.
    expectProblem(await agents.nc_admin.put(`/api/users/${id}/roles`, { roles: [] }), 403, 'FORBIDDEN');
    const reset = await agents.nc_admin.post(`/api/users/${id}/reset-password`, { temporaryPassword: 'Takeover#2026x' });
    expectProblem(reset, 403, 'FORBIDDEN');
    const after = (await userRow(t, 'perm_city_pa'))!;
    expect(after.password_hash).toBe(before.password_hash);
    expect(after.must_change_password).toBe(before.must_change_password);
    expect((await t.anonymous().post('/api/auth/login', { username: 'perm_city_pa', password: 'Takeover#2026x' })).status).toBe(401);

    // The platform admin can.
    expect((await agents.admin.post(`/api/users/${id}/reset-password`, { temporaryPassword: 'Legit#Reset2026' })).status).toBe(204);
  });
});
