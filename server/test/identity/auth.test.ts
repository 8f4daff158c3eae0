import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, createTestApp, DEMO_PASSWORD, departmentId, userId, type TestApp } from '../harness.ts';
import {
  agentFrom,
  auditOfResponse,
  auditWhere,
  countRows,
  departmentBody,
  eventually,
  expectProblem,
  fieldsOf,
  GOOD_PASSWORD,
  liveSessions,
  loginRaw,
  OTHER_GOOD_PASSWORD,
  readyUser,
  userRow,
} from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('login', () => {
  it('sets an HttpOnly SameSite=Strict session cookie and returns a CSRF token, never the session token', async () => {
    const res = await loginRaw(t, 'auditor');
    expect(res.status).toBe(200);
    const setCookie = res.headers['set-cookie'];
    const cookie = Array.isArray(setCookie) ? setCookie[0] : String(setCookie);
    expect(cookie).toMatch(/^zt_session=[A-Za-z0-9_-]{40,};/);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Strict/i);
    expect(cookie).toMatch(/;\s*Path=\/(;|$)/i);
    const token = cookie.split(';')[0].split('=')[1];
    expect(res.text).not.toContain(token);
    expect(res.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(res.body.mustChangePassword).toBe(false);
    expect(res.body.user).toMatchObject({ username: 'auditor', kind: 'user', departmentName: '江西省审计厅' });

    const me = await agentFrom(t, res).get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('auditor');

    const id = await userId(t, 'auditor');
    const entries = await auditOfResponse(t, res);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'identity.auth.login', outcome: 'success', actor_kind: 'user', actor_id: id, error_code: null });
  });

  it('accepts the username in any letter case', async () => {
    const res = await loginRaw(t, 'AUDITOR');
    expect(res.status).toBe(200);
    expect(res.body.user.username).toBe('auditor');
  });

  it('refuses a wrong password with 401, the same answer as for an unknown user, and counts the failure', async () => {
    const res = await loginRaw(t, 'supervisor', 'Wrong#Password1');
    const body = expectProblem(res, 401, 'AUTH_INVALID_CREDENTIALS');
    const unknown = expectProblem(await loginRaw(t, 'no_such_user_x', 'Wrong#Password1'), 401, 'AUTH_INVALID_CREDENTIALS');
    // Nothing in the answer may tell a known username from an unknown one.
    expect(Object.keys(body).sort()).toEqual(Object.keys(unknown).sort());
    expect(body.remainingAttempts).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
    expect((await userRow(t, 'supervisor'))!.failed_logins).toBe(1);
    const entries = await eventually(() => auditOfResponse(t, res), (e) => e.length > 0);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'identity.auth.login',
      outcome: 'failure',
      error_code: 'AUTH_INVALID_CREDENTIALS',
      actor_kind: 'anonymous',
      target_label: 'supervisor',
    });
    // A good login resets the counter.
    expect((await loginRaw(t, 'supervisor')).status).toBe(200);
    expect((await userRow(t, 'supervisor'))!.failed_logins).toBe(0);
  });

  it('answers an unknown user with the same 401 as a wrong password', async () => {
    const wrong = await loginRaw(t, 'supervisor', 'Wrong#Password1');
    const unknown = await loginRaw(t, 'nobody_here', 'Wrong#Password1');
    const body = expectProblem(unknown, 401, 'AUTH_INVALID_CREDENTIALS');
    expect(body.message).toBe(wrong.body.message);
    expect(body.messageZh).toBe(wrong.body.messageZh);
    expect(unknown.headers['set-cookie']).toBeUndefined();
    const entries = await eventually(() => auditOfResponse(t, unknown), (e) => e.length > 0);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'identity.auth.login', outcome: 'failure', target_label: 'nobody_here', target_id: null });
    expect((await loginRaw(t, 'supervisor')).status).toBe(200); // reset the counter for later tests
  });

  it('locks the account for 15 minutes after 5 failures, refuses even the right password meanwhile, and audits every attempt', async () => {
    const username = 'supervisor';
    const before = (await auditWhere(t, { action: 'identity.auth.login', targetLabel: username })).length;
    for (let i = 1; i <= 4; i++) {
      const res = await loginRaw(t, username, `Wrong#Password${i}`);
      expectProblem(res, 401, 'AUTH_INVALID_CREDENTIALS');
    }
    const start = t.clock.now().getTime();
    const fifth = await loginRaw(t, username, 'Wrong#Password5');
    const lockedBody = expectProblem(fifth, 423, 'AUTH_ACCOUNT_LOCKED');
    const lockedUntil = Date.parse(lockedBody.lockedUntil);
    expect(Math.abs(lockedUntil - (start + 15 * 60_000))).toBeLessThan(1000);
    const stored = (await userRow(t, username))!;
    expect(stored.locked_until!.getTime()).toBe(lockedUntil);

    const right = await loginRaw(t, username, DEMO_PASSWORD);
    expectProblem(right, 423, 'AUTH_ACCOUNT_LOCKED');
    expect(right.headers['set-cookie']).toBeUndefined();
    expect((await userRow(t, username))!.locked_until!.getTime()).toBe(lockedUntil); // not extended, not lifted

    t.clock.advance(14 * 60_000);
    expectProblem(await loginRaw(t, username, DEMO_PASSWORD), 423, 'AUTH_ACCOUNT_LOCKED');

    t.clock.advance(60_000 + 1);
    const after = await loginRaw(t, username, DEMO_PASSWORD);
    expect(after.status).toBe(200);
    const row = (await userRow(t, username))!;
    expect(row.failed_logins).toBe(0);
    expect(row.locked_until).toBeNull();

    const entries = await eventually(
      () => auditWhere(t, { action: 'identity.auth.login', targetLabel: username }),
      (e) => e.length >= before + 8,
    );
    const mine = entries.slice(before);
    expect(mine.map((e) => [e.outcome, e.error_code])).toEqual([
      ['failure', 'AUTH_INVALID_CREDENTIALS'],
      ['failure', 'AUTH_INVALID_CREDENTIALS'],
      ['failure', 'AUTH_INVALID_CREDENTIALS'],
      ['failure', 'AUTH_INVALID_CREDENTIALS'],
      ['denied', 'AUTH_ACCOUNT_LOCKED'],
      ['denied', 'AUTH_ACCOUNT_LOCKED'],
      ['denied', 'AUTH_ACCOUNT_LOCKED'],
      ['success', null],
    ]);
  });

  it('locks the account even when the wrong passwords arrive all at once', async () => {
    const username = 'supervisor';
    const before = (await auditWhere(t, { action: 'identity.auth.login', targetLabel: username })).length;
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => loginRaw(t, username, `Parallel#Guess${i}`)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(4);
    expect(statuses.filter((s) => s === 423)).toHaveLength(4);
    const entries = (await auditWhere(t, { action: 'identity.auth.login', targetLabel: username })).slice(before);
    expect(entries.map((e) => e.outcome).sort()).toEqual(['denied', 'denied', 'denied', 'denied', 'failure', 'failure', 'failure', 'failure']);
    expectProblem(await loginRaw(t, username, DEMO_PASSWORD), 423, 'AUTH_ACCOUNT_LOCKED');
    t.clock.advance(15 * 60_000 + 1);
    expect((await loginRaw(t, username)).status).toBe(200);
  });

  it('refuses a disabled user with 403 even with the right password', async () => {
    const admin = await t.login('admin');
    const officer = await t.login('nc_officer');
    const id = await userId(t, 'nc_officer');
    const disabled = await admin.patch(`/api/users/${id}`, { enabled: false });
    expect(disabled.status).toBe(200);
    expect(disabled.body.enabled).toBe(false);

    expectProblem(await officer.get('/api/auth/me'), 401, 'AUTH_REQUIRED');
    const res = await loginRaw(t, 'nc_officer');
    expectProblem(res, 403, 'AUTH_ACCOUNT_DISABLED');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await liveSessions(t, id)).toHaveLength(0);
    const entries = await eventually(() => auditOfResponse(t, res), (e) => e.length > 0);
    expect(entries).toMatchObject([{ action: 'identity.auth.login', outcome: 'denied', error_code: 'AUTH_ACCOUNT_DISABLED' }]);

    expect((await admin.patch(`/api/users/${id}`, { enabled: true })).status).toBe(200);
    expect((await loginRaw(t, 'nc_officer')).status).toBe(200);
  });

  it('validates the login body', async () => {
    const res = await t.anonymous().post('/api/auth/login', { username: 'admin' });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(res)).toContain('/body/password');
  });
});

