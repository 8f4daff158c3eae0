import { randomBytes } from 'node:crypto';
import smCrypto from 'sm-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, departmentId, type Agent, type Res, type TestApp } from '../harness.ts';
import { auditOfResponse, countRows, departmentBody, eventually, expectProblem, fieldsOf } from './helpers.ts';

// Signing uses only the independent sm-crypto package, following docs/api-signing.md.
const { sm2, sm3 } = smCrypto;

let t: TestApp;
let ncAdmin: Agent;
let ncInfo: string;

interface KeyPair {
  privateKey: string;
  publicKey: string;
}

beforeAll(async () => {
  t = await createTestApp();
  ncAdmin = await t.login('nc_admin');
  ncInfo = await departmentId(t, '南昌市大数据发展管理局');
});
afterAll(async () => t?.close());

function signatureHeaders(
  clientId: string,
  keys: KeyPair,
  method: string,
  path: string,
  body = '',
  opts: { timestamp?: number; nonce?: string } = {},
): Record<string, string> {
  const timestamp = String(opts.timestamp ?? t.clock.now().getTime());
  const nonce = opts.nonce ?? randomBytes(18).toString('base64url');
  const message = [method.toUpperCase(), path, timestamp, nonce, sm3(body)].join('\n');
  const sigHex = sm2.doSignature(message, keys.privateKey, { hash: true, der: true, publicKey: keys.publicKey });
  return {
    'X-ZT-Client-Id': clientId,
    'X-ZT-Timestamp': timestamp,
    'X-ZT-Nonce': nonce,
    'X-ZT-Signature': Buffer.from(sigHex, 'hex').toString('base64'),
  };
}

/** Sends exactly the signed bytes, with no cookie. */
function send(method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<Res> {
  return t.anonymous().request(method, path, body, headers);
}

function signed(clientId: string, keys: KeyPair, method: string, path: string, payload?: unknown, opts: { timestamp?: number; nonce?: string } = {}) {
  const body = payload === undefined ? undefined : JSON.stringify(payload);
  return send(method, path, body, signatureHeaders(clientId, keys, method, path, body ?? '', opts));
}

async function register(clientId: string, roles: { role: string; scope: string }[], by: Agent = ncAdmin) {
  const keys = sm2.generateKeyPairHex();
  expect(keys.publicKey).toMatch(/^04[0-9a-f]{128}$/);
  const res = await by.post('/api/clients', { clientId, name: `接入应用 ${clientId}`, kind: 'system', departmentId: ncInfo, publicKey: keys.publicKey, roles });
  expect(res.status, res.text).toBe(201);
  return { keys, id: res.body.id as string, res };
}

const nonceRows = (clientRowId: string) => t.database.db.selectFrom('identity.client_nonce').selectAll().where('client_id', '=', clientRowId).execute();

let main: { keys: KeyPair; id: string };
const MAIN = 'nc-data-exchange';

describe('registering API clients', () => {
  it('an admin registers a client with an sm-crypto public key', async () => {
    const { keys, id, res } = await register(MAIN, [{ role: 'department_admin', scope: 'division' }]);
    main = { keys, id };
    expect(res.body).toMatchObject({
      clientId: MAIN,
      kind: 'system',
      departmentId: ncInfo,
      departmentName: '南昌市大数据发展管理局',
      revokedAt: null,
      lastUsedAt: null,
      roles: [{ role: 'department_admin', scope: 'division' }],
    });
    expect(res.body.keyFingerprint).toEqual(expect.any(String));
    expect(res.text).not.toContain(keys.privateKey);
    const row = await t.database.db.selectFrom('identity.client').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.public_key).toContain('BEGIN PUBLIC KEY');
    expect(await auditOfResponse(t, res)).toMatchObject([{ action: 'identity.client.create', outcome: 'success', target_id: id, actor_kind: 'user' }]);

    const listed = await ncAdmin.get('/api/clients');
    expect(listed.body.items.map((c: { clientId: string }) => c.clientId)).toEqual([MAIN]);
    expect((await (await t.login('sr_admin')).get('/api/clients')).body.total).toBe(0);
  });

  it('refuses a bad key, a taken client id, another city\'s department and too wide roles, registering nothing', async () => {
    const before = await countRows(t, 'identity.client');
    const { publicKey } = sm2.generateKeyPairHex();
    const base = { clientId: 'nc-other', name: '其他系统', kind: 'system', departmentId: ncInfo, publicKey, roles: [] };

    const badKey = await ncAdmin.post('/api/clients', { ...base, publicKey: `04${'ab'.repeat(64)}` });
    expectProblem(badKey, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(badKey)).toEqual(['/body/publicKey']);
    expectProblem(await ncAdmin.post('/api/clients', { ...base, clientId: MAIN }), 409, 'DUPLICATE');
    expectProblem(await ncAdmin.post('/api/clients', { ...base, departmentId: await departmentId(t, '上饶市行政审批局') }), 403, 'OUT_OF_SCOPE');
    expectProblem(await ncAdmin.post('/api/clients', { ...base, roles: [{ role: 'department_admin', scope: 'platform' }] }), 403, 'FORBIDDEN');
    expectProblem(await ncAdmin.post('/api/clients', { ...base, roles: [{ role: 'platform_admin', scope: 'division' }] }), 403, 'FORBIDDEN');
    expectProblem(await ncAdmin.post('/api/clients', { ...base, clientId: 'Bad Id' }), 400, 'VALIDATION_FAILED');
    expectProblem(await (await t.login('auditor')).post('/api/clients', base), 403, 'FORBIDDEN');
    expect(await countRows(t, 'identity.client')).toBe(before);
  });
});

