import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntries, createTestApp, departmentId, type Agent, type TestApp } from '../harness.ts';
import { entryContent } from '../catalog/helpers.ts';
import { auditSuccesses, conditionalShare, publish } from './helpers.ts';
import { eventually } from '../identity/helpers.ts';

/**
 * R-SHR-7 sharing statistics, the five failings and the yearly XLSX report, on a scenario built
 * through the API in March 2026 and read on Wed 2026-04-01 (docs/sharing-statistics.md).
 */

let t: TestApp;
let provider: Agent; // nc_officer, 南昌市市场监督管理局
let consumer: Agent; // ncsp_officer, 南昌市行政审批局
let authority: Agent; // nc_authority, 南昌市 and below
let jx: Agent; // jx_authority, the province
let srAdmin: Agent; // 上饶市审批局
let amr: string;
let approval: string;
let hgt: string;
let sr: string;
let conditionalId: string;
let unconditionalId: string;

async function at(iso: string) {
  t.clock.set(new Date(iso));
  provider = await t.login('nc_officer');
  consumer = await t.login('ncsp_officer');
  authority = await t.login('nc_authority');
  jx = await t.login('jx_authority');
  srAdmin = await t.login('sr_admin');
}

const ok = <T extends { status: number; text: string }>(res: T, status = 200) => {
  if (res.status !== status) throw new Error(`${res.status} ${res.text}`);
  return res as T & { body: any };
};

const apply = (purpose: string) => ({
  resourceId: conditionalId,
  purpose,
  dutyBasis: '《行政许可法》第三十一条',
  scopeOfUse: '本局企业设立登记审批',
  validFrom: '2026-03-02',
  validTo: '2026-12-31',
});

const stats = async (agent: Agent, query = '') => agent.get(`/api/sharing/stats${query ? `?${query}` : ''}`);
const row = (res: { body: any }, id: string) => res.body.items.find((r: any) => r.departmentId === id);

beforeAll(async () => {
  t = await createTestApp();
  amr = await departmentId(t, '南昌市市场监督管理局');
  approval = await departmentId(t, '南昌市行政审批局');
  hgt = await departmentId(t, '南昌市红谷滩区行政审批局');
  sr = await departmentId(t, '上饶市行政审批局');

  // Mon 2026-03-02 09:00: three entries catalogued, two published; four requests; one grant at once.
  await at('2026-03-02T09:00:00+08:00');
  conditionalId = await publish(provider, authority, { name: '企业法定代表人信息', share: conditionalShare });
  unconditionalId = await publish(provider, authority, { name: '企业登记基本信息' });
  ok(await provider.post('/api/catalog/resources', { content: entryContent({ name: '尚未提交的目录' }) }), 201);
  const onTime = ok(await consumer.post('/api/sharing/requests', apply('企业设立登记核验一')), 201).body.id;
  t.clock.set(new Date('2026-03-02T09:01:00+08:00'));
  const late = ok(await consumer.post('/api/sharing/requests', apply('企业设立登记核验二')), 201).body.id;
  t.clock.set(new Date('2026-03-02T09:02:00+08:00'));
  ok(await consumer.post('/api/sharing/requests', apply('企业设立登记核验三')), 201); // never answered
  ok(await consumer.post('/api/sharing/grants', { resourceId: unconditionalId, purpose: '企业登记信息核验', fields: ['uscc', 'name'] }), 201);
  // The update duty is due 15 working days after 03-02 (03-23); the sharing duty on 03-10. Neither is met.
  ok(await authority.post('/api/catalog/update-duties', { departmentId: amr, reason: 'law', basis: '《江西省公共数据管理办法》修订' }), 201);
  ok(await authority.post('/api/sharing/duties', { providerDepartmentId: amr, resourceId: unconditionalId, consumerDepartmentId: hgt, description: '向红谷滩区审批局共享企业登记基本信息', dueDate: '2026-03-10' }), 201);

  // Tue 03-03: two disputes (5 working days: due 03-10); one corrected the next day, one never answered.
  await at('2026-03-03T10:00:00+08:00');
  const dispute = { resourceId: unconditionalId, recordKey: '91360100MA35XXXX1A', field: 'name', issue: '企业名称与营业执照不一致', evidence: '营业执照副本' };
  const corrected = ok(await consumer.post('/api/sharing/disputes', dispute), 201).body.id;
  t.clock.set(new Date('2026-03-03T10:01:00+08:00'));
  ok(await consumer.post('/api/sharing/disputes', { ...dispute, recordKey: '91360100MA35YYYY2B' }), 201);
  await at('2026-03-04T10:00:00+08:00');
  ok(await provider.post(`/api/sharing/disputes/${corrected}/answer`, { outcome: 'corrected', reasons: '已按营业执照更正' }));

  // Thu 03-05: one request approved in time (due Mon 03-16); Fri 03-20: one refused late.
  await at('2026-03-05T10:00:00+08:00');
  ok(await provider.post(`/api/sharing/requests/${onTime}/approve`, {}));
  await at('2026-03-20T10:00:00+08:00');
  ok(await provider.post(`/api/sharing/requests/${late}/refuse`, { reasons: '申请用途与履职依据不符' }));

  // Mon 03-30: a fourth request, still within its 10 working days on 04-01.
  await at('2026-03-30T10:00:00+08:00');
  ok(await consumer.post('/api/sharing/requests', apply('企业设立登记核验四')), 201);

  await at('2026-04-01T10:00:00+08:00');
  ok(await authority.post('/api/sharing/failings', { departmentId: approval, kind: 'misuse', description: '将共享的企业登记信息用于招商宣传', evidence: '市审计局审计报告第 12 号' }), 201);
});
afterAll(async () => t?.close());

