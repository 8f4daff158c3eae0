import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, demoUscc, departmentId, userId, type Agent, type TestApp } from '../harness.ts';
import { countRows, entriesOfRequest, newDepartmentBody } from './helpers.ts';

let t: TestApp;
let admin: Agent;

beforeAll(async () => {
  // Behind a trusted proxy, the client address comes from X-Forwarded-For.
  t = await createTestApp({ env: { TRUST_PROXY: 'true' } });
  admin = await t.login('admin');
});
afterAll(async () => t?.close());

describe('a state change and its audit entry', () => {
  it('records a department creation with actor, department, target, summary, ip and request id', async () => {
    const body = { ...newDepartmentBody('360100', '南昌市测试审计局'), shortName: '测试审计局' };
    const before = await countRows(t, 'identity.department');
    const res = await admin.request('POST', '/api/departments', body, { 'x-forwarded-for': '203.0.113.7' });
    expect(res.status, res.text).toBe(201);
    expect(await countRows(t, 'identity.department')).toBe(before + 1);

    const requestId = String(res.headers['x-request-id']);
    expect(requestId).toMatch(/^[A-Za-z0-9._-]{8,64}$/);

    const entries = await t.database.db
      .selectFrom('audit.entry')
      .selectAll()
      .where('action', '=', 'identity.department.create')
      .execute();
    expect(entries).toHaveLength(1);
    const e = entries[0];
    expect(e).toMatchObject({
      actor_kind: 'user',
      actor_id: await userId(t, 'admin'),
      actor_name: '平台管理员',
      department_id: res.body.id,
      target_type: 'department',
      target_id: res.body.id,
      target_label: '南昌市测试审计局',
      ip: '203.0.113.7',
      request_id: requestId,
      outcome: 'success',
      error_code: null,
      batch_no: null,
    });
    expect(e.summary).toEqual({
      after: { name: '南昌市测试审计局', uscc: body.uscc, legacyCode: false, divisionCode: '360100', kind: 'government_services', parentId: null },
    });
    expect(e.occurred_at.getTime()).toBe(t.clock.now().getTime());
    // Exactly one entry for the request: the HTTP layer must not add a second one.
    expect(await entriesOfRequest(t, requestId)).toHaveLength(1);
  });

  it('keeps a request id the caller sent, and records the socket address without a proxy header', async () => {
    const res = await admin.request('POST', '/api/departments', newDepartmentBody('360100'), { 'x-request-id': 'trace-0001-abcdef' });
    expect(res.status, res.text).toBe(201);
    expect(res.headers['x-request-id']).toBe('trace-0001-abcdef');
    const [e] = await entriesOfRequest(t, 'trace-0001-abcdef');
    expect(e).toMatchObject({ action: 'identity.department.create', target_id: res.body.id, ip: '127.0.0.1', outcome: 'success' });
  });

  it('records a refused request (403) as denied, and changes nothing', async () => {
    const officer = await t.login('nc_officer');
    const body = newDepartmentBody('360100');
    const before = await countRows(t, 'identity.department');
    const res = await officer.post('/api/departments', body);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
    expect(await countRows(t, 'identity.department')).toBe(before);
    expect(await t.database.db.selectFrom('identity.department').select('id').where('uscc', '=', body.uscc).execute()).toEqual([]);

    const entries = await entriesOfRequest(t, String(res.headers['x-request-id']));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'identity.department.create',
      actor_kind: 'user',
      actor_id: await userId(t, 'nc_officer'),
      department_id: await departmentId(t, '南昌市市场监督管理局'),
      outcome: 'denied',
      error_code: 'FORBIDDEN',
      target_type: 'request',
      target_id: '/api/departments',
    });
  });

  it('records an out-of-scope request (403) as denied, and changes nothing', async () => {
    const ncAdmin = await t.login('nc_admin');
    const before = await countRows(t, 'identity.department');
    const res = await ncAdmin.post('/api/departments', newDepartmentBody('361100'));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('OUT_OF_SCOPE');
    expect(await countRows(t, 'identity.department')).toBe(before);
    const entries = await entriesOfRequest(t, String(res.headers['x-request-id']));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'identity.department.create', outcome: 'denied', error_code: 'OUT_OF_SCOPE' });
  });

  it('records a conflicting request (409) as a failure with its error code, and changes nothing', async () => {
    const taken = demoUscc('360000', 1); // the first seeded department's code
    const before = await countRows(t, 'identity.department');
    const res = await admin.post('/api/departments', { name: '重复代码部门', uscc: taken, divisionCode: '360000', kind: 'audit' });
    expect(res.status, res.text).toBe(409);
    expect(res.body.code).toBe('DUPLICATE');
    expect(await countRows(t, 'identity.department')).toBe(before);
    expect(await t.database.db.selectFrom('identity.department').select('id').where('name', '=', '重复代码部门').execute()).toEqual([]);
    const entries = await entriesOfRequest(t, String(res.headers['x-request-id']));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'identity.department.create',
      actor_id: await userId(t, 'admin'),
      outcome: 'failure',
      error_code: 'DUPLICATE',
      request_id: res.headers['x-request-id'],
    });
  });

  it('records a request that breaks a rule (422) as a failure with its error code, and changes nothing', async () => {
    const before = await countRows(t, 'identity.department');
    const res = await admin.post('/api/departments', newDepartmentBody('369999'));
    expect(res.status, res.text).toBe(422);
    expect(res.body.code).toBe('DIVISION_NOT_FOUND');
    expect(await countRows(t, 'identity.department')).toBe(before);
    const entries = await entriesOfRequest(t, String(res.headers['x-request-id']));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'identity.department.create', outcome: 'failure', error_code: 'DIVISION_NOT_FOUND' });
  });

  it('rolls the change back when its audit entry cannot be written', async () => {
    // Make the database itself refuse the success entry of this action (a real failure, no mock).
    await sql`ALTER TABLE audit.entry ADD CONSTRAINT zt_test_refuse CHECK (NOT (action = 'identity.department.create' AND outcome = 'success')) NOT VALID`.execute(t.database.db);
    try {
      const body = newDepartmentBody('360100');
      const before = await countRows(t, 'identity.department');
      const res = await admin.post('/api/departments', body);
      expect(res.status).toBe(500);
      expect(await countRows(t, 'identity.department')).toBe(before);
      expect(await t.database.db.selectFrom('identity.department').select('id').where('uscc', '=', body.uscc).execute()).toEqual([]);
      // The failure itself is still on record.
      const entries = await entriesOfRequest(t, String(res.headers['x-request-id']));
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ action: 'identity.department.create', outcome: 'failure', error_code: 'INTERNAL' });
    } finally {
      await sql`ALTER TABLE audit.entry DROP CONSTRAINT zt_test_refuse`.execute(t.database.db);
    }
  });

  it('audits every refused and failed write above with the same action, and only the successes as success', async () => {
    const rows = await t.database.db
      .selectFrom('audit.entry')
      .select(['outcome', (eb) => eb.fn.countAll<number>().as('n')])
      .where('action', '=', 'identity.department.create')
      .groupBy('outcome')
      .orderBy('outcome')
      .execute();
    expect(rows.map((r) => [r.outcome, Number(r.n)])).toEqual([
      ['denied', 2],
      ['failure', 3],
      ['success', 2],
    ]);
  });
});
