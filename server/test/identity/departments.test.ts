import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, demoUscc, departmentId, userId, type Agent, type TestApp } from '../harness.ts';
import { auditOfResponse, countRows, departmentBody, eventually, expectProblem, fieldsOf, settle, withWrongCheck } from './helpers.ts';

let t: TestApp;
let admin: Agent;
let ncAdmin: Agent;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  ncAdmin = await t.login('nc_admin');
});
afterAll(async () => t?.close());

const byUscc = (uscc: string) => t.database.db.selectFrom('identity.department').selectAll().where('uscc', '=', uscc).execute();
const names = (res: { body: { items: { name: string }[] } }) => res.body.items.map((d) => d.name).sort();

describe('listing departments', () => {
  it('filters by text (name, short name, credit code)', async () => {
    const approval = await admin.get(`/api/departments?q=${encodeURIComponent('审批局')}`);
    expect(approval.status).toBe(200);
    expect(names(approval)).toEqual(['上饶市行政审批局', '南昌市红谷滩区行政审批局', '南昌市行政审批局'].sort());
    expect(approval.body.total).toBe(3);
    const short = await admin.get(`/api/departments?q=${encodeURIComponent('省发展改革委')}`);
    expect(names(short)).toEqual(['江西省发展和改革委员会']);
    const code = await admin.get(`/api/departments?q=${demoUscc('361130', 15)}`);
    expect(names(code)).toEqual(['婺源县市场监督管理局']);
    const none = await admin.get(`/api/departments?q=${encodeURIComponent('不存在的部门')}`);
    expect(none.body).toMatchObject({ items: [], total: 0 });
  });

  it('filters by division, with or without its subdivisions, and by kind', async () => {
    const withSub = await admin.get('/api/departments?divisionCode=360100&pageSize=100');
    expect(names(withSub)).toEqual(['南昌市大数据发展管理局', '南昌市市场监督管理局', '南昌市红谷滩区行政审批局', '南昌市行政审批局'].sort());
    const own = await admin.get('/api/departments?divisionCode=360100&includeSubdivisions=false&pageSize=100');
    expect(names(own)).toEqual(['南昌市大数据发展管理局', '南昌市市场监督管理局', '南昌市行政审批局'].sort());
    expect(own.body.total).toBe(3);
    const sr = await admin.get('/api/departments?divisionCode=361100');
    expect(names(sr)).toEqual(['上饶市公安局', '上饶市行政审批局', '婺源县市场监督管理局'].sort());
    const kind = await admin.get('/api/departments?kind=government_services&pageSize=100');
    expect(kind.body.total).toBe(4);
    expect(kind.body.items.every((d: { kind: string; kindName: string }) => d.kind === 'government_services' && d.kindName === '政务服务/行政审批')).toBe(true);
    const both = await admin.get('/api/departments?kind=government_services&divisionCode=360100');
    expect(names(both)).toEqual(['南昌市红谷滩区行政审批局', '南昌市行政审批局'].sort());
  });

  it('pages through all departments without gaps or repeats', async () => {
    const total = await countRows(t, 'identity.department');
    expect(total).toBe(15);
    const seen: string[] = [];
    for (let page = 1; page <= 4; page++) {
      const res = await admin.get(`/api/departments?pageSize=4&page=${page}`);
      expect(res.body).toMatchObject({ total, page, pageSize: 4 });
      expect(res.body.items).toHaveLength(page < 4 ? 4 : 3);
      seen.push(...res.body.items.map((d: { id: string }) => d.id));
    }
    expect(new Set(seen).size).toBe(15);
    const beyond = await admin.get('/api/departments?pageSize=4&page=5');
    expect(beyond.body).toMatchObject({ items: [], total: 15 });
  });

  it('refuses bad query parameters with 400', async () => {
    expectProblem(await admin.get('/api/departments?pageSize=0'), 400, 'VALIDATION_FAILED');
    expectProblem(await admin.get('/api/departments?pageSize=501'), 400, 'VALIDATION_FAILED');
    expectProblem(await admin.get('/api/departments?kind=ministry'), 400, 'VALIDATION_FAILED');
    expectProblem(await admin.get('/api/departments?divisionCode=3601'), 400, 'VALIDATION_FAILED');
    const unknown = await admin.get('/api/departments?colour=red');
    expectProblem(unknown, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(unknown)).toContain('/querystring/colour');
    expectProblem(await admin.get('/api/departments/not-a-uuid'), 400, 'VALIDATION_FAILED');
    expectProblem(await admin.get('/api/departments/00000000-0000-4000-8000-000000000000'), 404, 'NOT_FOUND');
  });
});