describe('signed requests', () => {
  it('GET /api/auth/me identifies the client', async () => {
    const res = await signed(MAIN, main.keys, 'GET', '/api/auth/me');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      id: main.id,
      kind: 'client',
      username: MAIN,
      departmentId: ncInfo,
      divisionCode: '360100',
      roles: [{ role: 'department_admin', scope: 'division' }],
    });
    expect(res.body.permissions['org.department.manage']).toBe('division');
    expect(res.headers['set-cookie']).toBeUndefined();
    const row = await t.database.db.selectFrom('identity.client').select('last_used_at').where('id', '=', main.id).executeTakeFirstOrThrow();
    expect(row.last_used_at!.getTime()).toBe(t.clock.now().getTime());
  });

  it('last use and old nonces are written at most once a minute per client, not on every call', async () => {
    const lastUsed = async () => (await t.database.db.selectFrom('identity.client').select('last_used_at').where('id', '=', main.id).executeTakeFirstOrThrow()).last_used_at!.getTime();
    t.clock.advance(61_000);
    expect((await signed(MAIN, main.keys, 'GET', '/api/auth/me')).status).toBe(200);
    const first = await lastUsed();
    expect(first).toBe(t.clock.now().getTime());
    t.clock.advance(30_000);
    expect((await signed(MAIN, main.keys, 'GET', '/api/auth/me')).status).toBe(200);
    expect(await lastUsed()).toBe(first);
    // Every call's nonce is still stored (a replay is refused whatever the bookkeeping does).
    expect((await nonceRows(main.id)).length).toBeGreaterThanOrEqual(2);
    // Past the freshness window (2 × 5 minutes) the next refresh drops the old nonces.
    t.clock.advance(11 * 60_000);
    expect((await signed(MAIN, main.keys, 'GET', '/api/auth/me')).status).toBe(200);
    expect(await lastUsed()).toBe(t.clock.now().getTime());
    const left = await nonceRows(main.id);
    expect(left.every((n) => n.seen_at.getTime() > t.clock.now().getTime() - 10 * 60_000)).toBe(true);
    expect(left).toHaveLength(1);
  });

  it('signs the query string too', async () => {
    const path = '/api/departments?divisionCode=360100&includeSubdivisions=false&pageSize=50';
    const res = await signed(MAIN, main.keys, 'GET', path);
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.every((d: { divisionCode: string }) => d.divisionCode === '360100')).toBe(true);
    // The same signature does not cover another query.
    const headers = signatureHeaders(MAIN, main.keys, 'GET', path);
    expectProblem(await send('GET', path.replace('pageSize=50', 'pageSize=51'), undefined, headers), 401, 'AUTH_SIGNATURE_INVALID');
  });

  it('POST /api/departments creates the department, audited as the client', async () => {
    const before = await countRows(t, 'identity.department');
    const payload = departmentBody('360102', 601, { name: '东湖区数据共享交换中心' });
    const res = await signed(MAIN, main.keys, 'POST', '/api/departments', payload);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ name: '东湖区数据共享交换中心', divisionCode: '360102' });
    expect(await countRows(t, 'identity.department')).toBe(before + 1);
    const entries = await auditOfResponse(t, res);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'identity.department.create',
      outcome: 'success',
      actor_kind: 'client',
      actor_id: main.id,
      actor_name: `接入应用 ${MAIN}`,
      target_id: res.body.id,
    });
  });

  it('the client\'s roles and scope still apply', async () => {
    const before = await countRows(t, 'identity.department');
    expectProblem(await signed(MAIN, main.keys, 'POST', '/api/departments', departmentBody('361100', 602)), 403, 'OUT_OF_SCOPE');
    const { keys } = await register('nc-readonly', []);
    expect((await signed('nc-readonly', keys, 'GET', '/api/auth/me')).status).toBe(200);
    expectProblem(await signed('nc-readonly', keys, 'POST', '/api/departments', departmentBody('360102', 603)), 403, 'FORBIDDEN');
    expectProblem(await signed('nc-readonly', keys, 'GET', '/api/users'), 403, 'FORBIDDEN');
    expect(await countRows(t, 'identity.department')).toBe(before);
  });
});

