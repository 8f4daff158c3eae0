import { expect } from 'vitest';
import { Agent, DEMO_PASSWORD, demoUscc, type Res, type TestApp } from '../harness.ts';

/** Shared helpers for the identity HTTP tests. Only reads the database; every change goes through HTTP. */

export const GOOD_PASSWORD = 'Ganjiang#River2026';
export const OTHER_GOOD_PASSWORD = 'Poyang-Lake-77';

/** A raw login, for tests that look at the login response itself. */
export function loginRaw(t: TestApp, username: string, password = DEMO_PASSWORD, headers: Record<string, string> = {}) {
  return t.anonymous().request('POST', '/api/auth/login', { username, password }, headers);
}

/** The agent of an already successful login response. */
export function agentFrom(t: TestApp, res: Res): Agent {
  const setCookie = res.headers['set-cookie'];
  const raw = Array.isArray(setCookie) ? setCookie[0] : String(setCookie);
  return new Agent(t.app, raw.split(';')[0], res.body.csrfToken);
}

/** Asserts a problem+json answer with this status and code; returns the body. */
export function expectProblem(res: Res, status: number, code: string) {
  expect({ status: res.status, code: res.body?.code }, res.text).toEqual({ status, code });
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  expect(res.body.status).toBe(status);
  return res.body;
}

export function fieldsOf(res: Res): string[] {
  return (res.body?.errors ?? []).map((e: { field: string }) => e.field);
}

/**
 * Failed and refused writes are audited in an onResponse hook, i.e. just after the answer went out.
 * Polls until `ok` holds (or the time is up) and returns the last value for the assertions.
 */
export async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let v = await fn();
  while (!ok(v) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    v = await fn();
  }
  return v;
}

/** Lets pending onResponse hooks finish, so that "no further entry" assertions are meaningful. */
export const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));

export async function auditWhere(t: TestApp, where: { action?: string; targetLabel?: string; targetId?: string; requestId?: string; actorId?: string }) {
  let q = t.database.db.selectFrom('audit.entry').selectAll();
  if (where.action) q = q.where('action', '=', where.action);
  if (where.targetLabel) q = q.where('target_label', '=', where.targetLabel);
  if (where.targetId) q = q.where('target_id', '=', where.targetId);
  if (where.requestId) q = q.where('request_id', '=', where.requestId);
  if (where.actorId) q = q.where('actor_id', '=', where.actorId);
  return q.orderBy('id').execute();
}

/** The audit entries written for one HTTP request (every answer carries its request id). */
export function auditOfResponse(t: TestApp, res: Res) {
  return auditWhere(t, { requestId: String(res.headers['x-request-id']) });
}

export async function maxAuditId(t: TestApp): Promise<number> {
  const row = await t.database.db.selectFrom('audit.entry').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst();
  return Number(row?.m ?? 0);
}

export async function auditSince(t: TestApp, afterId: number) {
  return t.database.db.selectFrom('audit.entry').selectAll().where('id', '>', afterId).orderBy('id').execute();
}

export async function countRows(t: TestApp, table: 'identity.department' | 'identity.user' | 'identity.client' | 'identity.division' | 'identity.session') {
  const row = await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function userRow(t: TestApp, username: string) {
  return t.database.db
    .selectFrom('identity.user')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
    .executeTakeFirst();
}

export async function liveSessions(t: TestApp, userId: string) {
  return t.database.db.selectFrom('identity.session').selectAll().where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}

/** A department body with a valid credit code; `seq` keeps codes apart within one test file. */
export function departmentBody(division: string, seq: number, extra: Record<string, unknown> = {}) {
  return { name: `测试部门${division}-${seq}`, uscc: demoUscc(division, seq), divisionCode: division, kind: 'other', ...extra };
}

const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** The same code with a different (wrong) check character. */
export function withWrongCheck(uscc: string): string {
  const last = uscc.charAt(17);
  const other = USCC_CHARSET.charAt((USCC_CHARSET.indexOf(last) + 1) % USCC_CHARSET.length);
  return uscc.slice(0, 17) + other;
}

/**
 * Creates a user through the API as `admin`, logs in with the initial password and replaces it,
 * returning an agent that can use the API.
 */
export async function readyUser(
  t: TestApp,
  admin: Agent,
  input: { username: string; departmentId: string; roles: { role: string; scope: string }[]; displayName?: string },
): Promise<{ agent: Agent; id: string; password: string }> {
  const initial = 'Initial#Pass2026';
  const created = await admin.post('/api/users', { displayName: input.displayName ?? input.username, initialPassword: initial, ...input });
  expect(created.status, created.text).toBe(201);
  const first = await t.login(input.username, initial);
  const changed = await first.post('/api/auth/password', { currentPassword: initial, newPassword: GOOD_PASSWORD });
  expect(changed.status, changed.text).toBe(204);
  return { agent: first, id: created.body.id, password: GOOD_PASSWORD };
}

/** Nothing in an answer may carry a password hash. */
export function expectNoSecrets(res: Res) {
  expect(res.text).not.toMatch(/scrypt\$/);
  expect(res.text).not.toMatch(/password_?hash/i);
  // Field names may appear in error pointers ("/body/initialPassword"), never as keys with a value.
  expect(res.text).not.toMatch(/"(password|initialPassword|temporaryPassword|newPassword|currentPassword)"\s*:/);
}