describe('figures per department', () => {
  it('counts what the provider catalogued, answered and owes, and its computed failings', async () => {
    const res = await stats(authority);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ from: '2026-01-01', to: '2026-12-31' });
    expect(row(res, amr)).toEqual({
      departmentId: amr,
      departmentName: '南昌市市场监督管理局',
      divisionCode: '360100',
      catalogued: 3,
      published: 2,
      updateDuties: 1,
      updateDutiesOnTime: 0,
      updateDutiesLate: 0,
      updateDutiesOpen: 1,
      updateDutiesOverdue: 1,
      requestsReceived: 4,
      requestsAnsweredOnTime: 1,
      requestsAnsweredLate: 1,
      requestsOpen: 1,
      requestsOverdue: 1,
      requestsMade: 0,
      grantsGiven: 2,
      grantsReceived: 0,
      disputesReceived: 2,
      disputesAnsweredOnTime: 1,
      disputesAnsweredLate: 0,
      disputesOpen: 0,
      disputesOverdue: 1,
      disputesCorrected: 1,
      disputesRaised: 0,
      sharingDuties: 1,
      sharingDutiesFulfilled: 0,
      sharingDutiesPending: 0,
      sharingDutiesOverdue: 1,
      failingsRecorded: 0,
      failingsTotal: 4,
      failings: { not_catalogued: 1, not_provided: 2, inconsistent: 1, misuse: 0, other: 0 },
      flagged: true,
    });
  });

  it('counts what the consumer asked for and received, and the failing recorded against it', async () => {
    const r = row(await stats(authority), approval);
    expect(r).toMatchObject({ catalogued: 0, requestsMade: 4, requestsReceived: 0, grantsReceived: 2, grantsGiven: 0, disputesRaised: 2, disputesReceived: 0, failingsRecorded: 1, failingsTotal: 1, flagged: true });
    expect(r.failings).toEqual({ not_catalogued: 0, not_provided: 0, inconsistent: 0, misuse: 1, other: 0 });
  });

  it('a department with nothing to show is listed with zeros', async () => {
    const r = row(await stats(authority), hgt);
    expect(r).toMatchObject({ catalogued: 0, requestsMade: 0, sharingDuties: 0, failingsTotal: 0, flagged: false });
  });

  it('totals, flagged departments and the per-month series', async () => {
    const res = await stats(authority);
    expect(res.body.totals).toMatchObject({ catalogued: 3, published: 2, requestsReceived: 4, requestsMade: 4, grantsGiven: 2, grantsReceived: 2, disputesReceived: 2, disputesRaised: 2, failingsTotal: 5 });
    expect(res.body.totals.failings).toEqual({ not_catalogued: 1, not_provided: 2, inconsistent: 1, misuse: 1, other: 0 });
    expect(res.body.flaggedDepartments).toBe(2);
    expect(res.body.months.map((m: any) => m.month)).toEqual(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'].map((m) => `2026-${m}`));
    expect(res.body.months[2]).toEqual({ month: '2026-03', catalogued: 3, published: 2, requestsReceived: 4, requestsAnsweredOnTime: 1, requestsAnsweredLate: 1, requestsOverdue: 1 });
    expect(res.body.months[3]).toMatchObject({ requestsReceived: 0, catalogued: 0 });
  });

  it('counts only what arose in the period', async () => {
    const april = await stats(authority, 'from=2026-04-01&to=2026-04-30');
    expect(april.status).toBe(200);
    expect(row(april, amr)).toMatchObject({ catalogued: 0, requestsReceived: 0, disputesReceived: 0, sharingDuties: 0, failingsTotal: 0 });
    expect(row(april, approval)).toMatchObject({ failingsRecorded: 1 });
    expect(april.body.months.map((m: any) => m.month)).toEqual(['2026-04']);
    const lastYear = await stats(authority, 'from=2025-01-01&to=2025-12-31');
    expect(lastYear.body.totals).toMatchObject({ catalogued: 0, requestsReceived: 0, failingsTotal: 0 });
  });

  it('pages and sorts by any figure', async () => {
    const all = await stats(authority);
    const sorted = await stats(authority, 'sort=requestsReceived&pageSize=2');
    expect(sorted.body.total).toBe(all.body.total);
    expect(sorted.body.items).toHaveLength(2);
    expect(sorted.body.items[0].departmentId).toBe(amr);
    const asc = await stats(authority, `sort=requestsMade&order=asc&page=${Math.ceil(all.body.total / 2)}&pageSize=2`);
    expect(asc.body.items.at(-1).departmentId).toBe(approval);
    expect((await stats(authority, 'sort=nonsense')).status).toBe(400);
  });
});

