import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../db/schema.ts';
import * as S from './catalog.schemas.ts';
import * as svc from './catalog.service.ts';

export async function catalogRoutes(fastify: FastifyInstance, { db }: { db: Kysely<DB> }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['catalog'];
  const detail = { 200: S.ResourceDetailSchema };

  app.get('/api/catalog/classifications', {
    config: { access: 'catalog.read' },
    schema: {
      tags,
      summary: '目录分类（类-项-目-细目）/ Catalog classification',
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), kind: Type.String(), level: Type.String(), parentCode: Type.Union([Type.String(), Type.Null()]), baseResource: Type.Boolean() })) }) },
    },
  }, async () => {
    const rows = await db.selectFrom('catalog.classification').selectAll().orderBy('code').execute();
    return { items: rows.map((r) => ({ code: r.code, name: r.name, kind: r.kind, level: r.level, parentCode: r.parent_code, baseResource: r.base_resource })) };
  });

  app.get('/api/catalog/resources', {
    config: { access: 'catalog.read' },
    schema: { tags, summary: '目录条目列表 / List catalog entries (published ones, and drafts of departments in your scope)', querystring: S.ListResourcesQuery, response: { 200: S.ResourcePage } },
  }, async (req) => svc.listResources(db, req.ctx, req.query));

  app.get('/api/catalog/resources/:id', {
    config: { access: 'catalog.read' },
    schema: { tags, summary: '目录条目 / A catalog entry (the newest version for its department and reviewers, else the published one)', params: S.IdParams, response: detail },
  }, async (req) => svc.getResource(db, req.ctx, req.params.id));

  app.get('/api/catalog/resources/:id/versions', {
    config: { access: 'catalog.read' },
    schema: { tags, summary: '版本列表 / Versions of an entry', params: S.IdParams, response: { 200: Type.Object({ items: Type.Array(S.VersionSchema) }) } },
  }, async (req) => ({ items: await svc.listResourceVersions(db, req.ctx, req.params.id) }));

  app.get('/api/catalog/resources/:id/versions/:version', {
    config: { access: 'catalog.read' },
    schema: { tags, summary: '指定版本 / One version of an entry', params: S.VersionParams, response: detail },
  }, async (req) => svc.getResource(db, req.ctx, req.params.id, req.params.version));

  app.get('/api/catalog/resources/:id/diff', {
    config: { access: 'catalog.read' },
    schema: {
      tags,
      summary: '版本比对 / What changed between two versions',
      params: S.IdParams,
      querystring: S.DiffQuery,
      response: { 200: Type.Object({ from: Type.Integer(), to: Type.Integer(), changes: Type.Array(Type.Object({ path: Type.String(), before: Type.Unknown(), after: Type.Unknown() })) }) },
    },
  }, async (req) => svc.diffVersions(db, req.ctx, req.params.id, req.query.from, req.query.to));

  app.post('/api/catalog/resources', {
    config: { access: 'catalog.manage', action: 'catalog.resource.create' },
    schema: { tags, summary: '编目（草稿）/ Catalogue a resource as a draft', body: S.CreateResourceBody, response: { 201: S.ResourceDetailSchema } },
  }, async (req, reply) => {
    const id = await svc.createResource(db, req.ctx, req.body);
    return reply.code(201).send(await svc.getResource(db, req.ctx, id));
  });

  app.put('/api/catalog/resources/:id', {
    config: { access: 'catalog.manage', action: 'catalog.resource.update' },
    schema: { tags, summary: '修改草稿 / Edit the draft or returned version', params: S.IdParams, body: S.UpdateResourceBody, response: detail },
  }, async (req) => svc.updateResource(db, req.ctx, req.params.id, req.body.content));

  app.post('/api/catalog/resources/:id/submit', {
    config: { access: 'catalog.manage', action: 'catalog.resource.submit' },
    schema: { tags, summary: '提交审核 / Submit to the sharing authority', params: S.IdParams, response: detail },
  }, async (req) => svc.submitResource(db, req.ctx, req.params.id));

  app.post('/api/catalog/resources/:id/review', {
    config: { access: 'catalog.review', action: 'catalog.resource.review' },
    schema: { tags, summary: '审核：发布或退回 / Review: publish, or return with reasons', params: S.IdParams, body: S.ReviewBody, response: detail },
  }, async (req) => svc.reviewResource(db, req.ctx, req.params.id, req.body));

  app.post('/api/catalog/resources/:id/revise', {
    config: { access: 'catalog.manage', action: 'catalog.resource.revise' },
    schema: { tags, summary: '修订（新版本草稿）/ Start a revision', params: S.IdParams, response: detail },
  }, async (req) => svc.reviseResource(db, req.ctx, req.params.id));

  app.post('/api/catalog/resources/:id/withdraw', {
    config: { access: 'catalog.read', action: 'catalog.resource.withdraw' },
    schema: { tags, summary: '撤销 / Withdraw an entry (provider or sharing authority)', params: S.IdParams, body: S.WithdrawBody, response: detail },
  }, async (req) => svc.withdrawResource(db, req.ctx, req.params.id, req.body.reasons));
}
