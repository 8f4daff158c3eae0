import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, departmentId, demoUscc, userId, type Agent, type TestApp } from '../harness.ts';
import { createDepartment, entriesOfRequest } from './helpers.ts';

let t: TestApp;
let admin: Agent;
let auditor: Agent;
let ncAdmin: Agent;
let srAdmin: Agent;
let officer: Agent;
let T0: Date;
const at = (hours: number) => new Date(T0.getTime() + hours * 3_600_000);
let nanchangDept: string;
let shangraoDept: string;

beforeAll(async () => {
  t = await createTestApp({ env: { SESSION_IDLE_MINUTES: '1440' } });
  T0 = new Date(Math.floor(t.clock.now().getTime() / 1000) * 1000);
  t.clock.set(T0);
  admin = await t.login('admin');
  auditor = await t.login('auditor');
  ncAdmin = await t.login('nc_admin');
  srAdmin = await t.login('sr_admin');
  officer = await t.login('nc_officer');

  t.clock.set(at(1));
  nanchangDept = (await createDepartment(admin, '360100', '南昌市审计测试局')).id;
  shangraoDept = (await createDepartment(admin, '361100', '上饶市审计测试局')).id;

  t.clock.set(at(2));
  expect((await admin.patch(`/api/departments/${nanchangDept}`, { name: '南昌市审计测试局（改）' })).status).toBe(200);
  const denied = await officer.post('/api/departments', { name: '越权部门', uscc: demoUscc('360100', 901), divisionCode: '360100', kind: 'audit' });
  expect(denied.status).toBe(403);
  await entriesOfRequest(t, String(denied.headers['x-request-id']));

  t.clock.set(at(3));
  const dup = await admin.post('/api/departments', { name: '重复部门', uscc: demoUscc('360000', 1), divisionCode: '360000', kind: 'audit' });
  expect(dup.status).toBe(409);
  await entriesOfRequest(t, String(dup.headers['x-request-id']));
});
afterAll(async () => t?.close());

async function allIdsDesc(): Promise<number[]> {
  const rows = await t.database.db.selectFrom('audit.entry').select('id').orderBy('id', 'desc').execute();
  return rows.map((r) => r.id);
}

const qs = (params: Record<string, string | number>) => new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();

