import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { CalendarService } from '../calendar/index.ts';
import * as S from './sharing.schemas.ts';
import * as svc from './sharing.service.ts';
import * as disputes from './sharing.disputes.ts';
import * as duties from './sharing.duties.ts';
import * as escalations from './sharing.escalations.ts';
import { oneWithDaysLeft, withDaysLeft } from './sharing.days-left.ts';

/**
 * Sharing (共享管理): unconditional grants, conditional requests with their 10-working-day clock,
 * arbitration by the sharing authority, escalations about not-shared resources. Reads need any
 * sharing permission (checked by the service); every row is scoped to the actor's departments.
 * Also data disputes (疑义校核) and the sharing duty list (共享责任清单).
 */
export async function sharingRoutes(
  fastify: FastifyInstance,
  { db, calendar, disputeAnswerWorkingDays = disputes.DISPUTE_ANSWER_WORKING_DAYS }: { db: Kysely<DB>; calendar: CalendarService; disputeAnswerWorkingDays?: number },
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['sharing'];
  const request = { 200: S.RequestSchema };

  app.get('/api/sharing/requests', {
    config: { access: 'authenticated' },
    schema: { tags, summary: '共享申请列表 / Sharing requests (own department as consumer or provider; the authority: its scope)', querystring: S.ListRequestsQuery, response: { 200: S.RequestPage } },
  }, async (req) => {
    const page = await svc.listRequests(db, req.ctx, req.query);
    return { ...page, items: await withDaysLeft(calendar, page.items, req.ctx.now) };
  });

  app.get('/api/sharing/requests/:id', {
    config: { access: 'authenticated' },
    schema: { tags, summary: '共享申请 / A sharing request with its deadline and reminder stage', params: S.IdParams, response: request },
  }, async (req) => oneWithDaysLeft(calendar, await svc.getRequest(db, req.ctx, req.params.id), req.ctx.now));

  app.post('/api/sharing/requests', {
    config: { access: 'sharing.request', action: 'sharing.request.create' },
    schema: { tags, summary: '提出共享申请（有条件共享）/ Apply for a conditional resource; answer due in 10 working days', body: S.CreateRequestBody, response: { 201: S.RequestSchema } },
  }, async (req, reply) => reply.code(201).send(await oneWithDaysLeft(calendar, await svc.createRequest(db, calendar, req.ctx, req.body), req.ctx.now)));

  app.post('/api/sharing/requests/:id/approve', {
    config: { access: 'sharing.decide', action: 'sharing.request.approve' },
    schema: { tags, summary: '同意共享 / Approve (fields and period may only be narrowed); creates the grant', params: S.IdParams, body: S.ApproveBody, response: request },
  }, async (req) => oneWithDaysLeft(calendar, await svc.approveRequest(db, req.ctx, req.params.id, req.body), req.ctx.now));

  app.post('/api/sharing/requests/:id/refuse', {
    config: { access: 'sharing.decide', action: 'sharing.request.refuse' },
    schema: { tags, summary: '拒绝共享（须说明理由）/ Refuse, with reasons', params: S.IdParams, body: S.ReasonsBody, response: request },
  }, async (req) => oneWithDaysLeft(calendar, await svc.refuseRequest(db, req.ctx, req.params.id, req.body.reasons), req.ctx.now));

  app.post('/api/sharing/requests/:id/escalate', {
    config: { access: 'sharing.request', action: 'sharing.request.escalate' },
    schema: { tags, summary: '提请共享主管部门裁决 / Take a refusal (or an overdue request) to the sharing authority', params: S.IdParams, body: S.ReasonsBody, response: request },
  }, async (req) => oneWithDaysLeft(calendar, await svc.escalateRequest(db, req.ctx, req.params.id, req.body.reasons), req.ctx.now));

  app.post('/api/sharing/requests/:id/arbitrate', {
    config: { access: 'sharing.arbitrate', action: 'sharing.request.arbitrate' },
    schema: { tags, summary: '裁决（终局）/ The sharing authority decides; final', params: S.IdParams, body: S.ArbitrateBody, response: request },
  }, async (req) => oneWithDaysLeft(calendar, await svc.arbitrateRequest(db, req.ctx, req.params.id, req.body), req.ctx.now));

  app.get('/api/sharing/grants', {
    config: { access: 'authenticated' },
    schema: { tags, summary: '共享授权列表 / Grants (own department as consumer or provider; the authority: its scope)', querystring: S.ListGrantsQuery, response: { 200: S.GrantPage } },
  }, async (req) => svc.listGrants(db, req.ctx, req.query));

  app.get('/api/sharing/grants/:id', {
    config: { access: 'authenticated' },
    schema: { tags, summary: '共享授权 / A grant', params: S.IdParams, response: { 200: S.GrantSchema } },
  }, async (req) => svc.getGrant(db, req.ctx, req.params.id));

  app.post('/api/sharing/grants', {
    config: { access: 'sharing.request', action: 'sharing.grant.create' },
    schema: { tags, summary: '获取无条件共享授权 / Obtain an unconditional resource (or unconditional fields) at once', body: S.CreateGrantBody, response: { 201: S.GrantSchema } },
  }, async (req, reply) => reply.code(201).send(await svc.createUnconditionalGrant(db, req.ctx, req.body)));

  app.post('/api/sharing/grants/:id/revoke', {
    config: { access: 'authenticated', action: 'sharing.grant.revoke' },
    schema: { tags, summary: '撤销授权 / Revoke a grant (provider or sharing authority), with reasons', params: S.IdParams, body: S.ReasonsBody, response: { 200: S.GrantSchema } },
  }, async (req) => svc.revokeGrant(db, req.ctx, req.params.id, req.body.reasons));

  app.get('/api/sharing/escalations', {
    config: { access: 'authenticated' },
    schema: { tags, summary: '不予共享异议列表 / Escalations about not-shared resources', querystring: S.ListEscalationsQuery, response: { 200: S.EscalationPage } },
  }, async (req) => svc.listEscalations(db, req.ctx, req.query));

  app.post('/api/sharing/escalations', {
    config: { access: 'sharing.request', action: 'sharing.escalation.create' },
    schema: { tags, summary: '对不予共享提出异议 / Object to a not-shared resource, for the sharing authority', body: S.CreateEscalationBody, response: { 201: S.EscalationSchema } },
  }, async (req, reply) => reply.code(201).send(await svc.createEscalation(db, req.ctx, req.body)));

  app.get('/api/sharing/escalations/:id', {
    config: { access: 'authenticated' },
    schema: { tags, summary: '不予共享异议 / An escalation about a not-shared resource, with its answer', params: S.IdParams, response: { 200: S.EscalationSchema } },
  }, async (req) => escalations.getEscalation(db, req.ctx, req.params.id));

  app.post('/api/sharing/escalations/:id/answer', {
    config: { access: 'sharing.arbitrate', action: 'sharing.escalation.answer' },
    schema: { tags, summary: '答复不予共享异议 / The sharing authority upholds not-sharing or orders sharing (records a sharing duty); once', params: S.IdParams, body: S.AnswerEscalationBody, response: { 200: S.EscalationSchema } },
  }, async (req) => escalations.answerEscalation(db, req.ctx, req.params.id, req.body));

  app.get('/api/sharing/disputes', {
    config: { access: 'authenticated' },
    schema: { tags, summary: '数据疑义列表 / Data disputes (own as consumer or provider; the authority: its scope, with overdue)', querystring: S.ListDisputesQuery, response: { 200: S.DisputePage } },
  }, async (req) => disputes.listDisputes(db, req.ctx, req.query));

  app.get('/api/sharing/disputes/:id', {
    config: { access: 'authenticated' },
    schema: { tags, summary: '数据疑义 / A data dispute with its due date', params: S.IdParams, response: { 200: S.DisputeSchema } },
  }, async (req) => disputes.getDispute(db, req.ctx, req.params.id));

  app.post('/api/sharing/disputes', {
    config: { access: 'sharing.request', action: 'sharing.dispute.create' },
    schema: { tags, summary: '提出数据疑义（疑义校核）/ Flag a record of a granted resource; the provider answers within N working days (default 5); blocks nothing', body: S.CreateDisputeBody, response: { 201: S.DisputeSchema } },
  }, async (req, reply) => reply.code(201).send(await disputes.createDispute(db, calendar, disputeAnswerWorkingDays, req.ctx, req.body)));

  app.post('/api/sharing/disputes/:id/answer', {
    config: { access: 'sharing.decide', action: 'sharing.dispute.answer' },
    schema: { tags, summary: '答复数据疑义 / The provider answers: corrected, or rejected with reasons; once', params: S.IdParams, body: S.AnswerDisputeBody, response: { 200: S.DisputeSchema } },
  }, async (req) => disputes.answerDispute(db, req.ctx, req.params.id, req.body));

  app.get('/api/sharing/duties', {
    config: { access: 'authenticated' },
    schema: { tags, summary: '共享责任清单 / Sharing duties with their status today (fulfilled / pending / overdue / closed)', querystring: S.ListDutiesQuery, response: { 200: S.DutyPage } },
  }, async (req) => duties.listDuties(db, req.ctx, req.query));

  app.get('/api/sharing/duties/:id', {
    config: { access: 'authenticated' },
    schema: { tags, summary: '共享责任 / A sharing duty', params: S.IdParams, response: { 200: S.DutySchema } },
  }, async (req) => duties.getDuty(db, req.ctx, req.params.id));

  app.post('/api/sharing/duties', {
    config: { access: 'sharing.arbitrate', action: 'sharing.duty.create' },
    schema: { tags, summary: '登记共享责任 / The sharing authority records which provider must share which resource with whom, by when', body: S.CreateDutyBody, response: { 201: S.DutySchema } },
  }, async (req, reply) => reply.code(201).send(await duties.createDuty(db, req.ctx, req.body)));

  app.post('/api/sharing/duties/:id/close', {
    config: { access: 'sharing.arbitrate', action: 'sharing.duty.close' },
    schema: { tags, summary: '关闭共享责任 / The sharing authority closes a duty, with reasons', params: S.IdParams, body: S.CloseDutyBody, response: { 200: S.DutySchema } },
  }, async (req) => duties.closeDuty(db, req.ctx, req.params.id, req.body.reasons));
}
