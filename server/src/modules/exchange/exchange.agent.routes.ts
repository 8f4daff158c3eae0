import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireActor } from '../identity/index.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import * as S from './exchange.schemas.ts';
import { enrolNode, nodeOfActor, recordHeartbeat } from './exchange.nodes.ts';
import { waitForConfigChange } from './exchange.config-watch.ts';
import { agentConfig, tasksOfNode } from './exchange.tasks.ts';
import { topicConfig } from './exchange.topics.ts';
import { enforceGrants } from './exchange.grants.ts';
import { parseManifest, receiveBatch } from './exchange.batches.ts';
import { ackDelivery, batchBodyFor, failDelivery, leaseDeliveries, releaseDeliveries } from './exchange.deliveries.ts';

/**
 * Aborts when the agent goes away during a long poll (killed, network cut), so nothing is leased to
 * a dead connection. The response's 'close' before its end is the disconnect; the request's own
 * 'close' only says its (empty) body was read.
 */
function disconnected(reply: FastifyReply): AbortSignal {
  const abort = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableEnded) abort.abort();
  });
  return abort.signal;
}

/**
 * The agent API (docs/exchange-protocol.md): what a front-end processor calls, signed with its
 * node credential. Enrolment is the one call made with a one-time token instead.
 */
export async function exchangeAgentRoutes(fastify: FastifyInstance, { deps }: { deps: ExchangeDeps }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['exchange-agent'];
  const node = (req: FastifyRequest) => nodeOfActor(deps.db, requireActor(req.ctx.actor));

  app.post('/api/exchange/enrol', {
    config: { access: 'public', action: 'exchange.node.enrol' },
    schema: { tags, summary: '前置机注册 / An agent enrols with its one-time token and its SM2 public key', body: S.EnrolBody },
  }, async (req, reply) => reply.code(201).send(await enrolNode(deps, req.ctx, req.body)));

  /** The configuration for this node, after checking every involved task's grants (purpose binding). */
  const configFor = async (req: FastifyRequest, nodeId: string) => {
    for (const taskId of await tasksOfNode(deps.db, nodeId)) await deps.db.transaction().execute((trx) => enforceGrants(trx, req.ctx, taskId));
    const node = await deps.db.selectFrom('exchange.node').select(['id', 'code', 'department_id']).where('id', '=', nodeId).executeTakeFirstOrThrow();
    return { ...(await agentConfig(deps.db, nodeId)), ...(await topicConfig(deps.db, req.ctx, node)) };
  };
  const nodeInfo = (n: Awaited<ReturnType<typeof node>>) => ({ id: n.id, code: n.code, name: n.name, departmentId: n.department_id });

  app.post('/api/exchange/agent/heartbeat', {
    config: { access: 'exchange.agent', action: 'exchange.agent.heartbeat', telemetry: true },
    schema: { tags, summary: '心跳 / Heartbeat with queue depth and lag; answers with the node\'s tasks', body: S.HeartbeatBody },
  }, async (req) => {
    const n = await node(req);
    await recordHeartbeat(deps.db, n.id, req.ctx.now, req.body);
    return { serverTime: req.ctx.now.toISOString(), node: nodeInfo(n), ...(await configFor(req, n.id)) };
  });

  app.get('/api/exchange/agent/config', {
    config: { access: 'exchange.agent' },
    schema: { tags, summary: '节点配置 / The node\'s source tasks and targets' },
  }, async (req) => {
    const n = await node(req);
    return { serverTime: req.ctx.now.toISOString(), node: nodeInfo(n), ...(await configFor(req, n.id)) };
  });

  app.get('/api/exchange/agent/config/changes', {
    config: { access: 'exchange.agent' },
    schema: { tags, summary: '配置变更（长轮询）/ Answers when the node\'s configuration is not the version the agent holds (long poll up to `wait` seconds)', querystring: S.ConfigChangesQuery },
  }, async (req, reply) => {
    return waitForConfigChange(deps, await node(req), { version: req.query.version, wait: req.query.wait ?? 0 }, disconnected(reply));
  });

  app.put('/api/exchange/agent/batches/:batchId', {
    config: { access: 'exchange.agent', action: 'exchange.batch.upload', streamedBody: true },
    schema: { tags, summary: '上传批次 / Upload a signed batch (streamed body; X-ZT-Content-SM3, X-ZT-Batch-Manifest, X-ZT-Batch-Signature)', params: S.BatchParams },
  }, async (req, reply) => {
    const n = await node(req);
    const body = req.body as Readable;
    const result = await receiveBatch(deps, req.ctx, n, {
      batchId: req.params.batchId,
      manifest: (() => {
        try {
          return parseManifest(req.headers['x-zt-batch-manifest']);
        } catch (e) {
          body.resume();
          throw e;
        }
      })(),
      signature: req.headers['x-zt-batch-signature'],
      contentSm3: String(req.headers['x-zt-content-sm3']),
      body,
    });
    if (!result.created) req.ctx.audited = true; // a re-send of a stored batch changes nothing
    return reply.code(result.created ? 201 : 200).send({ batchId: req.params.batchId, deliveries: result.deliveries });
  });

  app.get('/api/exchange/agent/deliveries', {
    config: { access: 'exchange.agent' },
    schema: { tags, summary: '待投递批次（长轮询）/ Deliveries ready for this node (long poll up to `wait` seconds)', querystring: S.DeliveriesQuery },
  }, async (req, reply) => {
    const n = await node(req);
    return leaseDeliveries(deps, req.ctx, n, { wait: req.query.wait ?? 0, limit: req.query.limit ?? 8, window: req.query.window ?? 1 }, disconnected(reply));
  });

  app.get('/api/exchange/agent/batches/:batchId/body', {
    config: { access: 'exchange.agent' },
    schema: { tags, summary: '下载批次内容 / Stream a batch body (only for a node with a delivery of it)', params: S.BatchParams },
  }, async (req, reply) => {
    const n = await node(req);
    const body = await batchBodyFor(deps, n, req.params.batchId);
    return reply.type('application/octet-stream').header('content-length', String(body.bytes)).header('x-zt-content-sm3', body.sm3).send(body.stream);
  });

  app.post('/api/exchange/agent/deliveries/:deliveryId/ack', {
    config: { access: 'exchange.agent', action: 'exchange.delivery.apply' },
    schema: { tags, summary: '确认入库 / The batch is applied (or was already)', params: S.DeliveryParams, body: S.AckBody },
  }, async (req, reply) => {
    await ackDelivery(deps, req.ctx, await node(req), req.params.deliveryId, req.body);
    return reply.code(204).send();
  });

  app.post('/api/exchange/agent/deliveries/:deliveryId/fail', {
    config: { access: 'exchange.agent', action: 'exchange.delivery.fail' },
    schema: { tags, summary: '入库失败 / The batch could not be applied; nothing was', params: S.DeliveryParams, body: S.FailBody },
  }, async (req, reply) => {
    await failDelivery(deps, req.ctx, await node(req), req.params.deliveryId, req.body);
    return reply.code(204).send();
  });

  app.post('/api/exchange/agent/deliveries/release', {
    config: { access: 'exchange.agent', action: 'exchange.delivery.release' },
    schema: { tags, summary: '退回投递 / Hand back leased deliveries this agent will not apply now', body: S.ReleaseBody },
  }, async (req) => releaseDeliveries(deps, req.ctx, await node(req), req.body));
}
