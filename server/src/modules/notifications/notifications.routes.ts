import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { PageQuery, pageOf } from '../../kernel/pagination.ts';
import { DateTime, Strict, Uuid } from '../../kernel/schema.ts';
import * as svc from './notifications.service.ts';

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const NoticeSchema = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: '类型 / kind, e.g. catalog.resource.new_version' }),
  title: Type.String(),
  body: Type.String(),
  link: Type.String({ description: '控制台链接 / console link' }),
  resourceId: nullable(Type.String()),
  createdAt: DateTime(),
  read: Type.Boolean(),
  readAt: nullable(DateTime()),
  readBy: nullable(Type.String()),
});
const NoticePage = Type.Intersect([pageOf(NoticeSchema), Type.Object({ unread: Type.Integer({ description: '未读数 / unread count' }) })]);
const ListQuery = Strict({ ...PageQuery, unread: Type.Optional(Type.Boolean({ description: '仅未读 / unread only' })) });

export async function notificationRoutes(fastify: FastifyInstance, { db }: { db: Kysely<DB> }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['notifications'];

  app.get('/api/notifications', {
    config: { access: 'authenticated' },
    schema: { tags, summary: '本部门通知 / Notices of your department, newest first', querystring: ListQuery, response: { 200: NoticePage } },
  }, async (req) => svc.listNotices(db, req.ctx, req.query));

  app.post('/api/notifications/:id/read', {
    config: { access: 'authenticated', action: 'notification.read' },
    schema: { tags, summary: '标记已读 / Mark a notice read', params: Strict({ id: Uuid() }), response: { 200: NoticeSchema } },
  }, async (req) => svc.markRead(db, req.ctx, req.params.id));

  app.post('/api/notifications/read-all', {
    config: { access: 'authenticated', action: 'notification.read_all' },
    schema: { tags, summary: '全部标记已读 / Mark every notice of your department read', response: { 200: Type.Object({ marked: Type.Integer() }) } },
  }, async (req) => svc.markAllRead(db, req.ctx));
}
