import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { stringify } from 'csv-stringify';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { PageQuery, pageOf } from '../../kernel/pagination.ts';
import { DateTime, Strict, Uuid } from '../../kernel/schema.ts';
import type { SigningKey } from './audit.keys.ts';
import { record } from './audit.record.ts';
import { auditStatus, exportEntries, searchEntries, verifyFromApi } from './audit.service.ts';

const filters = {
  actor: Type.Optional(Type.String({ maxLength: 100, description: '操作人姓名或 ID / actor name or id' })),
  departmentId: Type.Optional(Uuid('部门 / department')),
  action: Type.Optional(Type.String({ maxLength: 100, description: '操作（前缀匹配）/ action prefix, e.g. identity.user' })),
  target: Type.Optional(Type.String({ maxLength: 200, description: '对象 ID 或名称 / target id or label' })),
  outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('denied')])),
  from: Type.Optional(DateTime('起始时间 / from')),
  to: Type.Optional(DateTime('截止时间 / to')),
};

const EntrySchema = Type.Object({
  id: Type.Integer(),
  occurredAt: Type.String(),
  actorKind: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()]),
  departmentId: Type.Union([Type.String(), Type.Null()]),
  departmentName: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  targetLabel: Type.Union([Type.String(), Type.Null()]),
  summary: Type.Unknown(),
  ip: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  errorCode: Type.Union([Type.String(), Type.Null()]),
  batchNo: Type.Union([Type.Integer(), Type.Null()]),
});

export async function auditRoutes(fastify: FastifyInstance, opts: { db: Kysely<DB>; key: SigningKey }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db, key } = opts;
  const tags = ['audit'];

  app.get('/api/audit/entries', {
    config: { access: 'audit.read' },
    schema: { tags, summary: '查询审计日志 / Search the audit log (newest first)', querystring: Strict({ ...PageQuery, ...filters }), response: { 200: pageOf(EntrySchema) } },
  }, async (req) => searchEntries(db, req.ctx, req.query));

  app.get('/api/audit/entries.csv', {
    config: { access: 'audit.read', action: 'audit.entry.export' },
    schema: { tags, summary: '导出审计日志 CSV / Export the audit log as CSV (at most 100,000 rows)', querystring: Strict(filters) },
  }, async (req, reply) => {
    // Fail before the first byte if the filters are wrong (e.g. an inverted range).
    const entries = exportEntries(db, req.ctx, req.query);
    const first = await entries.next();
    // Reading the audit log out of the platform is itself on record, with the filters used.
    await record(db, req.ctx, { action: 'audit.entry.export', target: { type: 'audit.entry', label: 'CSV' }, summary: { filters: req.query, format: 'csv' } });
    const rows = (async function* () {
      if (!first.done) yield first.value;
      yield* entries;
    })();
    const csv = stringify({
      header: true,
      bom: true,
      columns: [
        { key: 'id', header: '序号 id' },
        { key: 'occurredAt', header: '时间 time' },
        { key: 'actorKind', header: '主体类型 actor kind' },
        { key: 'actorName', header: '操作人 actor' },
        { key: 'departmentName', header: '部门 department' },
        { key: 'action', header: '操作 action' },
        { key: 'targetType', header: '对象类型 target type' },
        { key: 'targetId', header: '对象 target id' },
        { key: 'targetLabel', header: '对象名称 target' },
        { key: 'outcome', header: '结果 outcome' },
        { key: 'errorCode', header: '错误码 error code' },
        { key: 'ip', header: 'IP' },
        { key: 'requestId', header: '请求 request id' },
        { key: 'summary', header: '摘要 summary' },
      ],
      cast: { object: (v) => JSON.stringify(v) },
    });
    Readable.from(rows).pipe(csv);
    const stamp = req.ctx.now.toISOString().slice(0, 10);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="audit-${stamp}.csv"`)
      .send(csv);
  });

  app.get('/api/audit/status', {
    config: { access: 'audit.read' },
    schema: {
      tags,
      summary: '封存状态 / Sealing status',
      response: {
        200: Type.Object({
          entries: Type.Integer(),
          sealed: Type.Integer(),
          unsealed: Type.Integer(),
          batches: Type.Integer(),
          lastBatchNo: Type.Union([Type.Integer(), Type.Null()]),
          lastSealedAt: Type.Union([Type.String(), Type.Null()]),
        }),
      },
    },
  }, async (req) => auditStatus(db, req.ctx));

  app.post('/api/audit/verify', {
    config: { access: 'audit.verify', action: 'audit.verify' },
    schema: {
      tags,
      summary: '校验审计日志完整性 / Verify the whole audit chain',
      response: {
        200: Type.Object({
          ok: Type.Boolean(),
          batches: Type.Integer(),
          entries: Type.Integer(),
          unsealed: Type.Integer(),
          head: Type.Union([Type.Object({ batchNo: Type.Integer(), chainHash: Type.String() }), Type.Null()]),
          problems: Type.Array(Type.Object({ kind: Type.String(), batchNo: Type.Union([Type.Integer(), Type.Null()]), entryId: Type.Union([Type.Integer(), Type.Null()]), message: Type.String() })),
        }),
      },
    },
  }, async (req) => verifyFromApi(db, req.ctx, key));
}
