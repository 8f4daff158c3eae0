import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DEMO_PASSWORD, departmentId, userId, type Agent, type Res, type TestApp } from '../harness.ts';
import {
  agentFrom,
  auditOfResponse,
  countRows,
  eventually,
  expectNoSecrets,
  expectProblem,
  fieldsOf,
  GOOD_PASSWORD,
  liveSessions,
  loginRaw,
  readyUser,
  settle,
  userRow,
} from './helpers.ts';

let t: TestApp;
let admin: Agent;
let ncAdmin: Agent;
let ncApproval: string;
let ncAmr: string;

const INITIAL = 'Tengwang#Pavilion1';

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  ncAdmin = await t.login('nc_admin');
  ncApproval = await departmentId(t, '南昌市行政审批局');
  ncAmr = await departmentId(t, '南昌市市场监督管理局');
});
afterAll(async () => t?.close());

/** Every answer in this file is checked for password material. */
async function checked(p: Promise<Res>): Promise<Res> {
  const res = await p;
  expectNoSecrets(res);
  return res;
}

const body = (username: string, extra: Record<string, unknown> = {}) => ({
  username,
  displayName: `用户${username}`,
  departmentId: ncApproval,
  initialPassword: INITIAL,
  roles: [{ role: 'window_staff', scope: 'department' }],
  ...extra,
});

describe('creating users', () => {
  it('creates a user who must change the initial password at first login', async () => {
    const res = await checked(ncAdmin.post('/api/users', body('u_create', { email: 'u_create@nc.gov.cn', phone: '0791-8888 1234' })));
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      username: 'u_create',
      displayName: '用户u_create',
      departmentId: ncApproval,
      departmentName: '南昌市行政审批局',
      email: 'u_create@nc.gov.cn',
      phone: '0791-8888 1234',
      enabled: true,
      mustChangePassword: true,
      lockedUntil: null,
      lastLoginAt: null,
      roles: [{ role: 'window_staff', scope: 'department' }],
    });
    const row = (await userRow(t, 'u_create'))!;
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain(INITIAL);
    expect(row.must_change_password).toBe(true);

    const entries = await auditOfResponse(t, res);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'identity.user.create', outcome: 'success', actor_id: await userId(t, 'nc_admin'), target_id: res.body.id, department_id: ncApproval });
    expect(JSON.stringify(entries[0].summary)).not.toMatch(/scrypt|Tengwang/);

    const login = await checked(loginRaw(t, 'u_create', INITIAL));
    expect(login.status).toBe(200);
    expect(login.body.mustChangePassword).toBe(true);
    const agent = agentFrom(t, login);
    expectProblem(await agent.get('/api/departments'), 403, 'AUTH_PASSWORD_CHANGE_REQUIRED');
    expect((await agent.post('/api/auth/password', { currentPassword: INITIAL, newPassword: GOOD_PASSWORD })).status).toBe(204);
    expect((await agent.get('/api/departments')).status).toBe(200);
    expect((await checked(ncAdmin.get(`/api/users/${res.body.id}`))).body).toMatchObject({ mustChangePassword: false, lastLoginAt: expect.any(String) });
  });

  it('refuses an initial password that breaks the policy, creating nothing', async () => {
    const before = await countRows(t, 'identity.user');
    for (const weak of ['Abcdefg12', 'alllowercase123', 'ALLUPPERCASELETTERS', '1234567890123', 'Short#1']) {
      const res = await checked(ncAdmin.post('/api/users', body('u_weak', { initialPassword: weak })));
      expectProblem(res, 422, 'PASSWORD_POLICY');
      expect(fieldsOf(res).length).toBeGreaterThan(0);
      expect(new Set(fieldsOf(res))).toEqual(new Set(['/body/initialPassword']));
    }
    expect(await countRows(t, 'identity.user')).toBe(before);
    expect(await userRow(t, 'u_weak')).toBeUndefined();
    // Exactly ten characters of three classes is enough.
    expect((await checked(ncAdmin.post('/api/users', body('u_weak', { initialPassword: 'Abcdefg123' })))).status).toBe(201);
  });

  it('refuses a username that is taken in any letter case, creating nothing', async () => {
    const before = await countRows(t, 'identity.user');
    for (const username of ['NC_ADMIN', 'Nc_Admin', 'U_CREATE']) {
      const res = await checked(ncAdmin.post('/api/users', body(username)));
      expectProblem(res, 409, 'DUPLICATE');
      expect(fieldsOf(res)).toEqual(['/body/username']);
    }
    expect(await countRows(t, 'identity.user')).toBe(before);
  });

  it('gives one 201 and one 409 for simultaneous creates of the same name', async () => {
    const before = await countRows(t, 'identity.user');
    const [a, b] = await Promise.all([ncAdmin.post('/api/users', body('u_race')), admin.post('/api/users', body('U_Race'))]);
    expect([a.status, b.status].sort(), `${a.text} ${b.text}`).toEqual([201, 409]);
    expect((a.status === 409 ? a : b).body.code).toBe('DUPLICATE');
    expect(await countRows(t, 'identity.user')).toBe(before + 1);
  });

  it('validates the body', async () => {
    const before = await countRows(t, 'identity.user');
    const cases: [Record<string, unknown>, string][] = [
      [body('1starts_with_digit'), '/body/username'],
      [body('ab'), '/body/username'],
      [body('has space'), '/body/username'],
      [body('u_bad_mail', { email: 'not-an-email' }), '/body/email'],
      [body('u_bad_phone', { phone: 'call me' }), '/body/phone'],
      [body('u_bad_dept', { departmentId: 'nope' }), '/body/departmentId'],
      [body('u_bad_role', { roles: [{ role: 'emperor', scope: 'department' }] }), '/body/roles/0/role'],
      [body('u_extra', { passwordHash: 'scrypt$1' }), '/body/passwordHash'],
    ];
    for (const [payload, field] of cases) {
      const res = await ncAdmin.post('/api/users', payload);
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res).some((f) => f.startsWith(field)), `${field}: ${res.text}`).toBe(true);
    }
    const unknownDept = await ncAdmin.post('/api/users', body('u_no_dept', { departmentId: '00000000-0000-4000-8000-000000000000' }));
    expectProblem(unknownDept, 422, 'RULE_VIOLATION');
    expect(fieldsOf(unknownDept)).toEqual(['/body/departmentId']);
    const twice = await ncAdmin.post('/api/users', body('u_twice', { roles: [{ role: 'approver', scope: 'department' }, { role: 'approver', scope: 'department' }] }));
    expectProblem(twice, 400, 'VALIDATION_FAILED');
    expect(await countRows(t, 'identity.user')).toBe(before);
  });
});

