import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { record } from '../audit/index.ts';
import { departmentsById, requireActor } from '../identity/index.ts';
import { listFailings } from './sharing.failings.ts';
import { STATUS_ZH, type Ctx } from './sharing.service.ts';
import { FAILING_KINDS, FAILING_KIND_ZH, FIGURE_KEYS, departmentsInStatsScope, parsePeriod, statsOf, type FigureKey } from './sharing.stats.ts';

/**
 * The yearly sharing report of one department (R-SHR-7) as an XLSX workbook (docs/adr/0007):
 * 汇总 (every figure of docs/sharing-statistics.md and the five failings), 共享申请 (the requests it
 * received or made in the year), 数据疑义 (the disputes about its data or raised by it), 问题清单
 * (computed and recorded failings). Column headers are Chinese.
 */

export const FIGURE_ZH: Record<FigureKey, string> = {
  catalogued: '新编目信息资源数',
  published: '发布信息资源数',
  updateDuties: '目录更新责任数',
  updateDutiesOnTime: '目录更新责任按时完成数',
  updateDutiesLate: '目录更新责任逾期完成数',
  updateDutiesOpen: '目录更新责任未完成数',
  updateDutiesOverdue: '目录更新责任逾期未完成数',
  requestsReceived: '收到共享申请数',
  requestsAnsweredOnTime: '按时答复共享申请数',
  requestsAnsweredLate: '逾期答复共享申请数',
  requestsOpen: '待答复共享申请数（未逾期）',
  requestsOverdue: '逾期未答复共享申请数',
  requestsMade: '提出共享申请数',
  grantsGiven: '给予共享授权数',
  grantsReceived: '获得共享授权数',
  disputesReceived: '收到数据疑义数',
  disputesAnsweredOnTime: '按时答复数据疑义数',
  disputesAnsweredLate: '逾期答复数据疑义数',
  disputesOpen: '待答复数据疑义数（未逾期）',
  disputesOverdue: '逾期未答复数据疑义数',
  disputesCorrected: '经核实已更正数据疑义数',
  disputesRaised: '提出数据疑义数',
  sharingDuties: '共享责任数',
  sharingDutiesFulfilled: '共享责任已履行数',
  sharingDutiesPending: '共享责任履行中数',
  sharingDutiesOverdue: '共享责任逾期未履行数',
  failingsRecorded: '主管部门登记问题数',
  failingsTotal: '问题总数（五类）',
};

/** What the platform counts as each computed failing (the recorded ones carry their own description). */
const COMPUTED_ZH: Record<'not_catalogued' | 'not_provided' | 'inconsistent', string> = {
  not_catalogued: '目录更新责任逾期未完成（15 个工作日）',
  not_provided: '共享申请逾期未答复（10 个工作日）或共享责任逾期未履行',
  inconsistent: '数据疑义经核实由提供部门更正',
};

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export { XLSX as XLSX_TYPE };

