import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ExchangeDeps } from './exchange.deps.ts';
import * as S from './exchange.schemas.ts';
import * as nodes from './exchange.nodes.ts';
import * as tasks from './exchange.tasks.ts';
import * as monitor from './exchange.monitor.ts';
import { listWarnings, overview } from './exchange.overview.ts';

/**
 * Exchange management (交换管理) for people in the console: front-end processor nodes and their
 * enrolment, exchange tasks, batches and deliveries, monitoring. The agent API is apart
 * (exchange.agent.routes.ts). Every read is scoped to the actor's departments.
 */
export async function exchangeRoutes(fastify: FastifyInstance, { deps }: { deps: ExchangeDeps }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['exchange'];

  app.get('/api/exchange/nodes', {
    config: { access: 'exchange.read' },
    schema: { tags, summary: '交换节点列表 / Exchange nodes (front-end processors) in scope, with health', querystring: S.NodeQuery },
  }, async (req) => nodes.listNodes(deps, req.ctx, req.query));

  app.post('/api/exchange/nodes', {
    config: { access: 'exchange.node.manage', action: 'exchange.node.create' },
    schema: { tags, summary: '登记前置机节点 / Register a node; the answer shows its one-time enrolment token (24 h)', body: S.RegisterNodeBody },
  }, async (req, reply) => reply.code(201).send(await nodes.registerNode(deps, req.ctx, req.body)));

  app.get('/api/exchange/nodes/:id', {
    config: { access: 'exchange.read' },
    schema: { tags, summary: '交换节点 / A node with its heartbeat, agent version, queue depth and lag', params: S.IdParams },
  }, async (req) => nodes.getNode(deps, req.ctx, req.params.id));

  app.post('/api/exchange/nodes/:id/enrolment-token', {
    config: { access: 'exchange.node.manage', action: 'exchange.node.token' },
    schema: { tags, summary: '重新生成注册令牌 / A new one-time enrolment token for a node not yet enrolled', params: S.IdParams },
  }, async (req) => nodes.reissueEnrolToken(deps, req.ctx, req.params.id));

  app.post('/api/exchange/nodes/:id/revoke', {
    config: { access: 'exchange.node.manage', action: 'exchange.node.revoke' },
    schema: { tags, summary: '吊销节点 / Revoke a node and its credential', params: S.IdParams, body: S.Reasons },
  }, async (req) => nodes.revokeNode(deps, req.ctx, req.params.id, req.body.reasons ?? ''));

  app.get('/api/exchange/tasks', {
    config: { access: 'exchange.read' },
    schema: { tags, summary: '交换任务列表 / Exchange tasks where the actor is provider or consumer', querystring: S.TaskQuery },
  }, async (req) => tasks.listTasks(deps, req.ctx, req.query));

  app.post('/api/exchange/tasks', {
    config: { access: 'exchange.task.manage', action: 'exchange.task.create' },
    schema: { tags, summary: '创建交换任务 / Create a task, checked against the catalog fields and each target\'s grant', body: S.CreateTaskBody },
  }, async (req, reply) => reply.code(201).send(await tasks.createTask(deps, req.ctx, req.body)));

  app.patch('/api/exchange/tasks/:id', {
    config: { access: 'exchange.task.manage', action: 'exchange.task.update' },
    schema: { tags, summary: '修改交换任务（名称、调度、策略）/ Change a task\'s name, schedule or strategy', params: S.IdParams, body: S.UpdateTaskBody },
  }, async (req) => tasks.updateTask(deps, req.ctx, req.params.id, req.body));

  app.get('/api/exchange/tasks/:id', {
    config: { access: 'exchange.read' },
    schema: { tags, summary: '交换任务 / A task with its targets and their status', params: S.IdParams },
  }, async (req) => tasks.getTask(deps, req.ctx, req.params.id));

  for (const action of ['pause', 'resume', 'stop'] as const) {
    app.post(`/api/exchange/tasks/:id/${action}`, {
      config: { access: 'exchange.task.manage', action: `exchange.task.${action}` },
      schema: { tags, summary: `${{ pause: '暂停', resume: '恢复', stop: '停止' }[action]}任务 / ${action} the task`, params: S.IdParams, body: S.Reasons },
    }, async (req) => tasks.changeTaskStatus(deps, req.ctx, req.params.id, action, req.body.reasons));
  }

  app.get('/api/exchange/tasks/:id/batches', {
    config: { access: 'exchange.read' },
    schema: { tags, summary: '任务批次 / A task\'s batches with their deliveries', params: S.IdParams, querystring: S.BatchQuery },
  }, async (req) => monitor.listBatches(deps, req.ctx, req.params.id, req.query));

  app.get('/api/exchange/tasks/:id/series', {
    config: { access: 'exchange.read' },
    schema: { tags, summary: '吞吐与时延 / Throughput, failures and lag over time', params: S.IdParams, querystring: S.SeriesQuery },
  }, async (req) => monitor.taskSeries(deps, req.ctx, req.params.id, req.query.hours ?? 24));

  app.get('/api/exchange/batches/:id/provenance', {
    config: { access: 'exchange.read' },
    schema: { tags, summary: '批次轨迹 / One record per hop: extracted, uploaded, routed, delivered, applied, failed', params: S.IdParams },
  }, async (req) => monitor.batchProvenance(deps, req.ctx, req.params.id));

  app.get('/api/exchange/deliveries', {
    config: { access: 'exchange.read' },
    schema: { tags, summary: '投递列表 / Deliveries (status=failed: the failures with their reason)', querystring: S.DeliveryQuery },
  }, async (req) => monitor.listDeliveries(deps, req.ctx, req.query));

  app.post('/api/exchange/deliveries/:id/retry', {
    config: { access: 'exchange.task.manage', action: 'exchange.delivery.retry' },
    schema: { tags, summary: '重试投递 / Queue a failed delivery again after fixing its cause', params: S.IdParams },
  }, async (req, reply) => {
    await monitor.retryDelivery(deps, req.ctx, req.params.id);
    return reply.code(204).send();
  });

  app.get('/api/exchange/overview', {
    config: { access: 'exchange.read' },
    schema: { tags, summary: '交换概况 / Nodes by health, tasks by status, queued and failed deliveries, rows applied in 24 h, open warnings' },
  }, async (req) => overview(deps, req.ctx));

  app.get('/api/exchange/warnings', {
    config: { access: 'exchange.read' },
    schema: { tags, summary: '交换告警 / Warnings: silent nodes, failing tasks, lag, abnormal data volume, expiry', querystring: S.WarningQuery },
  }, async (req) => listWarnings(deps, req.ctx, req.query));

  app.get('/api/exchange/topology', {
    config: { access: 'exchange.read' },
    schema: { tags, summary: '交换拓扑 / Nodes and task routes with 24-hour volumes' },
  }, async (req) => monitor.topology(deps, req.ctx));
}