describe('listing and reading users', () => {
  it('filters by text and department', async () => {
    const q = await checked(ncAdmin.get('/api/users?q=u_create'));
    expect(q.body.items.map((u: { username: string }) => u.username)).toEqual(['u_create']);
    const byName = await checked(ncAdmin.get(`/api/users?q=${encodeURIComponent('红谷滩区审批局管理员')}`));
    expect(byName.body.items.map((u: { username: string }) => u.username)).toEqual(['hgt_admin']);
    const dept = await checked(ncAdmin.get(`/api/users?departmentId=${ncAmr}`));
    expect(dept.body.items.map((u: { username: string }) => u.username)).toEqual(['nc_officer']);
    const all = await checked(admin.get('/api/users?pageSize=500'));
    expect(all.body.total).toBe(await countRows(t, 'identity.user'));
    expectProblem(await ncAdmin.get('/api/users/00000000-0000-4000-8000-000000000000'), 404, 'NOT_FOUND');
  });
});

describe('changing users', () => {
  it('updates the profile and audits the change', async () => {
    const id = await userId(t, 'u_create');
    const res = await checked(ncAdmin.patch(`/api/users/${id}`, { displayName: '王小明', email: null, phone: '13800000000' }));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ displayName: '王小明', email: null, phone: '13800000000' });
    const row = (await userRow(t, 'u_create'))!;
    expect([row.display_name, row.email, row.phone]).toEqual(['王小明', null, '13800000000']);
    const entries = await auditOfResponse(t, res);
    expect(entries).toMatchObject([{ action: 'identity.user.update', outcome: 'success', target_id: id }]);
    const summary = typeof entries[0].summary === 'string' ? JSON.parse(entries[0].summary) : entries[0].summary;
    expect(summary.before).toMatchObject({ displayName: '用户u_create', email: 'u_create@nc.gov.cn' });
    expect(summary.after).toMatchObject({ displayName: '王小明', email: null });
    expectProblem(await ncAdmin.patch(`/api/users/${id}`, { email: 'broken' }), 400, 'VALIDATION_FAILED');
    expectProblem(await ncAdmin.patch(`/api/users/${id}`, { username: 'renamed' }), 400, 'VALIDATION_FAILED');
    expect((await userRow(t, 'u_create'))!.username).toBe('u_create');
    expectProblem(await ncAdmin.patch('/api/users/00000000-0000-4000-8000-000000000000', { displayName: 'x' }), 404, 'NOT_FOUND');
  });

  it('sets roles, which changes what the user may do', async () => {
    const { agent, id } = await readyUser(t, ncAdmin, { username: 'u_roles', departmentId: ncAmr, roles: [{ role: 'data_officer', scope: 'department' }] });
    expectProblem(await agent.get('/api/users'), 403, 'FORBIDDEN');
    const res = await checked(ncAdmin.put(`/api/users/${id}/roles`, { roles: [{ role: 'supervisor', scope: 'division' }, { role: 'data_officer', scope: 'department' }] }));
    expect(res.status, res.text).toBe(200);
    expect(res.body.roles).toEqual([
      { role: 'data_officer', scope: 'department' },
      { role: 'supervisor', scope: 'division' },
    ]);
    const me = await agent.get('/api/auth/me');
    expect(me.body.permissions['org.user.read']).toBe('division');
    const list = await agent.get('/api/users?pageSize=100');
    expect(list.status).toBe(200);
    expect(list.body.items.map((u: { username: string }) => u.username)).toContain('nc_admin');
    expect(await auditOfResponse(t, res)).toMatchObject([{ action: 'identity.user.roles', outcome: 'success', target_id: id }]);

    // Removing every role takes the permissions away again.
    expect((await ncAdmin.put(`/api/users/${id}/roles`, { roles: [] })).body.roles).toEqual([]);
    expectProblem(await agent.get('/api/users'), 403, 'FORBIDDEN');
    expectProblem(await ncAdmin.put(`/api/users/${id}/roles`, { roles: [{ role: 'approver', scope: 'department' }, { role: 'approver', scope: 'division' }] }), 400, 'VALIDATION_FAILED');
    expect(await t.database.db.selectFrom('identity.user_role').selectAll().where('user_id', '=', id).execute()).toEqual([]);
  });

  it('reset-password revokes the user\'s sessions and forces a new password at next login', async () => {
    const { agent, id } = await readyUser(t, ncAdmin, { username: 'u_reset', departmentId: ncApproval, roles: [{ role: 'approver', scope: 'department' }] });
    const second = await t.login('u_reset', GOOD_PASSWORD);
    expect(await liveSessions(t, id)).toHaveLength(2);

    const weak = await checked(ncAdmin.post(`/api/users/${id}/reset-password`, { temporaryPassword: 'temp' }));
    expectProblem(weak, 422, 'PASSWORD_POLICY');
    expect(fieldsOf(weak)[0]).toBe('/body/temporaryPassword');
    expect(await liveSessions(t, id)).toHaveLength(2);
    expect((await agent.get('/api/auth/me')).status).toBe(200);

    const temporary = 'Bayi-Square#99';
    const res = await checked(ncAdmin.post(`/api/users/${id}/reset-password`, { temporaryPassword: temporary }));
    expect(res.status).toBe(204);
    expect(await liveSessions(t, id)).toHaveLength(0);
    expectProblem(await agent.get('/api/auth/me'), 401, 'AUTH_REQUIRED');
    expectProblem(await second.get('/api/departments'), 401, 'AUTH_REQUIRED');
    expectProblem(await loginRaw(t, 'u_reset', GOOD_PASSWORD), 401, 'AUTH_INVALID_CREDENTIALS');

    const login = await checked(loginRaw(t, 'u_reset', temporary));
    expect(login.status).toBe(200);
    expect(login.body.mustChangePassword).toBe(true);
    const fresh = agentFrom(t, login);
    expectProblem(await fresh.get('/api/departments'), 403, 'AUTH_PASSWORD_CHANGE_REQUIRED');
    expect((await fresh.post('/api/auth/password', { currentPassword: temporary, newPassword: 'Another#Good1' })).status).toBe(204);
    expect((await fresh.get('/api/departments')).status).toBe(200);

    const entries = await auditOfResponse(t, res);
    expect(entries).toMatchObject([{ action: 'identity.user.reset_password', outcome: 'success', target_id: id }]);
    expect(JSON.stringify(entries[0].summary)).not.toContain(temporary);
  });

  it('unlocks a locked account', async () => {
    const { id } = await readyUser(t, ncAdmin, { username: 'u_locked', departmentId: ncApproval, roles: [] });
    for (let i = 0; i < 5; i++) await loginRaw(t, 'u_locked', `Wrong#Guess${i}`);
    expectProblem(await loginRaw(t, 'u_locked', GOOD_PASSWORD), 423, 'AUTH_ACCOUNT_LOCKED');
    const shown = await checked(ncAdmin.get(`/api/users/${id}`));
    expect(Date.parse(shown.body.lockedUntil)).toBeGreaterThan(t.clock.now().getTime());

    const res = await checked(ncAdmin.post(`/api/users/${id}/unlock`));
    expect(res.status).toBe(204);
    expect((await userRow(t, 'u_locked'))!).toMatchObject({ locked_until: null, failed_logins: 0 });
    expect((await checked(ncAdmin.get(`/api/users/${id}`))).body.lockedUntil).toBeNull();
    expect(await auditOfResponse(t, res)).toMatchObject([{ action: 'identity.user.unlock', outcome: 'success', target_id: id }]);
    expect((await loginRaw(t, 'u_locked', GOOD_PASSWORD)).status).toBe(200);
  });

  it('disabling a user revokes the sessions and refuses further logins', async () => {
    const { agent, id } = await readyUser(t, ncAdmin, { username: 'u_disabled', departmentId: ncApproval, roles: [{ role: 'approver', scope: 'department' }] });
    const res = await checked(ncAdmin.patch(`/api/users/${id}`, { enabled: false }));
    expect(res.status).toBe(200);
    expect(res.body.enabled).toBe(false);
    expect(await liveSessions(t, id)).toHaveLength(0);
    expectProblem(await agent.get('/api/departments'), 401, 'AUTH_REQUIRED');
    expectProblem(await loginRaw(t, 'u_disabled', GOOD_PASSWORD), 403, 'AUTH_ACCOUNT_DISABLED');
    expect(await liveSessions(t, id)).toHaveLength(0);
    const listed = await ncAdmin.get('/api/users?q=u_disabled');
    expect(listed.body.items[0].enabled).toBe(false);

    expect((await ncAdmin.patch(`/api/users/${id}`, { enabled: true })).status).toBe(200);
    expect((await loginRaw(t, 'u_disabled', GOOD_PASSWORD)).status).toBe(200);
  });

  it('an admin cannot disable itself', async () => {
    const self = await userId(t, 'nc_admin');
    const res = await ncAdmin.patch(`/api/users/${self}`, { enabled: false });
    expectProblem(res, 422, 'RULE_VIOLATION');
    expect(fieldsOf(res)).toEqual(['/body/enabled']);
    expect((await userRow(t, 'nc_admin'))!.enabled).toBe(true);
    expect((await ncAdmin.get('/api/auth/me')).status).toBe(200);
  });
});