describe('creating a department', () => {
  it('creates with a valid credit code and audits it with the actor', async () => {
    const body = departmentBody('360102', 101, { name: '南昌市东湖区数据管理中心', shortName: '东湖区数据中心', kind: 'information_center' });
    const res = await ncAdmin.post('/api/departments', body);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      name: '南昌市东湖区数据管理中心',
      shortName: '东湖区数据中心',
      uscc: body.uscc,
      legacyCode: false,
      usccWarning: null,
      divisionCode: '360102',
      divisionName: '东湖区',
      kind: 'information_center',
      enabled: true,
      parentId: null,
    });
    expect(await byUscc(body.uscc)).toHaveLength(1);
    expect((await ncAdmin.get(`/api/departments/${res.body.id}`)).body.name).toBe('南昌市东湖区数据管理中心');

    const entries = await auditOfResponse(t, res);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'identity.department.create',
      outcome: 'success',
      actor_kind: 'user',
      actor_id: await userId(t, 'nc_admin'),
      actor_name: '南昌市数据局管理员',
      target_type: 'department',
      target_id: res.body.id,
      department_id: res.body.id,
    });
    expect(JSON.stringify(entries[0].summary)).toContain(body.uscc);
  });

  it('normalises a lower-case credit code', async () => {
    const uscc = demoUscc('360103', 102);
    const res = await ncAdmin.post('/api/departments', departmentBody('360103', 102, { uscc: uscc.toLowerCase() }));
    expect(res.status, res.text).toBe(201);
    expect(res.body.uscc).toBe(uscc);
  });

  it('refuses a wrong check character with 422 USCC_INVALID on /body/uscc, and inserts nothing', async () => {
    const bad = withWrongCheck(demoUscc('360104', 103));
    const before = await countRows(t, 'identity.department');
    const res = await ncAdmin.post('/api/departments', departmentBody('360104', 103, { uscc: bad }));
    const body = expectProblem(res, 422, 'USCC_INVALID');
    expect(fieldsOf(res)).toEqual(['/body/uscc']);
    expect(body.legacyAllowed).toBe(true);
    expect(await countRows(t, 'identity.department')).toBe(before);
    expect(await byUscc(bad)).toHaveLength(0);
    const entries = await eventually(() => auditOfResponse(t, res), (e) => e.length > 0);
    expect(entries).toMatchObject([{ action: 'identity.department.create', outcome: 'failure', error_code: 'USCC_INVALID' }]);
  });

  it('accepts the same code as a legacy code, with a warning', async () => {
    const bad = withWrongCheck(demoUscc('360104', 103));
    const res = await ncAdmin.post('/api/departments', departmentBody('360104', 103, { uscc: bad, legacyCode: true }));
    expect(res.status, res.text).toBe(201);
    expect(res.body.legacyCode).toBe(true);
    expect(res.body.usccWarning).toEqual(expect.stringContaining('校验位'));
    const stored = await byUscc(bad);
    expect(stored).toHaveLength(1);
    expect(stored[0].legacy_code).toBe(true);
    const again = await ncAdmin.get(`/api/departments/${res.body.id}`);
    expect(again.body.usccWarning).toBe(res.body.usccWarning);
  });

  it('refuses a code of the wrong length or with bad characters even as a legacy code', async () => {
    const before = await countRows(t, 'identity.department');
    const valid = demoUscc('360111', 104);
    for (const uscc of [valid.slice(0, 17), `${valid.slice(0, 16)}I${valid.charAt(17)}`]) {
      const res = await ncAdmin.post('/api/departments', departmentBody('360111', 104, { uscc, legacyCode: true }));
      const body = expectProblem(res, 422, 'USCC_INVALID');
      expect(fieldsOf(res)[0]).toBe('/body/uscc');
      expect(body.legacyAllowed).toBe(false);
    }
    // 19 characters: a length error on the code, not a schema error, so the form shows why.
    expectProblem(await ncAdmin.post('/api/departments', departmentBody('360111', 104, { uscc: `${valid}0` })), 422, 'USCC_INVALID');
    expect(await countRows(t, 'identity.department')).toBe(before);
  });

  it('accepts a pasted code with spaces around it and lower-case letters, stored normalised', async () => {
    const valid = demoUscc('360111', 108);
    const res = await ncAdmin.post('/api/departments', departmentBody('360111', 108, { uscc: `  ${valid.toLowerCase()} ` }));
    expect(res.status).toBe(201);
    expect(res.body.uscc).toBe(valid);
    expect(await byUscc(valid)).toHaveLength(1);
  });

  it('refuses a division that does not exist with 422 DIVISION_NOT_FOUND', async () => {
    const before = await countRows(t, 'identity.department');
    const res = await admin.post('/api/departments', departmentBody('360199', 105));
    expectProblem(res, 422, 'DIVISION_NOT_FOUND');
    expect(fieldsOf(res)).toEqual(['/body/divisionCode']);
    expect(await countRows(t, 'identity.department')).toBe(before);
  });

  it('refuses a malformed division code with 400 VALIDATION_FAILED', async () => {
    for (const divisionCode of ['36010', '36010X', '3601000', '']) {
      const res = await admin.post('/api/departments', { ...departmentBody('360100', 106), divisionCode });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toContain('/body/divisionCode');
    }
  });

  it('refuses unknown and missing fields with 400, naming them', async () => {
    const before = await countRows(t, 'identity.department');
    const unknown = await admin.post('/api/departments', { ...departmentBody('360100', 107), colour: 'red' });
    expectProblem(unknown, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(unknown)).toEqual(['/body/colour']);
    const { kind: _k, ...noKind } = departmentBody('360100', 107);
    const missing = await admin.post('/api/departments', noKind);
    expectProblem(missing, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(missing)).toEqual(['/body/kind']);
    const badKind = await admin.post('/api/departments', departmentBody('360100', 107, { kind: 'ministry' }));
    expectProblem(badKind, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(badKind)).toContain('/body/kind');
    const shortName = await admin.post('/api/departments', departmentBody('360100', 107, { name: 'x' }));
    expect(fieldsOf(shortName)).toEqual(['/body/name']);
    expect(await countRows(t, 'identity.department')).toBe(before);
  });

  it('answers malformed or non-JSON bodies with 400 MALFORMED_REQUEST, never 500', async () => {
    const before = await countRows(t, 'identity.department');
    for (const raw of ['{"name": "半截', '{,}', 'not json', '[1,2', '\u0000']) {
      const res = await admin.request('POST', '/api/departments', raw);
      expectProblem(res, 400, 'MALFORMED_REQUEST');
    }
    const xml = await admin.request('POST', '/api/departments', '<department/>', { 'content-type': 'application/xml' });
    expectProblem(xml, 400, 'MALFORMED_REQUEST');
    const text = await admin.request('POST', '/api/departments', 'name=x', { 'content-type': 'text/plain' });
    expectProblem(text, 400, 'VALIDATION_FAILED');
    const array = await admin.request('POST', '/api/departments', '[]');
    expectProblem(array, 400, 'VALIDATION_FAILED');
    const empty = await admin.request('POST', '/api/departments', '');
    expect(empty.status).toBe(400);
    expect(await countRows(t, 'identity.department')).toBe(before);
  });

  it('refuses a duplicate credit code with 409 DUPLICATE', async () => {
    const body = departmentBody('360112', 108);
    expect((await admin.post('/api/departments', body)).status).toBe(201);
    const before = await countRows(t, 'identity.department');
    const dup = await admin.post('/api/departments', { ...body, name: '另一个部门', uscc: body.uscc.toLowerCase() });
    expectProblem(dup, 409, 'DUPLICATE');
    expect(fieldsOf(dup)).toEqual(['/body/uscc']);
    expect(await countRows(t, 'identity.department')).toBe(before);
    // A seeded department's code too.
    expectProblem(await admin.post('/api/departments', departmentBody('360112', 109, { uscc: demoUscc('360000', 1) })), 409, 'DUPLICATE');
  });

  it('checks the parent department', async () => {
    const sr = await departmentId(t, '上饶市行政审批局');
    const missing = await admin.post('/api/departments', departmentBody('360100', 110, { parentId: '00000000-0000-4000-8000-000000000000' }));
    expectProblem(missing, 422, 'RULE_VIOLATION');
    expect(fieldsOf(missing)).toEqual(['/body/parentId']);
    const elsewhere = await admin.post('/api/departments', departmentBody('360100', 110, { parentId: sr }));
    expectProblem(elsewhere, 422, 'RULE_VIOLATION');
    expect(await byUscc(demoUscc('360100', 110))).toHaveLength(0);
    const ok = await admin.post('/api/departments', departmentBody('361130', 110, { parentId: sr }));
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body).toMatchObject({ parentId: sr, parentName: '上饶市行政审批局' });
    const children = await admin.get(`/api/departments?parentId=${sr}`);
    expect(children.body.items.map((d: { id: string }) => d.id)).toEqual([ok.body.id]);
  });
});

