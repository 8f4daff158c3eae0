import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireActor } from '../identity/index.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import { nodeOfActor } from './exchange.nodes.ts';
import * as S from './exchange.schemas.ts';
import * as topics from './exchange.topics.ts';

/** Publish/subscribe (发布订阅): topics, subscriptions and replay for people; publish, fetch and ack for agents. */
export async function exchangeTopicRoutes(fastify: FastifyInstance, { deps }: { deps: ExchangeDeps }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['exchange-topics'];

  app.get('/api/exchange/topics', {
    config: { access: 'exchange.read' },
    schema: { tags, summary: '主题列表 / Topics (on published resources)', querystring: S.TopicQuery },
  }, async (req) => topics.listTopics(deps, req.ctx, req.query));

  app.post('/api/exchange/topics', {
    config: { access: 'exchange.task.manage', action: 'exchange.topic.create' },
    schema: { tags, summary: '创建主题 / A provider opens a topic on its published resource', body: S.CreateTopicBody },
  }, async (req, reply) => reply.code(201).send(await topics.createTopic(deps, req.ctx, req.body)));

  app.get('/api/exchange/topics/:id', {
    config: { access: 'exchange.read' },
    schema: { tags, summary: '主题 / A topic with its subscriptions in scope', params: S.IdParams },
  }, async (req) => topics.getTopic(deps, req.ctx, req.params.id));

  app.post('/api/exchange/topics/:id/subscriptions', {
    config: { access: 'exchange.task.manage', action: 'exchange.subscription.create' },
    schema: { tags, summary: '订阅 / Subscribe a node under a grant; replay from the retention window with from=earliest', params: S.IdParams, body: S.SubscribeBody },
  }, async (req, reply) => reply.code(201).send(await topics.subscribe(deps, req.ctx, req.params.id, req.body)));

  app.get('/api/exchange/subscriptions', {
    config: { access: 'exchange.read' },
    schema: { tags, summary: '订阅列表 / Subscriptions in scope, with backlog', querystring: S.SubscriptionQuery },
  }, async (req) => topics.listSubscriptions(deps, req.ctx, req.query));

  app.post('/api/exchange/subscriptions/:id/rewind', {
    config: { access: 'exchange.task.manage', action: 'exchange.subscription.rewind' },
    schema: { tags, summary: '重放 / Move the cursor back to replay (or forward to skip)', params: S.IdParams, body: S.RewindBody },
  }, async (req) => topics.rewind(deps, req.ctx, req.params.id, req.body.from));

  const node = (actor: Parameters<typeof requireActor>[0]) => nodeOfActor(deps.db, requireActor(actor));

  app.post('/api/exchange/agent/topics/:code/events', {
    config: { access: 'exchange.agent', action: 'exchange.event.publish' },
    schema: { tags: ['exchange-agent'], summary: '发布事件 / Publish events (idempotent by event id)', params: S.TopicCodeParams, body: S.PublishBody },
  }, async (req) => topics.publishEvents(deps, req.ctx, await node(req.ctx.actor), req.params.code, req.body.events));

  app.get('/api/exchange/agent/subscriptions/:subscriptionId/events', {
    config: { access: 'exchange.agent' },
    schema: { tags: ['exchange-agent'], summary: '拉取事件（长轮询）/ Events after the cursor, in order, only granted fields', params: S.SubscriptionParams, querystring: S.EventsQuery },
  }, async (req, reply) => {
    // The agent went away (killed, network cut): stop waiting, so nothing is leased to a dead
    // connection. The response's 'close' before its end is the disconnect; the request's own
    // 'close' only says its (empty) body was read.
    const abort = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableEnded) abort.abort();
    });
    return topics.fetchEvents(deps, req.ctx, await node(req.ctx.actor), req.params.subscriptionId, { after: req.query.after, limit: req.query.limit ?? 500, wait: req.query.wait ?? 0 }, abort.signal);
  });

  app.post('/api/exchange/agent/subscriptions/:subscriptionId/ack', {
    config: { access: 'exchange.agent', action: 'exchange.event.deliver' },
    schema: { tags: ['exchange-agent'], summary: '确认事件 / Events up to seq are applied', params: S.SubscriptionParams, body: S.EventAckBody },
  }, async (req, reply) => {
    await topics.ackEvents(deps, req.ctx, await node(req.ctx.actor), req.params.subscriptionId, req.body.seq);
    return reply.code(204).send();
  });
}