describe('initial password change', () => {
  it('confines newstaff to /api/auth/me and the password change until the password is replaced', async () => {
    const res = await loginRaw(t, 'newstaff');
    expect(res.status).toBe(200);
    expect(res.body.mustChangePassword).toBe(true);
    const staff = agentFrom(t, res);
    const id = await userId(t, 'newstaff');
    const hashBefore = (await userRow(t, 'newstaff'))!.password_hash;

    expectProblem(await staff.get('/api/departments'), 403, 'AUTH_PASSWORD_CHANGE_REQUIRED');
    expectProblem(await staff.get('/api/auth/sessions'), 403, 'AUTH_PASSWORD_CHANGE_REQUIRED');
    expectProblem(await staff.get(`/api/departments/${await departmentId(t, '南昌市行政审批局')}`), 403, 'AUTH_PASSWORD_CHANGE_REQUIRED');
    const me = await staff.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: 'newstaff', mustChangePassword: true });

    const weak = await staff.post('/api/auth/password', { currentPassword: DEMO_PASSWORD, newPassword: 'short1' });
    expectProblem(weak, 422, 'PASSWORD_POLICY');
    expect(fieldsOf(weak).every((f) => f === '/body/newPassword')).toBe(true);
    expect(fieldsOf(weak).length).toBeGreaterThan(0);
    const oneClass = await staff.post('/api/auth/password', { currentPassword: DEMO_PASSWORD, newPassword: 'onlylowercaseletters' });
    expectProblem(oneClass, 422, 'PASSWORD_POLICY');
    const same = await staff.post('/api/auth/password', { currentPassword: DEMO_PASSWORD, newPassword: DEMO_PASSWORD });
    expectProblem(same, 422, 'PASSWORD_POLICY');
    const wrongCurrent = await staff.post('/api/auth/password', { currentPassword: 'Not#The1Password', newPassword: GOOD_PASSWORD });
    expectProblem(wrongCurrent, 422, 'RULE_VIOLATION');
    expect(fieldsOf(wrongCurrent)).toEqual(['/body/currentPassword']);

    let row = (await userRow(t, 'newstaff'))!;
    expect(row.password_hash).toBe(hashBefore);
    expect(row.must_change_password).toBe(true);
    expectProblem(await staff.get('/api/departments'), 403, 'AUTH_PASSWORD_CHANGE_REQUIRED');

    const ok = await staff.post('/api/auth/password', { currentPassword: DEMO_PASSWORD, newPassword: GOOD_PASSWORD });
    expect(ok.status).toBe(204);
    row = (await userRow(t, 'newstaff'))!;
    expect(row.password_hash).not.toBe(hashBefore);
    expect(row.must_change_password).toBe(false);
    const entries = await auditOfResponse(t, ok);
    expect(entries).toMatchObject([{ action: 'identity.auth.change_password', outcome: 'success', actor_id: id, target_id: id }]);
    expect(JSON.stringify(entries[0].summary ?? null)).not.toMatch(/scrypt|Ganjiang/);

    const list = await staff.get('/api/departments');
    expect(list.status).toBe(200);
    expect(list.body.total).toBeGreaterThan(0);
    expect((await staff.get('/api/auth/me')).body.mustChangePassword).toBe(false);

    expectProblem(await loginRaw(t, 'newstaff', DEMO_PASSWORD), 401, 'AUTH_INVALID_CREDENTIALS');
    const again = await loginRaw(t, 'newstaff', GOOD_PASSWORD);
    expect(again.status).toBe(200);
    expect(again.body.mustChangePassword).toBe(false);
  });

  it('ends the other sessions of a user who changes the password', async () => {
    const a = await t.login('newstaff', GOOD_PASSWORD);
    const b = await t.login('newstaff', GOOD_PASSWORD);
    expect((await a.post('/api/auth/password', { currentPassword: GOOD_PASSWORD, newPassword: OTHER_GOOD_PASSWORD })).status).toBe(204);
    expect((await a.get('/api/auth/me')).status).toBe(200);
    expectProblem(await b.get('/api/auth/me'), 401, 'AUTH_REQUIRED');
  });
});