/** 'YYYY-MM-DD HH:mm' in CST. */
const cst = (d: Date | null) => (d ? new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ') : '');

function timeliness(r: { answered_at: Date | null; deadline: Date }, now: Date) {
  if (r.answered_at) return r.answered_at.getTime() <= r.deadline.getTime() ? '按时答复' : '逾期答复';
  return now.getTime() > r.deadline.getTime() ? '逾期未答复' : '待答复';
}

function sheet(wb: ExcelJS.Workbook, name: string, columns: { header: string; key: string; width: number }[]) {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns;
  ws.getRow(1).font = { bold: true };
  return ws;
}

/** Builds the workbook of `departmentId` for `year`; 403/404 outside the actor's statistics scope. */
export async function yearlyReport(db: Kysely<DB>, ctx: Ctx, q: { year: number; departmentId: string }): Promise<{ filename: string; body: Buffer }> {
  const actor = requireActor(ctx.actor);
  const period = parsePeriod({ from: `${q.year}-01-01`, to: `${q.year}-12-31` }, ctx.now);
  const [dept] = await departmentsInStatsScope(db, actor, { departmentId: q.departmentId });
  const { rows, computed } = await statsOf(db, [dept], period, ctx.now);
  const stats = rows[0];
  const { from, to } = period.range;
  const [requests, disputes] = await Promise.all([
    db.selectFrom('sharing.request').selectAll().where((eb) => eb.or([eb('provider_department_id', '=', dept.id), eb('consumer_department_id', '=', dept.id)])).where('received_at', '>=', from).where('received_at', '<', to).orderBy('received_at').orderBy('id').execute(),
    db.selectFrom('sharing.dispute').selectAll().where((eb) => eb.or([eb('provider_department_id', '=', dept.id), eb('consumer_department_id', '=', dept.id)])).where('raised_at', '>=', from).where('raised_at', '<', to).orderBy('raised_at').orderBy('id').execute(),
  ]);
  const recorded = [];
  for (let page = 1; ; page++) {
    const p = await listFailings(db, ctx, { departmentId: dept.id, from: period.from, to: period.to, page, pageSize: 500 });
    recorded.push(...p.items);
    if (recorded.length >= p.total || !p.items.length) break;
  }
  const names = await departmentsById(db, [...requests, ...disputes].flatMap((r) => [r.provider_department_id, r.consumer_department_id]));
  const nameOf = (id: string) => names.get(id)?.name ?? '';
  const role = (r: { provider_department_id: string }) => (r.provider_department_id === dept.id ? '提供方' : '使用方');

  const wb = new ExcelJS.Workbook();
  wb.creator = '政通 Zhengtong';
  wb.created = ctx.now;

  const summary = sheet(wb, '汇总', [
    { header: '指标', key: 'label', width: 40 },
    { header: '数值', key: 'value', width: 16 },
    { header: '说明', key: 'note', width: 60 },
  ]);
  summary.addRow({ label: '报告', value: `${q.year} 年度`, note: '政务信息资源共享情况年度报告' });
  summary.addRow({ label: '部门', value: dept.name, note: `行政区划代码 ${dept.divisionCode}` });
  summary.addRow({ label: '统计期间', value: `${period.from} 至 ${period.to}`, note: `生成时间 ${cst(ctx.now)}（北京时间）` });
  for (const k of FIGURE_KEYS) summary.addRow({ label: FIGURE_ZH[k], value: stats[k], note: '' });
  for (const k of FAILING_KINDS) summary.addRow({ label: `问题：${FAILING_KIND_ZH[k]}`, value: stats.failings[k], note: '' });

  const req = sheet(wb, '共享申请', [
    { header: '角色', key: 'role', width: 8 },
    { header: '资源代码', key: 'code', width: 20 },
    { header: '资源名称', key: 'name', width: 30 },
    { header: '提供部门', key: 'provider', width: 30 },
    { header: '使用部门', key: 'consumer', width: 30 },
    { header: '用途', key: 'purpose', width: 30 },
    { header: '收到时间', key: 'receivedAt', width: 18 },
    { header: '答复期限', key: 'deadlineDate', width: 12 },
    { header: '状态', key: 'status', width: 12 },
    { header: '答复时间', key: 'answeredAt', width: 18 },
    { header: '答复时效', key: 'timeliness', width: 12 },
  ]);
  for (const r of requests) {
    req.addRow({
      role: role(r),
      code: r.resource_code,
      name: r.resource_name,
      provider: nameOf(r.provider_department_id),
      consumer: nameOf(r.consumer_department_id),
      purpose: r.purpose,
      receivedAt: cst(r.received_at),
      deadlineDate: r.deadline_date,
      status: STATUS_ZH[r.status],
      answeredAt: cst(r.answered_at),
      timeliness: timeliness(r, ctx.now),
    });
  }

  const DISPUTE_ZH = { open: '待答复', corrected: '已更正', rejected: '已驳回' } as const;
  const dis = sheet(wb, '数据疑义', [
    { header: '角色', key: 'role', width: 8 },
    { header: '资源代码', key: 'code', width: 20 },
    { header: '资源名称', key: 'name', width: 30 },
    { header: '提供部门', key: 'provider', width: 30 },
    { header: '使用部门', key: 'consumer', width: 30 },
    { header: '记录标识', key: 'recordKey', width: 22 },
    { header: '信息项', key: 'field', width: 16 },
    { header: '疑义', key: 'issue', width: 36 },
    { header: '提出时间', key: 'raisedAt', width: 18 },
    { header: '答复期限', key: 'dueDate', width: 12 },
    { header: '状态', key: 'status', width: 10 },
    { header: '答复时间', key: 'answeredAt', width: 18 },
    { header: '答复时效', key: 'timeliness', width: 12 },
  ]);
  for (const d of disputes) {
    dis.addRow({
      role: role(d),
      code: d.resource_code,
      name: d.resource_name,
      provider: nameOf(d.provider_department_id),
      consumer: nameOf(d.consumer_department_id),
      recordKey: d.record_key,
      field: d.field_name,
      issue: d.issue,
      raisedAt: cst(d.raised_at),
      dueDate: d.due_date,
      status: DISPUTE_ZH[d.status],
      answeredAt: cst(d.answered_at),
      timeliness: timeliness(d, ctx.now),
    });
  }

  const fl = sheet(wb, '问题清单', [
    { header: '问题类别', key: 'kind', width: 20 },
    { header: '来源', key: 'source', width: 14 },
    { header: '数量', key: 'count', width: 8 },
    { header: '说明', key: 'description', width: 50 },
    { header: '证据', key: 'evidence', width: 40 },
    { header: '相关资源', key: 'resource', width: 36 },
    { header: '登记人', key: 'recordedBy', width: 16 },
    { header: '登记时间', key: 'recordedAt', width: 18 },
  ]);
  const c = computed.get(dept.id)!;
  for (const k of ['not_catalogued', 'not_provided', 'inconsistent'] as const) {
    if (c[k] > 0) fl.addRow({ kind: FAILING_KIND_ZH[k], source: '系统计算', count: c[k], description: COMPUTED_ZH[k] });
  }
  for (const f of recorded) {
    fl.addRow({
      kind: f.kindZh,
      source: '主管部门登记',
      count: 1,
      description: f.description,
      evidence: f.evidence,
      resource: f.resourceCode ? `${f.resourceCode} ${f.resourceName}` : undefined,
      recordedBy: `${f.recordedBy}（${f.recordedByDepartmentName}）`,
      recordedAt: cst(new Date(f.recordedAt)),
    });
  }

  const body = Buffer.from(await wb.xlsx.writeBuffer());
  // A report names departments, requests and disputes: who took one out, and when, is on record.
  await record(db, ctx, {
    action: 'sharing.report.export',
    target: { type: 'department', id: dept.id, label: dept.name },
    summary: { year: q.year, format: 'xlsx', requests: requests.length, disputes: disputes.length, failings: recorded.length },
  });
  return { filename: `${q.year}年度共享情况报告-${dept.name}.xlsx`, body };
}