describe('scope', () => {
  it('a department sees only itself', async () => {
    const res = await stats(provider);
    expect(res.body.items.map((r: any) => r.departmentId)).toEqual([amr]);
    expect(res.body.total).toBe(1);
    expect((await stats(provider, `departmentId=${approval}`)).body.code).toBe('OUT_OF_SCOPE');
  });

  it('the Nanchang authority sees Nanchang and below, not 上饶', async () => {
    const res = await stats(authority, 'pageSize=100');
    const ids = res.body.items.map((r: any) => r.departmentId);
    expect(ids).toEqual(expect.arrayContaining([amr, approval, hgt]));
    expect(ids).not.toContain(sr);
    expect(res.body.items.every((r: any) => r.divisionCode.startsWith('3601'))).toBe(true);
    const denied = await stats(authority, `departmentId=${sr}`);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('OUT_OF_SCOPE');
    const county = await stats(authority, 'divisionCode=360113');
    expect(county.body.items.map((r: any) => r.departmentId)).toEqual([hgt]);
  });

  it('the provincial authority sees 上饶 too; 上饶 sees nothing of Nanchang', async () => {
    const ids = (await stats(jx, 'pageSize=100')).body.items.map((r: any) => r.departmentId);
    expect(ids).toEqual(expect.arrayContaining([amr, sr]));
    const own = await stats(srAdmin);
    expect(own.body.items.map((r: any) => r.departmentId)).toEqual([sr]);
    expect(own.body.totals.requestsReceived).toBe(0);
  });

  it('anonymous callers are refused', async () => {
    expect((await t.anonymous().get('/api/sharing/stats')).status).toBe(401);
  });
});