describe('simultaneous creates with the same credit code', () => {
  it('give exactly one 201 and one 409, each audited once', async () => {
    for (let round = 0; round < 5; round++) {
      const uscc = demoUscc('360121', 200 + round);
      const [a, b] = await Promise.all([
        admin.post('/api/departments', departmentBody('360121', 200 + round, { name: `并发部门甲${round}`, uscc })),
        ncAdmin.post('/api/departments', departmentBody('360121', 200 + round, { name: `并发部门乙${round}`, uscc })),
      ]);
      const statuses = [a.status, b.status].sort();
      expect(statuses, `${a.text} ${b.text}`).toEqual([201, 409]);
      const loser = a.status === 409 ? a : b;
      const winner = a.status === 201 ? a : b;
      expect(loser.body.code).toBe('DUPLICATE');
      expect(await byUscc(uscc)).toHaveLength(1);
      expect((await byUscc(uscc))[0].id).toBe(winner.body.id);

      const lost = await eventually(() => auditOfResponse(t, loser), (e) => e.length > 0);
      await settle();
      expect(await auditOfResponse(t, loser)).toHaveLength(1);
      expect(lost[0]).toMatchObject({ action: 'identity.department.create', outcome: 'failure', error_code: 'DUPLICATE' });
      const won = await auditOfResponse(t, winner);
      expect(won).toHaveLength(1);
      expect(won[0]).toMatchObject({ action: 'identity.department.create', outcome: 'success', target_id: winner.body.id, error_code: null });
      const all = await t.database.db
        .selectFrom('audit.entry')
        .select(['outcome'])
        .where('action', '=', 'identity.department.create')
        .where('request_id', 'in', [String(a.headers['x-request-id']), String(b.headers['x-request-id'])])
        .execute();
      expect(all.map((e) => e.outcome).sort()).toEqual(['failure', 'success']);
    }
  });
});