/** RFC 4180 CSV (quoted fields may hold commas, quotes and newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

describe('GET /api/audit/entries', () => {
  it('lists every entry newest first, page by page', async () => {
    const ids = await allIdsDesc();
    expect(ids.length).toBeGreaterThan(10);
    const seen: number[] = [];
    for (let page = 1; page <= Math.ceil(ids.length / 4); page++) {
      const res = await auditor.get(`/api/audit/entries?${qs({ page, pageSize: 4 })}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total: ids.length, page, pageSize: 4 });
      expect(res.body.items.length).toBe(Math.min(4, ids.length - (page - 1) * 4));
      seen.push(...res.body.items.map((e: { id: number }) => e.id));
    }
    expect(seen).toEqual(ids);
    const beyond = await auditor.get(`/api/audit/entries?${qs({ page: 99, pageSize: 4 })}`);
    expect(beyond.body.items).toEqual([]);
    expect(beyond.body.total).toBe(ids.length);
  });

  it('returns the entry fields, with department names', async () => {
    const res = await auditor.get(`/api/audit/entries?${qs({ action: 'identity.department.create', outcome: 'success' })}`);
    expect(res.body.items.map((e: any) => e.targetLabel)).toEqual(['上饶市审计测试局', '南昌市审计测试局']);
    expect(res.body.items[1]).toMatchObject({
      actorKind: 'user',
      actorId: await userId(t, 'admin'),
      actorName: '平台管理员',
      departmentId: nanchangDept,
      departmentName: '南昌市审计测试局（改）',
      action: 'identity.department.create',
      targetType: 'department',
      targetId: nanchangDept,
      outcome: 'success',
      errorCode: null,
      occurredAt: at(1).toISOString(),
      batchNo: null,
      ip: '127.0.0.1',
    });
    expect(res.body.items[1].summary.after).toMatchObject({ name: '南昌市审计测试局', divisionCode: '360100' });
  });

  it('filters by actor name or actor id', async () => {
    const byName = await auditor.get(`/api/audit/entries?${qs({ actor: '数据专员' })}`);
    expect(byName.status).toBe(200);
    const officerId = await userId(t, 'nc_officer');
    expect(byName.body.total).toBe(2); // the login and the refused creation
    for (const e of byName.body.items) expect(e.actorId).toBe(officerId);
    expect(byName.body.items.map((e: any) => e.action)).toEqual(['identity.department.create', 'identity.auth.login']);

    const byId = await auditor.get(`/api/audit/entries?${qs({ actor: officerId })}`);
    expect(byId.body.items.map((e: any) => e.id)).toEqual(byName.body.items.map((e: any) => e.id));
  });

  it('filters by action prefix', async () => {
    const res = await auditor.get(`/api/audit/entries?${qs({ action: 'identity.department' })}`);
    expect(res.body.items.map((e: any) => `${e.action}/${e.outcome}`)).toEqual([
      'identity.department.create/failure',
      'identity.department.create/denied',
      'identity.department.update/success',
      'identity.department.create/success',
      'identity.department.create/success',
    ]);
    const update = await auditor.get(`/api/audit/entries?${qs({ action: 'identity.department.update' })}`);
    expect(update.body.total).toBe(1);
    const none = await auditor.get(`/api/audit/entries?${qs({ action: 'department' })}`);
    expect(none.body.total).toBe(0); // a prefix, not a substring
  });

  it('filters by outcome', async () => {
    const denied = await auditor.get(`/api/audit/entries?${qs({ outcome: 'denied' })}`);
    expect(denied.body.total).toBe(1);
    expect(denied.body.items[0]).toMatchObject({ outcome: 'denied', errorCode: 'FORBIDDEN', actorId: await userId(t, 'nc_officer') });
    const failure = await auditor.get(`/api/audit/entries?${qs({ outcome: 'failure' })}`);
    expect(failure.body.items.map((e: any) => e.errorCode)).toEqual(['DUPLICATE']);
    const bad = await auditor.get(`/api/audit/entries?${qs({ outcome: 'maybe' })}`);
    expect(bad.status).toBe(400);
  });

  it('filters by time range, both ends inclusive', async () => {
    const res = await auditor.get(`/api/audit/entries?${qs({ from: at(2).toISOString(), to: at(2).toISOString() })}`);
    expect(res.body.items.map((e: any) => e.action)).toEqual(['identity.department.create', 'identity.department.update']);
    for (const e of res.body.items) expect(e.occurredAt).toBe(at(2).toISOString());

    const from = await auditor.get(`/api/audit/entries?${qs({ from: at(1.5).toISOString() })}`);
    expect(from.body.total).toBe(3);
    const to = await auditor.get(`/api/audit/entries?${qs({ to: at(0.5).toISOString(), action: 'identity.auth.login' })}`);
    expect(to.body.total).toBe(5);
    // Offsets other than Z mean the same instant.
    const cst = new Date(at(2).getTime() + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
    const sameRange = await auditor.get(`/api/audit/entries?${qs({ from: cst, to: cst })}`);
    expect(sameRange.body.total).toBe(2);
  });

  it('refuses an inverted time range with 400 TIME_RANGE_INVERTED', async () => {
    const res = await auditor.get(`/api/audit/entries?${qs({ from: at(3).toISOString(), to: at(1).toISOString() })}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'TIME_RANGE_INVERTED', errors: [expect.objectContaining({ field: '/querystring/from' })] });
    const csv = await auditor.get(`/api/audit/entries.csv?${qs({ from: at(3).toISOString(), to: at(1).toISOString() })}`);
    expect(csv.status).toBe(400);
    expect(csv.body.code).toBe('TIME_RANGE_INVERTED');
  });

  it('filters by department', async () => {
    const res = await auditor.get(`/api/audit/entries?${qs({ departmentId: nanchangDept })}`);
    expect(res.body.items.map((e: any) => e.action)).toEqual(['identity.department.update', 'identity.department.create']);
    for (const e of res.body.items) expect(e.departmentId).toBe(nanchangDept);
  });

  it('shows a division-scoped reader only the entries of departments in its division', async () => {
    const res = await ncAdmin.get(`/api/audit/entries?${qs({ pageSize: 500 })}`);
    expect(res.status).toBe(200);
    const nanchang = await t.database.db
      .selectFrom('identity.department as d')
      .innerJoin('identity.division as v', 'v.code', 'd.division_code')
      .select('d.id')
      .where('v.path', 'like', '/360000/360100/%')
      .execute();
    const inScope = new Set(nanchang.map((d) => d.id));
    expect(res.body.items.length).toBeGreaterThan(0);
    for (const e of res.body.items) expect(inScope.has(e.departmentId), `${e.action} of ${e.departmentName}`).toBe(true);
    const targets = res.body.items.map((e: any) => e.targetId);
    expect(targets).toContain(nanchangDept);
    expect(targets).not.toContain(shangraoDept);
    // The logins of nc_admin and nc_officer (南昌) are in scope, those of admin and sr_admin are not.
    const logins = res.body.items.filter((e: any) => e.action === 'identity.auth.login').map((e: any) => e.actorName).sort();
    expect(logins).toEqual(['南昌市市场监管局数据专员', '南昌市数据局管理员'].sort());
    // The total counts only what is in scope, even when filtered by an outside department.
    expect(res.body.total).toBe(res.body.items.length);
    const outside = await ncAdmin.get(`/api/audit/entries?${qs({ departmentId: shangraoDept })}`);
    expect(outside.body).toMatchObject({ total: 0, items: [] });
    const outsideCsv = await ncAdmin.get(`/api/audit/entries.csv?${qs({ departmentId: shangraoDept })}`);
    expect(parseCsv(outsideCsv.text.replace(/^\uFEFF/, ''))).toHaveLength(1); // the header only
  });

  it('shows a department-scoped reader only its own department', async () => {
    const own = await departmentId(t, '上饶市行政审批局');
    const res = await srAdmin.get(`/api/audit/entries?${qs({ pageSize: 500 })}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    for (const e of res.body.items) expect(e.departmentId).toBe(own);
    expect(res.body.items.map((e: any) => e.targetId)).not.toContain(shangraoDept);
  });

  it('refuses a user without audit.read', async () => {
    const res = await officer.get('/api/audit/entries');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
    expect((await officer.get('/api/audit/entries.csv')).status).toBe(403);
    expect((await officer.get('/api/audit/status')).status).toBe(403);
    expect((await t.anonymous().get('/api/audit/entries')).status).toBe(401);
  });
});

describe('GET /api/audit/entries.csv', () => {
  const HEADER = [
    '序号 id',
    '时间 time',
    '主体类型 actor kind',
    '操作人 actor',
    '部门 department',
    '操作 action',
    '对象类型 target type',
    '对象 target id',
    '对象名称 target',
    '结果 outcome',
    '错误码 error code',
    'IP',
    '请求 request id',
    '摘要 summary',
  ];

  it('exports one line per entry, newest first, as an attachment', async () => {
    const res = await auditor.get('/api/audit/entries.csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.text.startsWith('\uFEFF')).toBe(true);
    const rows = parseCsv(res.text.slice(1));
    expect(rows[0]).toEqual(HEADER);
    // The export itself is recorded, after the rows it exports were read.
    const [exported, ...ids] = await allIdsDesc();
    expect(rows.slice(1).map((r) => Number(r[0]))).toEqual(ids);
    for (const r of rows.slice(1)) expect(r).toHaveLength(HEADER.length);
    const entry = await t.database.db.selectFrom('audit.entry').selectAll().where('id', '=', exported).executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ action: 'audit.entry.export', outcome: 'success', actor_name: expect.any(String), target_label: 'CSV' });
    expect(entry.summary).toEqual({ filters: {}, format: 'csv' });
  });

  it('records who exported with which filters, and a refused export too', async () => {
    const filter = { action: 'identity.department' };
    expect((await auditor.get(`/api/audit/entries.csv?${qs(filter)}`)).status).toBe(200);
    const [last] = await t.database.db.selectFrom('audit.entry').selectAll().orderBy('id', 'desc').limit(1).execute();
    expect(last).toMatchObject({ action: 'audit.entry.export', outcome: 'success' });
    expect(last.summary).toEqual({ filters: filter, format: 'csv' });
    const denied = await officer.get('/api/audit/entries.csv');
    expect(denied.status).toBe(403);
    // A refusal is recorded after the answer has gone (in the onResponse hook): wait for it.
    const refused = await entriesOfRequest(t, String(denied.headers['x-request-id']));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ action: 'audit.entry.export', outcome: 'denied' });
  });

  it('applies the same filters as the list', async () => {
    const filter = { action: 'identity.department', from: at(1).toISOString(), to: at(2).toISOString() };
    const json = await auditor.get(`/api/audit/entries?${qs(filter)}`);
    const csv = await auditor.get(`/api/audit/entries.csv?${qs(filter)}`);
    expect(csv.status).toBe(200);
    const rows = parseCsv(csv.text.replace(/^\uFEFF/, '')).slice(1);
    expect(rows).toHaveLength(json.body.total);
    expect(json.body.total).toBe(4);
    rows.forEach((r, i) => {
      const e = json.body.items[i];
      expect(r[0]).toBe(String(e.id));
      expect(r[1]).toBe(e.occurredAt);
      expect(r[3]).toBe(e.actorName ?? '');
      expect(r[5]).toBe(e.action);
      expect(r[9]).toBe(e.outcome);
      expect(r[12]).toBe(e.requestId ?? '');
      if (e.summary) expect(JSON.parse(r[13])).toEqual(e.summary);
    });
    const dept = rows.find((r) => r[7] === nanchangDept && r[5] === 'identity.department.create')!;
    expect(dept[4]).toBe('南昌市审计测试局（改）');
    expect(dept[8]).toBe('南昌市审计测试局');
  });
});

describe('status and verification', () => {
  it('counts entries, sealed and unsealed', async () => {
    const total = (await allIdsDesc()).length;
    let res = await auditor.get('/api/audit/status');
    expect(res.body).toEqual({ entries: total, sealed: 0, unsealed: total, batches: 0, lastBatchNo: null, lastSealedAt: null });
    expect(await t.app.sealNow()).toBe(total);
    res = await auditor.get('/api/audit/status');
    expect(res.body).toEqual({ entries: total, sealed: total, unsealed: 0, batches: 1, lastBatchNo: 1, lastSealedAt: t.clock.now().toISOString() });
    const listed = await auditor.get(`/api/audit/entries?${qs({ pageSize: 1 })}`);
    expect(listed.body.items[0].batchNo).toBe(1);
  });

  it('counts for a scoped reader only the entries its scope covers', async () => {
    const srDept = await departmentId(t, '上饶市行政审批局');
    const own = await t.database.db.selectFrom('audit.entry').select((eb) => eb.fn.countAll<number>().as('n')).where('department_id', '=', srDept).executeTakeFirstOrThrow();
    expect(Number(own.n)).toBeGreaterThan(0);
    const res = await srAdmin.get('/api/audit/status');
    expect(res.status).toBe(200);
    const listed = await srAdmin.get(`/api/audit/entries?${qs({ pageSize: 1 })}`);
    expect(res.body.entries).toBe(listed.body.total);
    expect(res.body.entries).toBe(Number(own.n));
    expect(res.body.entries).toBeLessThan((await allIdsDesc()).length);
  });

  it('verifies the whole log for an auditor, and audits the run', async () => {
    const entriesBefore = (await allIdsDesc()).length;
    const res = await auditor.post('/api/audit/verify');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ ok: true, batches: 1, entries: entriesBefore, unsealed: 0, head: { batchNo: 1, chainHash: expect.stringMatching(/^[0-9a-f]{64}$/) }, problems: [] });
    const [entry] = await entriesOfRequest(t, String(res.headers['x-request-id']));
    expect(entry).toMatchObject({
      action: 'audit.verify',
      actor_id: await userId(t, 'auditor'),
      outcome: 'success',
      target_type: 'audit_log',
      target_id: 'all',
    });
    expect(entry.summary).toEqual({ ok: true, batches: 1, entries: entriesBefore, problems: 0 });
    expect(await entriesOfRequest(t, String(res.headers['x-request-id']))).toHaveLength(1);
  });

  it('reports tampering through the API', async () => {
    const [victim] = await t.database.db.selectFrom('audit.entry').select('id').where('batch_no', '=', 1).orderBy('id').limit(1).execute();
    await t.database.db.updateTable('audit.entry').set({ actor_name: '某人' }).where('id', '=', victim.id).execute();
    const res = await auditor.post('/api/audit/verify');
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.problems[0]).toMatchObject({ kind: 'entry_altered', batchNo: 1, entryId: victim.id });
  });

  it('refuses verification to a department administrator, and records the refusal', async () => {
    const res = await ncAdmin.post('/api/audit/verify');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
    const [entry] = await entriesOfRequest(t, String(res.headers['x-request-id']));
    expect(entry).toMatchObject({ action: 'audit.verify', outcome: 'denied', error_code: 'FORBIDDEN', actor_id: await userId(t, 'nc_admin') });
  });
});

describe('large exports', () => {
  it('exports more entries than one page of the export query, each once, newest first', async () => {
    await t.database.executeSql(
      `INSERT INTO audit.entry (occurred_at, actor_kind, action, target_type, target_id, summary, outcome)
       SELECT now(), 'system', 'test.bulk', 'row', g::text, jsonb_build_object('n', g, 'text', 'a,"b"' || chr(10) || 'c'), 'success'
       FROM generate_series(1, 2345) AS g`,
    );
    const json = await auditor.get(`/api/audit/entries?${qs({ action: 'test.bulk', pageSize: 1 })}`);
    expect(json.body.total).toBe(2345);
    const csv = await auditor.get(`/api/audit/entries.csv?${qs({ action: 'test.bulk' })}`);
    expect(csv.status).toBe(200);
    const rows = parseCsv(csv.text.replace(/^\uFEFF/, '')).slice(1);
    expect(rows).toHaveLength(2345);
    const ids = rows.map((r) => Number(r[0]));
    expect(new Set(ids).size).toBe(2345);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(rows.map((r) => r[7])).toEqual(Array.from({ length: 2345 }, (_, i) => String(2345 - i)));
    expect(JSON.parse(rows[0][13])).toEqual({ n: 2345, text: 'a,"b"\nc' });
  });
});