describe('CSRF', () => {
  it('refuses a cookie-authenticated write without the CSRF header, and changes nothing', async () => {
    const admin = await t.login('admin');
    const noCsrf = new Agent(t.app, admin.cookie, null);
    const before = await countRows(t, 'identity.department');
    const res = await noCsrf.post('/api/departments', departmentBody('360102', 501));
    expectProblem(res, 403, 'AUTH_CSRF_INVALID');
    expect(await countRows(t, 'identity.department')).toBe(before);

    const wrong = new Agent(t.app, admin.cookie, 'not-the-token-of-this-session');
    expectProblem(await wrong.post('/api/departments', departmentBody('360102', 501)), 403, 'AUTH_CSRF_INVALID');
    // Another session's token does not fit either.
    const other = await t.login('admin');
    expectProblem(await new Agent(t.app, admin.cookie, other.csrf).post('/api/departments', departmentBody('360102', 501)), 403, 'AUTH_CSRF_INVALID');
    expect(await countRows(t, 'identity.department')).toBe(before);

    const refused = await eventually(() => auditOfResponse(t, res), (e) => e.length > 0);
    expect(refused).toMatchObject([{ action: 'identity.department.create', outcome: 'denied', error_code: 'AUTH_CSRF_INVALID' }]);

    // Reads need no token, and the right token lets the write through.
    expect((await noCsrf.get('/api/departments')).status).toBe(200);
    expect((await admin.post('/api/departments', departmentBody('360102', 501))).status).toBe(201);
  });

  it('refuses a logout without the CSRF header, leaving the session alive', async () => {
    const admin = await t.login('admin');
    expectProblem(await new Agent(t.app, admin.cookie, null).post('/api/auth/logout'), 403, 'AUTH_CSRF_INVALID');
    expect((await admin.get('/api/auth/me')).status).toBe(200);
  });
});