describe('refused signed requests change nothing', () => {
  it('a timestamp 6 minutes old (or ahead) is stale', async () => {
    const before = await countRows(t, 'identity.department');
    const now = t.clock.now().getTime();
    const nonce = randomBytes(18).toString('base64url');
    const old = await signed(MAIN, main.keys, 'POST', '/api/departments', departmentBody('360103', 611), { timestamp: now - 6 * 60_000, nonce });
    expectProblem(old, 401, 'AUTH_SIGNATURE_STALE');
    const ahead = await signed(MAIN, main.keys, 'POST', '/api/departments', departmentBody('360103', 611), { timestamp: now + 6 * 60_000 });
    expectProblem(ahead, 401, 'AUTH_SIGNATURE_STALE');
    expectProblem(await signed(MAIN, main.keys, 'GET', '/api/auth/me', undefined, { timestamp: now - 6 * 60_000 }), 401, 'AUTH_SIGNATURE_STALE');
    expect(await countRows(t, 'identity.department')).toBe(before);
    expect((await nonceRows(main.id)).map((n) => n.nonce)).not.toContain(nonce);
    const entries = await eventually(() => auditOfResponse(t, old), (e) => e.length > 0);
    expect(entries).toMatchObject([{ action: 'identity.department.create', outcome: 'denied', error_code: 'AUTH_SIGNATURE_STALE' }]);

    // Within the window a slightly old timestamp is fine.
    expect((await signed(MAIN, main.keys, 'POST', '/api/departments', departmentBody('360103', 611), { timestamp: now - 4 * 60_000 })).status).toBe(201);
  });

  it('a reused nonce is refused', async () => {
    const before = await countRows(t, 'identity.department');
    const body = JSON.stringify(departmentBody('360104', 621));
    const headers = signatureHeaders(MAIN, main.keys, 'POST', '/api/departments', body);
    const first = await send('POST', '/api/departments', body, headers);
    expect(first.status, first.text).toBe(201);
    const replay = await send('POST', '/api/departments', body, headers);
    expectProblem(replay, 401, 'AUTH_NONCE_REPLAYED');
    // Even with a fresh signature over another request, the nonce is spent.
    const again = await signed(MAIN, main.keys, 'GET', '/api/auth/me', undefined, { nonce: headers['X-ZT-Nonce'] });
    expectProblem(again, 401, 'AUTH_NONCE_REPLAYED');
    expect(await countRows(t, 'identity.department')).toBe(before + 1);
  });

  it('the same signed request sent twice at once goes through once', async () => {
    const before = await countRows(t, 'identity.department');
    const body = JSON.stringify(departmentBody('360104', 622));
    const headers = signatureHeaders(MAIN, main.keys, 'POST', '/api/departments', body);
    const results = await Promise.all([send('POST', '/api/departments', body, headers), send('POST', '/api/departments', body, headers)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 401]);
    expect(results.find((r) => r.status === 401)!.body.code).toBe('AUTH_NONCE_REPLAYED');
    expect(await countRows(t, 'identity.department')).toBe(before + 1);
  });

  it('a body changed after signing is refused, and does not use up the nonce', async () => {
    const before = await countRows(t, 'identity.department');
    const body = JSON.stringify(departmentBody('360111', 631, { name: '青山湖区数据中心' }));
    const headers = signatureHeaders(MAIN, main.keys, 'POST', '/api/departments', body);
    const tampered = body.replace('青山湖区数据中心', '青山湖区篡改中心');
    const res = await send('POST', '/api/departments', tampered, headers);
    expectProblem(res, 401, 'AUTH_SIGNATURE_INVALID');
    expectProblem(await send('POST', '/api/departments', `${body} `, headers), 401, 'AUTH_SIGNATURE_INVALID');
    // A signature made for another method or path does not fit this request.
    expectProblem(await send('POST', '/api/departments', body, signatureHeaders(MAIN, main.keys, 'PUT', '/api/departments', body)), 401, 'AUTH_SIGNATURE_INVALID');
    expectProblem(await send('POST', '/api/departments', body, signatureHeaders(MAIN, main.keys, 'POST', '/api/departments/', body)), 401, 'AUTH_SIGNATURE_INVALID');
    expect(await countRows(t, 'identity.department')).toBe(before);
    expect((await nonceRows(main.id)).map((n) => n.nonce)).not.toContain(headers['X-ZT-Nonce']);

    // Someone else's key does not verify either.
    const other = sm2.generateKeyPairHex();
    expectProblem(await send('POST', '/api/departments', body, signatureHeaders(MAIN, other, 'POST', '/api/departments', body)), 401, 'AUTH_SIGNATURE_INVALID');
    // Malformed headers.
    expectProblem(await send('GET', '/api/auth/me', undefined, { ...signatureHeaders(MAIN, main.keys, 'GET', '/api/auth/me'), 'X-ZT-Nonce': 'short' }), 401, 'AUTH_SIGNATURE_INVALID');
    const { 'X-ZT-Signature': _s, ...unsigned } = signatureHeaders(MAIN, main.keys, 'GET', '/api/auth/me');
    expectProblem(await send('GET', '/api/auth/me', undefined, unsigned), 401, 'AUTH_SIGNATURE_INVALID');

    // The untouched request with that nonce still goes through.
    const original = await send('POST', '/api/departments', body, headers);
    expect(original.status, original.text).toBe(201);
    expect(original.body.name).toBe('青山湖区数据中心');
  });

  it('an unknown client is refused', async () => {
    const before = await countRows(t, 'identity.department');
    const keys = sm2.generateKeyPairHex();
    expectProblem(await signed('no-such-client', keys, 'GET', '/api/auth/me'), 401, 'AUTH_CLIENT_UNKNOWN');
    expectProblem(await signed('no-such-client', keys, 'POST', '/api/departments', departmentBody('360112', 641)), 401, 'AUTH_CLIENT_UNKNOWN');
    expect(await countRows(t, 'identity.department')).toBe(before);
  });

  it('a revoked client is refused', async () => {
    const { keys, id } = await register('nc-to-revoke', [{ role: 'department_admin', scope: 'division' }]);
    expect((await signed('nc-to-revoke', keys, 'GET', '/api/auth/me')).status).toBe(200);
    const revoke = await ncAdmin.post(`/api/clients/${id}/revoke`);
    expect(revoke.status).toBe(204);
    expect(await auditOfResponse(t, revoke)).toMatchObject([{ action: 'identity.client.revoke', outcome: 'success', target_id: id }]);
    const listed = await ncAdmin.get('/api/clients?pageSize=100');
    expect(listed.body.items.find((c: { id: string }) => c.id === id).revokedAt).toEqual(expect.any(String));

    const before = await countRows(t, 'identity.department');
    expectProblem(await signed('nc-to-revoke', keys, 'GET', '/api/auth/me'), 401, 'AUTH_CLIENT_REVOKED');
    expectProblem(await signed('nc-to-revoke', keys, 'POST', '/api/departments', departmentBody('360121', 651)), 401, 'AUTH_CLIENT_REVOKED');
    expect(await countRows(t, 'identity.department')).toBe(before);
    expectProblem(await ncAdmin.post(`/api/clients/${id}/revoke`), 409, 'CONFLICT');
    expectProblem(await (await t.login('sr_admin')).post(`/api/clients/${main.id}/revoke`), 403, 'OUT_OF_SCOPE');
    expect((await signed(MAIN, main.keys, 'GET', '/api/auth/me')).status).toBe(200);
  });
});