describe('updating a department', () => {
  it('changes the given fields and audits before and after', async () => {
    const created = await ncAdmin.post('/api/departments', departmentBody('360123', 120, { name: '安义县数据中心' }));
    const id = created.body.id as string;
    t.clock.advance(1000);
    const res = await ncAdmin.patch(`/api/departments/${id}`, { name: '安义县大数据中心', shortName: '安义数据中心', kind: 'information_center' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ name: '安义县大数据中心', shortName: '安义数据中心', kind: 'information_center', uscc: created.body.uscc });
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThan(Date.parse(created.body.updatedAt));
    const row = (await t.database.db.selectFrom('identity.department').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
    expect(row.name).toBe('安义县大数据中心');
    const entries = await auditOfResponse(t, res);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'identity.department.update', outcome: 'success', target_id: id });
    const summary = typeof entries[0].summary === 'string' ? JSON.parse(entries[0].summary) : entries[0].summary;
    expect(summary.before).toEqual({ name: '安义县数据中心', shortName: null, kind: 'other', kindName: '其他' });
    expect(summary.after).toEqual({ name: '安义县大数据中心', shortName: '安义数据中心', kind: 'information_center', kindName: '信息中心/大数据中心' });
  });

  it('refuses a duplicate or invalid credit code and leaves the department as it was', async () => {
    const created = await admin.post('/api/departments', departmentBody('360124', 121));
    const id = created.body.id as string;
    const before = await t.database.db.selectFrom('identity.department').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expectProblem(await admin.patch(`/api/departments/${id}`, { uscc: demoUscc('360000', 2), name: '改名不应生效' }), 409, 'DUPLICATE');
    const invalid = await admin.patch(`/api/departments/${id}`, { uscc: withWrongCheck(demoUscc('360124', 122)), name: '改名不应生效' });
    expectProblem(invalid, 422, 'USCC_INVALID');
    expect(fieldsOf(invalid)).toEqual(['/body/uscc']);
    expectProblem(await admin.patch(`/api/departments/${id}`, { divisionCode: '360100' }), 400, 'VALIDATION_FAILED');
    expect(await t.database.db.selectFrom('identity.department').selectAll().where('id', '=', id).executeTakeFirstOrThrow()).toEqual(before);
    // Its own code again is no conflict; a legacy code can be set explicitly.
    expect((await admin.patch(`/api/departments/${id}`, { uscc: before.uscc })).status).toBe(200);
    const legacy = await admin.patch(`/api/departments/${id}`, { uscc: withWrongCheck(demoUscc('360124', 122)), legacyCode: true });
    expect(legacy.status).toBe(200);
    expect(legacy.body).toMatchObject({ legacyCode: true, usccWarning: expect.any(String) });
    const fixed = await admin.patch(`/api/departments/${id}`, { uscc: demoUscc('360124', 122) });
    expect(fixed.body).toMatchObject({ legacyCode: false, usccWarning: null });
  });

  it('disables a department and answers 404 for an unknown one', async () => {
    const created = await admin.post('/api/departments', departmentBody('360124', 123));
    const res = await admin.patch(`/api/departments/${created.body.id}`, { enabled: false });
    expect(res.body.enabled).toBe(false);
    expect((await t.database.db.selectFrom('identity.department').select('enabled').where('id', '=', created.body.id).executeTakeFirstOrThrow()).enabled).toBe(false);
    expectProblem(await admin.patch('/api/departments/00000000-0000-4000-8000-000000000000', { name: '不存在的部门' }), 404, 'NOT_FOUND');
  });
});