describe('sessions', () => {
  it('logout revokes the session', async () => {
    const agent = await t.login('auditor');
    const res = await agent.post('/api/auth/logout');
    expect(res.status).toBe(204);
    const cleared = String(res.headers['set-cookie']);
    expect(cleared).toMatch(/zt_session=;/);
    expectProblem(await agent.get('/api/auth/me'), 401, 'AUTH_REQUIRED');
    expectProblem(await agent.get('/api/departments'), 401, 'AUTH_REQUIRED');
    expect(await auditOfResponse(t, res)).toMatchObject([{ action: 'identity.auth.logout', outcome: 'success' }]);
  });

  it('answers 401 without a cookie', async () => {
    expectProblem(await t.anonymous().get('/api/auth/me'), 401, 'AUTH_REQUIRED');
    expectProblem(await new Agent(t.app, 'zt_session=forged-token-value', null).get('/api/auth/me'), 401, 'AUTH_REQUIRED');
  });

  it('lists own sessions, revokes another own session, and does not reveal other users\' sessions', async () => {
    const a = await t.login('hgt_admin');
    const b = await t.login('hgt_admin');
    const other = await t.login('sr_admin');

    const list = await a.get('/api/auth/sessions');
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    const current = list.body.items.filter((s: { current: boolean }) => s.current);
    expect(current).toHaveLength(1);
    const bId = list.body.items.find((s: { current: boolean }) => !s.current).id as string;
    expect(bId).toMatch(/^[0-9a-f]{64}$/);
    expect(list.text).not.toContain(a.cookie!.split('=')[1]);

    const otherId = (await other.get('/api/auth/sessions')).body.items[0].id as string;
    const foreign = await a.delete(`/api/auth/sessions/${otherId}`);
    expectProblem(foreign, 404, 'NOT_FOUND');
    expect((await other.get('/api/auth/me')).status).toBe(200);

    const revoke = await a.delete(`/api/auth/sessions/${bId}`);
    expect(revoke.status).toBe(204);
    expectProblem(await b.get('/api/auth/me'), 401, 'AUTH_REQUIRED');
    expect((await a.get('/api/auth/me')).status).toBe(200);
    const after = await a.get('/api/auth/sessions');
    expect(after.body.items.map((s: { id: string }) => s.id)).not.toContain(bId);
    expect(await auditOfResponse(t, revoke)).toMatchObject([{ action: 'identity.session.revoke', outcome: 'success' }]);

    // Revoking it again: it is gone.
    expectProblem(await a.delete(`/api/auth/sessions/${bId}`), 404, 'NOT_FOUND');
    expectProblem(await a.delete('/api/auth/sessions/not-a-session-id'), 400, 'VALIDATION_FAILED');
  });

  it('ends a session after 30 idle minutes', async () => {
    const agent = await t.login('auditor');
    t.clock.advance(29 * 60_000);
    expect((await agent.get('/api/auth/me')).status).toBe(200); // activity restarts the idle clock
    t.clock.advance(29 * 60_000);
    expect((await agent.get('/api/auth/me')).status).toBe(200);
    t.clock.advance(31 * 60_000);
    expectProblem(await agent.get('/api/auth/me'), 401, 'AUTH_SESSION_EXPIRED');
    expectProblem(await agent.get('/api/departments'), 401, 'AUTH_SESSION_EXPIRED');
  });

  it('ends a session 12 hours after login even with steady activity', async () => {
    const agent = await t.login('auditor');
    let elapsed = 0;
    while (elapsed + 29 < 12 * 60) {
      t.clock.advance(29 * 60_000);
      elapsed += 29;
      const res = await agent.get('/api/auth/me');
      expect(res.status, `after ${elapsed} minutes`).toBe(200);
    }
    t.clock.advance((12 * 60 - elapsed) * 60_000);
    expectProblem(await agent.get('/api/auth/me'), 401, 'AUTH_SESSION_EXPIRED');
    // A new login works.
    expect((await loginRaw(t, 'auditor')).status).toBe(200);
  });
});

describe('admin actions on accounts seen from the user side', () => {
  it('a user created by an admin must change the initial password at first login', async () => {
    const admin = await t.login('admin');
    const { agent } = await readyUser(t, admin, {
      username: 'auth_fresh_user',
      departmentId: await departmentId(t, '南昌市行政审批局'),
      roles: [{ role: 'approver', scope: 'department' }],
    });
    expect((await agent.get('/api/departments')).status).toBe(200);
  });
});
