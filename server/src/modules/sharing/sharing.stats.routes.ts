import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { PageQuery, pageOf } from '../../kernel/pagination.ts';
import { DateTime, Strict, Uuid } from '../../kernel/schema.ts';
import * as failings from './sharing.failings.ts';
import { XLSX_TYPE, yearlyReport } from './sharing.report.ts';
import { FAILING_KINDS, FIGURE_KEYS, sharingStats } from './sharing.stats.ts';

/**
 * Sharing statistics and evaluation (R-SHR-7): the figures per department, the five failings, the
 * yearly XLSX report (docs/sharing-statistics.md). Reads need catalog.read and see its scope:
 * a department itself, an authority its division and below.
 */

const lit = <const T extends readonly string[]>(values: T, description: string) =>
  Type.Unsafe<T[number]>(Type.Union(values.map((v) => Type.Literal(v)), { description }));
/** Dates are checked by the service, so that a bad period is a rule (422), not a malformed query. */
const Day = (description: string) => Type.Optional(Type.String({ maxLength: 10, description }));
const DivisionCode = Type.String({ pattern: '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$', description: '行政区划代码（含下级）/ division code, and below' });
const Kind = lit(FAILING_KINDS, '问题类别 / failing kind: not_catalogued 未按要求编目或更新, not_provided 未按要求提供, inconsistent 数据不一致, misuse 违规使用, other 其他');
const SORTS = [...FIGURE_KEYS, 'departmentName', 'divisionCode'] as const;

const FailingCounts = Type.Object(Object.fromEntries(FAILING_KINDS.map((k) => [k, Type.Integer()])));
const FigureProps = Object.fromEntries(FIGURE_KEYS.map((k) => [k, Type.Integer()]));

const StatsQuery = Strict({
  ...PageQuery,
  from: Day('起始日期（含）YYYY-MM-DD，缺省为本年 1 月 1 日 / first day, default 1 January of this year'),
  to: Day('截止日期（含）YYYY-MM-DD，缺省为本年 12 月 31 日 / last day, default 31 December of this year'),
  divisionCode: Type.Optional(DivisionCode),
  departmentId: Type.Optional(Uuid('部门 / department')),
  sort: Type.Optional(lit(SORTS, '排序指标 / sort by a figure, departmentName or divisionCode (default)')),
  order: Type.Optional(lit(['asc', 'desc'] as const, '排序方向 / order (figures: desc by default)')),
});

const DepartmentStats = Type.Object({
  departmentId: Type.String(),
  departmentName: Type.String(),
  divisionCode: Type.String(),
  ...FigureProps,
  failings: FailingCounts,
  flagged: Type.Boolean({ description: '有任一类问题，须整改 / has a failing, to be rectified' }),
});

const StatsResponse = Type.Object({
  from: Type.String(),
  to: Type.String(),
  departments: Type.Integer({ description: '统计的部门数 / departments counted' }),
  flaggedDepartments: Type.Integer({ description: '有问题的部门数 / departments with a failing' }),
  totals: Type.Object({ ...FigureProps, failings: FailingCounts }),
  months: Type.Array(
    Type.Object({
      month: Type.String({ description: 'YYYY-MM (CST)' }),
      catalogued: Type.Integer(),
      published: Type.Integer(),
      requestsReceived: Type.Integer(),
      requestsAnsweredOnTime: Type.Integer(),
      requestsAnsweredLate: Type.Integer(),
      requestsOverdue: Type.Integer(),
    }),
  ),
  items: Type.Array(DepartmentStats),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

const FailingSchema = Type.Object({
  id: Type.String(),
  departmentId: Type.String(),
  departmentName: Type.String(),
  kind: Kind,
  kindZh: Type.String(),
  description: Type.String(),
  evidence: Type.String(),
  resourceId: Type.Union([Type.String(), Type.Null()]),
  resourceCode: Type.Union([Type.String(), Type.Null()]),
  resourceName: Type.Union([Type.String(), Type.Null()]),
  recordedBy: Type.String(),
  recordedByDepartmentId: Type.String(),
  recordedByDepartmentName: Type.String(),
  recordedAt: DateTime(),
});

const CreateFailingBody = Strict({
  departmentId: Uuid('存在问题的部门 / the department'),
  kind: Kind,
  description: Type.String({ maxLength: 2000, description: '问题描述（必填）/ what happened (required)' }),
  evidence: Type.String({ maxLength: 4000, description: '证据（必填）/ evidence (required)' }),
  resourceId: Type.Optional(Uuid('相关信息资源（可选，须为该部门的）/ the resource concerned, optional')),
});

const ListFailingsQuery = Strict({
  ...PageQuery,
  departmentId: Type.Optional(Uuid('部门 / department')),
  kind: Type.Optional(Kind),
  from: Day('登记日期起 YYYY-MM-DD / recorded on or after'),
  to: Day('登记日期止 YYYY-MM-DD / recorded on or before'),
});

const ReportQuery = Strict({
  year: Type.Integer({ minimum: 2000, maximum: 2999, description: '年度 / year' }),
  departmentId: Uuid('部门 / department'),
});

export async function sharingStatsRoutes(fastify: FastifyInstance, { db }: { db: Kysely<DB> }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['sharing'];

  app.get('/api/sharing/stats', {
    config: { access: 'catalog.read' },
    schema: { tags, summary: '共享统计（按部门，含五类问题）/ Sharing statistics per department in scope, with totals and a per-month series', querystring: StatsQuery, response: { 200: StatsResponse } },
  }, async (req) => sharingStats(db, req.ctx, req.query));

  app.get('/api/sharing/failings', {
    config: { access: 'catalog.read' },
    schema: { tags, summary: '登记的问题 / Failings recorded by the sharing authority (scoped)', querystring: ListFailingsQuery, response: { 200: pageOf(FailingSchema) } },
  }, async (req) => failings.listFailings(db, req.ctx, req.query));

  app.post('/api/sharing/failings', {
    config: { access: 'sharing.arbitrate', action: 'sharing.failing.create' },
    schema: { tags, summary: '登记问题（五类问题）/ The sharing authority records a failing of a department in its scope', body: CreateFailingBody, response: { 201: FailingSchema } },
  }, async (req, reply) => reply.code(201).send(await failings.recordFailing(db, req.ctx, req.body)));

  app.get('/api/sharing/reports/yearly.xlsx', {
    config: { access: 'catalog.read', action: 'sharing.report.export' },
    schema: { tags, summary: '部门年度共享情况报告（XLSX）/ The yearly sharing report of one department, as XLSX', querystring: ReportQuery },
  }, async (req, reply) => {
    const { filename, body } = await yearlyReport(db, req.ctx, req.query);
    return reply
      .type(XLSX_TYPE)
      .header('content-disposition', `attachment; filename="sharing-report-${req.query.year}.xlsx"; filename*=UTF-8''${encodeURIComponent(filename)}`)
      .send(body);
  });
}