describe('secrets', () => {
  it('no answer and no audit entry carries a password hash or a password', async () => {
    const responses = [
      await admin.get('/api/users?pageSize=500'),
      await admin.get(`/api/users/${await userId(t, 'u_create')}`),
      await admin.get('/api/auth/me'),
      await loginRaw(t, 'auditor', DEMO_PASSWORD),
      await admin.get('/api/audit/entries?pageSize=500'),
    ];
    for (const res of responses) {
      expect(res.status).toBe(200);
      expectNoSecrets(res);
    }
    await settle();
    const summaries = await t.database.db.selectFrom('audit.entry').select(['summary']).execute();
    const text = JSON.stringify(summaries);
    for (const secret of ['scrypt$', INITIAL, GOOD_PASSWORD, DEMO_PASSWORD, 'Bayi-Square#99', 'Another#Good1']) expect(text).not.toContain(secret);
  });

  it('failed writes are audited without the submitted password', async () => {
    const res = await ncAdmin.post('/api/users', body('u_audit_weak', { initialPassword: 'weakpass' }));
    expectProblem(res, 422, 'PASSWORD_POLICY');
    const entries = await eventually(() => auditOfResponse(t, res), (e) => e.length > 0);
    expect(entries).toMatchObject([{ action: 'identity.user.create', outcome: 'failure', error_code: 'PASSWORD_POLICY' }]);
    expect(JSON.stringify(entries)).not.toContain('weakpass');
  });
});
