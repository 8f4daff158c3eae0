import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import { Type, type TSchema } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { Strict } from '../../kernel/schema.ts';
import { aggregateView, classificationTree, departmentTree } from './catalog.tree.ts';

const TreeNodeSchema = Type.Cyclic(
  {
    TreeNode: Type.Object({
      key: Type.String({ description: '树内唯一键 / unique key: c:<code>, v:<code>, d:<id>' }),
      kind: Type.Union([Type.Literal('classification'), Type.Literal('division'), Type.Literal('department')]),
      code: Type.String({ description: '分类代码、区划代码或部门统一社会信用代码 / classification code, division code or the department USCC' }),
      name: Type.String(),
      id: Type.Union([Type.String(), Type.Null()], { description: '部门 id（providerDepartmentId 筛选）/ department id' }),
      count: Type.Integer({ description: '已发布目录数（含下级）/ published entries, this node and below' }),
      children: Type.Array(Type.Ref('TreeNode')),
    }),
  },
  'TreeNode',
);

const Totals = {
  resources: Type.Integer(),
  byShareType: Type.Object({ unconditional: Type.Integer(), conditional: Type.Integer(), none: Type.Integer() }),
  byOpenType: Type.Object({ open: Type.Integer(), conditional: Type.Integer(), closed: Type.Integer() }),
};

const AggregateSchema = Type.Object({
  division: Type.Object({ code: Type.String(), name: Type.String(), level: Type.String(), parentCode: Type.Union([Type.String(), Type.Null()]) }),
  total: Type.Object(Totals, { description: '本级及下级合计 / this division and below' }),
  departments: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), ...Totals }), { description: '本级部门 / the departments of this division' }),
  children: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), level: Type.String(), ...Totals }), { description: '下级区划（逐级汇总）/ child divisions, rolled up' }),
  classifications: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), count: Type.Integer() }), { description: '按分类（基础/主题/部门）/ per classification root' }),
});

/** The catalog tree (by classification or by department) and the aggregated catalog per level. */
export async function catalogTreeRoutes(fastify: FastifyInstance, { db }: { db: Kysely<DB> }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['catalog'];

  app.get('/api/catalog/tree', {
    config: { access: 'catalog.read' },
    schema: {
      tags,
      summary: '目录树（按分类 / 按部门，已发布条目计数）/ Catalog tree by classification or by department, counting published entries',
      querystring: Strict({
        by: Type.Optional(Type.Union([Type.Literal('classification'), Type.Literal('department')], { default: 'classification', description: 'classification 分类（类-项-目-细目）| department 区划 → 部门' })),
      }),
      response: { 200: Type.Object({ by: Type.String(), items: Type.Array(TreeNodeSchema as TSchema) }) },
    },
  }, async (req) => {
    const by = req.query.by ?? 'classification';
    return { by, items: by === 'department' ? await departmentTree(db, req.ctx) : await classificationTree(db, req.ctx) };
  });

  app.get('/api/catalog/aggregate', {
    config: { access: 'catalog.read' },
    schema: {
      tags,
      summary: '目录汇总（县 → 市 → 省逐级汇总，按共享/开放类型与分类）/ Aggregated catalog of a division: its departments and its child divisions rolled up',
      querystring: Strict({ divisionCode: Type.Optional(Type.String({ pattern: '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$', description: '行政区划代码（默认本人所在区划）/ division code, default your own' })) }),
      response: { 200: AggregateSchema },
    },
  }, async (req) => aggregateView(db, req.ctx, req.query.divisionCode ?? req.ctx.actor!.divisionCode));
}