describe('bad periods', () => {
  it.each([
    ['from=2026-13-01', '/querystring/from'],
    ['from=2026-02-30&to=2026-03-01', '/querystring/from'],
    ['from=2026-05-01&to=2026-04-01', '/querystring/from'],
    ['to=20260401', '/querystring/to'],
    ['from=2020-01-01&to=2026-12-31', '/querystring/to'],
  ])('%s is 422', async (query, field) => {
    const res = await stats(authority, query);
    expect(res.status, res.text).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.code).toBe('RULE_VIOLATION');
    expect(res.body.errors.map((e: any) => e.field)).toContain(field);
  });

  it('a malformed division code is 400', async () => {
    expect((await stats(authority, 'divisionCode=abc')).status).toBe(400);
  });
});

describe('failings recorded by the sharing authority', () => {
  it('records, audits and notifies', async () => {
    const res = await authority.post('/api/sharing/failings', { departmentId: amr, kind: 'other', description: '目录信息项与实际数据不符', evidence: '抽查记录', resourceId: conditionalId });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ departmentId: amr, departmentName: '南昌市市场监督管理局', kind: 'other', kindZh: '其他', resourceId: conditionalId, resourceName: '企业法定代表人信息', recordedBy: '南昌市数据局共享审核员', recordedByDepartmentName: '南昌市大数据发展管理局' });
    const audit = (await auditSuccesses(t, 'sharing.failing.create')).find((e) => e.target_id === res.body.id);
    expect(audit).toBeDefined();
    const notices = await t.database.db.selectFrom('notifications.notice').selectAll().where('department_id', '=', amr).where('kind', '=', 'sharing.failing.recorded').execute();
    expect(notices).toHaveLength(1);
    expect(row(await stats(authority), amr)).toMatchObject({ failingsRecorded: 1, failingsTotal: 5, failings: { other: 1 } });
  });

  it('403 without sharing.arbitrate; 403 outside the authority’s scope', async () => {
    const body = { departmentId: approval, kind: 'misuse', description: 'x', evidence: 'y' };
    const officer = await provider.post('/api/sharing/failings', body);
    expect(officer.status).toBe(403);
    expect(officer.body).toMatchObject({ code: 'FORBIDDEN', permission: 'sharing.arbitrate' });
    const foreign = await authority.post('/api/sharing/failings', { ...body, departmentId: sr });
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('OUT_OF_SCOPE');
    expect((await jx.post('/api/sharing/failings', { ...body, departmentId: sr })).status).toBe(201);
  });

  it('422 for a blank description or evidence, or a resource of another department; 400 for an unknown kind', async () => {
    const blank = await authority.post('/api/sharing/failings', { departmentId: amr, kind: 'misuse', description: ' ', evidence: '' });
    expect(blank.status).toBe(422);
    expect(blank.body.errors.map((e: any) => e.field)).toEqual(['/body/description', '/body/evidence']);
    const wrong = await authority.post('/api/sharing/failings', { departmentId: approval, kind: 'misuse', description: 'x', evidence: 'y', resourceId: conditionalId });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0].field).toBe('/body/resourceId');
    expect((await authority.post('/api/sharing/failings', { departmentId: amr, kind: 'bad', description: 'x', evidence: 'y' })).status).toBe(400);
  });

  it('lists them in scope, filtered by department, kind and period', async () => {
    const all = await authority.get('/api/sharing/failings');
    expect(all.status).toBe(200);
    expect(all.body.items.map((f: any) => f.departmentId).sort()).toEqual([amr, approval].sort());
    expect((await authority.get('/api/sharing/failings?kind=misuse')).body.items.map((f: any) => f.departmentId)).toEqual([approval]);
    expect((await authority.get(`/api/sharing/failings?departmentId=${amr}`)).body.total).toBe(1);
    expect((await authority.get('/api/sharing/failings?from=2026-05-01')).body.total).toBe(0);
    expect((await authority.get('/api/sharing/failings?from=2026-04-01&to=2026-04-01')).body.total).toBe(2);
    expect((await authority.get('/api/sharing/failings?from=2026-04-02&to=2026-04-01')).status).toBe(422);
    expect((await provider.get('/api/sharing/failings')).body.items.map((f: any) => f.departmentId)).toEqual([amr]);
    expect((await consumer.get('/api/sharing/failings')).body.items.map((f: any) => f.kind)).toEqual(['misuse']);
    expect((await jx.get('/api/sharing/failings')).body.total).toBe(3);
    expect((await srAdmin.get('/api/sharing/failings')).body.items.map((f: any) => f.departmentId)).toEqual([sr]);
  });
});

