import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { PageQuery, pageOf } from '../../kernel/pagination.ts';
import { DateTime, Strict, Uuid } from '../../kernel/schema.ts';
import type { CalendarService } from '../calendar/index.ts';
import { UpdateDutyService } from './catalog.duties.ts';
import * as subs from './catalog.subscriptions.ts';

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const IdParams = Strict({ id: Uuid() });

const SubscriptionSchema = Type.Object({
  resourceId: Type.String(),
  code: Type.String(),
  name: Type.String(),
  status: Type.String(),
  publishedVersion: nullable(Type.Integer()),
  providerDepartmentId: Type.String(),
  providerDepartmentName: Type.String(),
  subscribedBy: Type.String(),
  subscribedAt: DateTime(),
});

/** Subscriptions of the actor's department to catalog entries (notified of new versions and withdrawal). */
export async function catalogSubscriptionRoutes(fastify: FastifyInstance, { db }: { db: Kysely<DB> }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['catalog'];

  app.post('/api/catalog/resources/:id/subscription', {
    config: { access: 'catalog.read', action: 'catalog.subscription.create' },
    schema: { tags, summary: '订阅目录条目（本部门）/ Subscribe your department to a published entry', params: IdParams, response: { 201: SubscriptionSchema } },
  }, async (req, reply) => reply.code(201).send(await subs.subscribe(db, req.ctx, req.params.id)));

  app.delete('/api/catalog/resources/:id/subscription', {
    config: { access: 'catalog.read', action: 'catalog.subscription.delete' },
    schema: { tags, summary: '取消订阅 / Unsubscribe your department', params: IdParams, response: { 204: Type.Null({ description: '已取消 / done' }) } },
  }, async (req, reply) => {
    await subs.unsubscribe(db, req.ctx, req.params.id);
    return reply.code(204).send(null);
  });

  app.get('/api/catalog/subscriptions', {
    config: { access: 'catalog.read' },
    schema: { tags, summary: '本部门的订阅 / Your department\'s subscriptions', querystring: Strict({ ...PageQuery }), response: { 200: pageOf(SubscriptionSchema) } },
  }, async (req) => subs.listSubscriptions(db, req.ctx, req.query));
}

const Reason = Type.Union([Type.Literal('law'), Type.Literal('duty')], { description: '法律法规变化 law / 部门职能变化 duty' });
const DutySchema = Type.Object({
  id: Type.String(),
  departmentId: Type.String(),
  departmentName: Type.String(),
  reason: Type.String(),
  reasonZh: Type.String(),
  basis: Type.String(),
  recordedBy: Type.String(),
  recordedByDepartmentId: Type.String(),
  recordedByDepartmentName: Type.String(),
  recordedAt: DateTime(),
  dueDate: Type.String({ description: '截止日期（登记日后第 15 个工作日）/ due date, the 15th working day after the recording day' }),
  deadline: DateTime('截止时刻 / end of the due date, +08:00'),
  status: Type.String({ description: 'open | fulfilled' }),
  overdue: Type.Boolean(),
  remainingWorkingDays: nullable(Type.Integer({ description: '剩余工作日（逾期为负）/ working days left, negative when overdue' })),
  fulfilledAt: nullable(DateTime()),
  fulfilledBy: nullable(Type.String()),
  fulfilledLate: nullable(Type.Boolean()),
  note: nullable(Type.String()),
});

/** R-CAT-4: the 15-working-day duty to update entries after a change of law or duties. */
export async function catalogDutyRoutes(fastify: FastifyInstance, { db, calendar }: { db: Kysely<DB>; calendar: CalendarService }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['catalog'];
  const duties = new UpdateDutyService(db, calendar);

  app.post('/api/catalog/update-duties', {
    config: { access: 'catalog.read', action: 'catalog.duty.record' },
    schema: {
      tags,
      summary: '登记目录更新责任（15 个工作日）/ Record a change of law or duties: the department must update its entries within 15 working days',
      body: Strict({ departmentId: Uuid('受影响部门 / affected department'), reason: Reason, basis: Type.String({ minLength: 1, maxLength: 2000, description: '依据 / the law or the change of duties' }) }),
      response: { 201: DutySchema },
    },
  }, async (req, reply) => reply.code(201).send(await duties.record(req.ctx, req.body)));

  app.get('/api/catalog/update-duties', {
    config: { access: 'catalog.read' },
    schema: {
      tags,
      summary: '目录更新责任（本部门待办；主管部门看辖区，overdue=true 为逾期）/ Update duties: your department\'s to-do list, or every department in the authority\'s scope',
      querystring: Strict({
        ...PageQuery,
        status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('fulfilled')])),
        overdue: Type.Optional(Type.Boolean()),
        departmentId: Type.Optional(Uuid()),
      }),
      response: { 200: pageOf(DutySchema) },
    },
  }, async (req) => duties.list(req.ctx, req.query));

  app.get('/api/catalog/update-duties/:id', {
    config: { access: 'catalog.read' },
    schema: { tags, summary: '一条目录更新责任 / One update duty', params: IdParams, response: { 200: DutySchema } },
  }, async (req) => duties.get(req.ctx, req.params.id));

  app.post('/api/catalog/update-duties/:id/fulfil', {
    config: { access: 'catalog.read', action: 'catalog.duty.fulfil' },
    schema: {
      tags,
      summary: '报告已完成更新 / The department reports its entries updated',
      params: IdParams,
      body: Strict({ note: Type.Optional(Type.String({ maxLength: 2000, description: '说明 / note' })) }),
      response: { 200: DutySchema },
    },
  }, async (req) => duties.fulfil(req.ctx, req.params.id, req.body ?? {}));
}