describe('the yearly XLSX report', () => {
  async function download(agent: Agent, query: string) {
    const res = await t.app.http.inject({ method: 'GET', url: `/api/sharing/reports/yearly.xlsx?${query}`, headers: { cookie: agent.cookie! } });
    return res;
  }
  async function open(agent: Agent, query: string) {
    const res = await download(agent, query);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const year = new URLSearchParams(query).get('year');
    expect(String(res.headers['content-disposition'])).toContain(`filename*=UTF-8''${encodeURIComponent(`${year}年度共享情况报告-`)}`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    return wb;
  }
  const rows = (ws: ExcelJS.Worksheet) => ws.getSheetValues().slice(2).map((r) => (r as unknown[]).slice(1));
  const summary = (wb: ExcelJS.Workbook) => new Map(rows(wb.getWorksheet('汇总')!).map((r) => [r[0] as string, r[1]]));

  it('has the four sheets with Chinese headers and the provider’s numbers', async () => {
    const before = (await auditEntries(t, 'sharing.report.export')).length;
    const wb = await open(authority, `year=2026&departmentId=${amr}`);
    // Who took the report out, and for which department and year, is on record.
    const exported = await auditEntries(t, 'sharing.report.export');
    expect(exported).toHaveLength(before + 1);
    expect(exported.at(-1)).toMatchObject({ outcome: 'success', target_type: 'department', target_id: amr, target_label: '南昌市市场监督管理局' });
    expect(exported.at(-1)!.summary).toMatchObject({ year: 2026, format: 'xlsx', requests: 4 });
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '共享申请', '数据疑义', '问题清单']);
    const s = summary(wb);
    expect(s.get('部门')).toBe('南昌市市场监督管理局');
    expect(s.get('统计期间')).toBe('2026-01-01 至 2026-12-31');
    expect(s.get('新编目信息资源数')).toBe(3);
    expect(s.get('发布信息资源数')).toBe(2);
    expect(s.get('收到共享申请数')).toBe(4);
    expect(s.get('按时答复共享申请数')).toBe(1);
    expect(s.get('逾期答复共享申请数')).toBe(1);
    expect(s.get('逾期未答复共享申请数')).toBe(1);
    expect(s.get('给予共享授权数')).toBe(2);
    expect(s.get('收到数据疑义数')).toBe(2);
    expect(s.get('经核实已更正数据疑义数')).toBe(1);
    expect(s.get('共享责任逾期未履行数')).toBe(1);
    expect(s.get('目录更新责任逾期未完成数')).toBe(1);
    expect(s.get('问题：未按要求编目或更新')).toBe(1);
    expect(s.get('问题：未按要求提供')).toBe(2);
    expect(s.get('问题：数据不一致')).toBe(1);
    expect(s.get('问题：其他')).toBe(1);
    expect(s.get('问题总数（五类）')).toBe(5);

    const requests = wb.getWorksheet('共享申请')!;
    expect(requests.getRow(1).values).toEqual([undefined, '角色', '资源代码', '资源名称', '提供部门', '使用部门', '用途', '收到时间', '答复期限', '状态', '答复时间', '答复时效']);
    const req = rows(requests);
    expect(req).toHaveLength(4);
    expect(req.map((r) => r[10])).toEqual(['按时答复', '逾期答复', '逾期未答复', '待答复']);
    expect(req.map((r) => r[8])).toEqual(['已同意', '已拒绝', '待答复', '待答复']);
    expect(req[0].slice(0, 8)).toEqual(['提供方', expect.stringMatching(/^207000000\/\d{6}$/), '企业法定代表人信息', '南昌市市场监督管理局', '南昌市行政审批局', '企业设立登记核验一', '2026-03-02 09:00', '2026-03-16']);

    const disputes = rows(wb.getWorksheet('数据疑义')!);
    expect(disputes).toHaveLength(2);
    expect(disputes.map((r) => [r[10], r[12]])).toEqual([['已更正', '按时答复'], ['待答复', '逾期未答复']]);

    const failings = rows(wb.getWorksheet('问题清单')!);
    expect(wb.getWorksheet('问题清单')!.getRow(1).values).toEqual([undefined, '问题类别', '来源', '数量', '说明', '证据', '相关资源', '登记人', '登记时间']);
    expect(failings.map((r) => [r[0], r[1], r[2]])).toEqual([
      ['未按要求编目或更新', '系统计算', 1],
      ['未按要求提供', '系统计算', 2],
      ['数据不一致', '系统计算', 1],
      ['其他', '主管部门登记', 1],
    ]);
  });

  it('the consumer’s report lists its requests as the using side and the misuse recorded', async () => {
    const wb = await open(consumer, `year=2026&departmentId=${approval}`);
    const s = summary(wb);
    expect(s.get('提出共享申请数')).toBe(4);
    expect(s.get('获得共享授权数')).toBe(2);
    expect(s.get('问题：违规使用')).toBe(1);
    expect(rows(wb.getWorksheet('共享申请')!).every((r) => r[0] === '使用方')).toBe(true);
    expect(rows(wb.getWorksheet('问题清单')!)).toEqual([['违规使用', '主管部门登记', 1, '将共享的企业登记信息用于招商宣传', '市审计局审计报告第 12 号', undefined, '南昌市数据局共享审核员（南昌市大数据发展管理局）', '2026-04-01 10:00']]);
  });

  it('a year without activity is an empty but valid report', async () => {
    const wb = await open(provider, `year=2025&departmentId=${amr}`);
    expect(summary(wb).get('收到共享申请数')).toBe(0);
    expect(rows(wb.getWorksheet('共享申请')!)).toHaveLength(0);
  });

  it('is refused outside the scope and for a bad year', async () => {
    const denied = await download(provider, `year=2026&departmentId=${approval}`);
    expect(denied.statusCode).toBe(403);
    // A refusal is recorded after the answer has gone (in the onResponse hook): wait for it.
    const requestId = String(denied.headers['x-request-id']);
    const refused = await eventually(async () => (await auditEntries(t, 'sharing.report.export')).filter((e) => e.request_id === requestId), (rows) => rows.length > 0);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ outcome: 'denied' });
    expect((await download(authority, `year=2026&departmentId=${sr}`)).statusCode).toBe(403);
    expect((await download(authority, `year=2026&departmentId=00000000-0000-4000-8000-000000000000`)).statusCode).toBe(404);
    expect((await download(authority, `year=26&departmentId=${amr}`)).statusCode).toBe(400);
    expect((await download(authority, `year=2026`)).statusCode).toBe(400);
  });
});
