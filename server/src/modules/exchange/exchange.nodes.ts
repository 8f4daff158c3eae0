import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { RequestContext } from '../../kernel/context.ts';
import { sm3Hex } from '../../kernel/crypto/index.ts';
import { AppError } from '../../kernel/errors.ts';
import { paging, type Page } from '../../kernel/pagination.ts';
import { record } from '../audit/index.ts';
import { allows, assertCovers, createAgentClient, departmentTarget, requireActor, revokeClientIn, scopeCondition, type Actor } from '../identity/index.ts';
import { grantById } from '../sharing/index.ts';
import type { ExchangeDeps } from './exchange.deps.ts';

type Ctx = RequestContext<Actor>;
type Db = Kysely<DB> | Transaction<DB>;

const ENROL_TOKEN_HOURS = 24;
const nodeNotFound = () => new AppError('NOT_FOUND', { message: 'Exchange node not found', messageZh: '交换节点不存在' });

function baseQuery(db: Db) {
  return db
    .selectFrom('exchange.node as n')
    .innerJoin('identity.department as d', 'd.id', 'n.department_id')
    .innerJoin('identity.division as v', 'v.code', 'd.division_code')
    .leftJoin('identity.client as c', 'c.id', 'n.client_id')
    .select([
      'n.id', 'n.code', 'n.name', 'n.department_id', 'd.name as department_name', 'v.code as division_code', 'v.name as division_name', 'v.path as division_path',
      'n.status', 'n.client_id', 'c.client_id as client_name', 'c.key_fingerprint', 'n.enrol_token_expires_at', 'n.agent_version', 'n.hostname',
      'n.last_heartbeat_at', 'n.queue_depth', 'n.lag_seconds', 'n.reported', 'n.created_by', 'n.created_at', 'n.enrolled_at', 'n.revoked_at', 'n.revoked_by',
    ]);
}
type NodeRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

/** pending → never enrolled; online / silent by the last heartbeat; revoked. */
export function nodeHealth(r: { status: string; last_heartbeat_at: Date | null }, now: Date, silentMinutes: number) {
  if (r.status === 'revoked') return 'revoked' as const;
  if (r.status === 'pending') return 'pending' as const;
  if (!r.last_heartbeat_at) return 'never' as const;
  return now.getTime() - r.last_heartbeat_at.getTime() > silentMinutes * 60_000 ? ('silent' as const) : ('online' as const);
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
export function nodeDto(r: NodeRow, now: Date, silentMinutes: number) {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    departmentId: r.department_id,
    departmentName: r.department_name,
    divisionCode: r.division_code,
    divisionName: r.division_name,
    status: r.status,
    health: nodeHealth(r, now, silentMinutes),
    clientId: r.client_name,
    keyFingerprint: r.key_fingerprint,
    enrolTokenExpiresAt: r.status === 'pending' ? iso(r.enrol_token_expires_at) : null,
    agentVersion: r.agent_version,
    hostname: r.hostname,
    lastHeartbeatAt: iso(r.last_heartbeat_at),
    queueDepth: r.queue_depth,
    lagSeconds: r.lag_seconds,
    reported: r.reported,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    enrolledAt: iso(r.enrolled_at),
    revokedAt: iso(r.revoked_at),
    revokedBy: r.revoked_by,
  };
}
export type NodeDto = ReturnType<typeof nodeDto>;

export async function listNodes(deps: ExchangeDeps, ctx: Ctx, q: { page?: number; pageSize?: number; departmentId?: string; status?: string; q?: string; grantId?: string }): Promise<Page<NodeDto>> {
  const actor = requireActor(ctx.actor);
  const { page, pageSize, offset, limit } = paging(q);
  let query = q.grantId ? await targetNodesOfGrant(deps, actor, q.grantId, ctx.now) : scopeCondition(actor, 'exchange.read')(baseQuery(deps.db), 'n.department_id', 'v.path');
  if (q.departmentId) query = query.where('n.department_id', '=', q.departmentId);
  if (q.status) query = query.where('n.status', '=', q.status as 'active');
  if (q.q) query = query.where((eb) => eb.or([eb('n.name', 'like', `%${q.q}%`), eb('n.code', 'like', `%${q.q}%`), eb('d.name', 'like', `%${q.q}%`)]));
  const [rows, count] = await Promise.all([
    query.orderBy('v.path').orderBy('n.code').offset(offset).limit(limit).execute(),
    query.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map((r) => nodeDto(r, ctx.now, deps.settings.silentMinutes)), total: Number(count.n), page, pageSize };
}

/**
 * The nodes a task of this grant may deliver to: the consumer department's, which the provider who
 * configures the task may see for that purpose although they are outside its own scope.
 */
async function targetNodesOfGrant(deps: ExchangeDeps, actor: Actor, grantId: string, now: Date) {
  const grant = await grantById(deps.db, grantId, now);
  if (!grant) throw new AppError('NOT_FOUND', { message: 'Grant not found', messageZh: '共享授权不存在' });
  const provider = await departmentTarget(deps.db, grant.providerDepartmentId);
  if (!provider || !allows(actor, 'exchange.task.manage', provider)) throw new AppError('OUT_OF_SCOPE', { extra: { permission: 'exchange.task.manage' } });
  return baseQuery(deps.db).where('n.department_id', '=', grant.consumerDepartmentId).where('n.status', '!=', 'revoked');
}

export async function getNode(deps: ExchangeDeps, ctx: Ctx, id: string): Promise<NodeDto> {
  const actor = requireActor(ctx.actor);
  const row = await baseQuery(deps.db).where('n.id', '=', id).executeTakeFirst();
  if (!row) throw nodeNotFound();
  assertCovers(actor, 'exchange.read', { departmentId: row.department_id, divisionPath: row.division_path });
  return nodeDto(row, ctx.now, deps.settings.silentMinutes);
}

function newToken(now: Date) {
  const token = `zt-enrol-${randomBytes(24).toString('base64url')}`;
  return { token, hash: sm3Hex(token), expiresAt: new Date(now.getTime() + ENROL_TOKEN_HOURS * 3600_000) };
}

/** Registers a department's front-end processor; the answer carries the one-time enrolment token. */
export async function registerNode(deps: ExchangeDeps, ctx: Ctx, input: { code: string; name: string; departmentId: string }) {
  const actor = requireActor(ctx.actor);
  const target = await departmentTarget(deps.db, input.departmentId);
  if (!target) throw new AppError('RULE_VIOLATION', { fields: [{ field: '/body/departmentId', message: 'department does not exist', messageZh: '部门不存在' }] });
  assertCovers(actor, 'exchange.node.manage', target);
  const t = newToken(ctx.now);
  return deps.db.transaction().execute(async (trx) => {
    const dup = await trx.selectFrom('exchange.node').select('id').where('code', '=', input.code).executeTakeFirst();
    if (dup) throw new AppError('DUPLICATE', { fields: [{ field: '/body/code', message: 'node code already used', messageZh: '节点编码已存在' }] });
    const row = await trx
      .insertInto('exchange.node')
      .values({
        code: input.code,
        name: input.name.trim(),
        department_id: input.departmentId,
        status: 'pending',
        enrol_token_hash: t.hash,
        enrol_token_expires_at: t.expiresAt,
        created_by: actor.name,
        created_at: ctx.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await record(trx, ctx, { action: 'exchange.node.create', target: { type: 'exchange_node', id: row.id, label: input.code }, departmentId: input.departmentId, summary: { after: { code: input.code, name: input.name, departmentId: input.departmentId } } });
    const node = nodeDto(await baseQuery(trx).where('n.id', '=', row.id).executeTakeFirstOrThrow(), ctx.now, deps.settings.silentMinutes);
    return { node, enrolToken: t.token, enrolTokenExpiresAt: t.expiresAt.toISOString() };
  });
}

/** A new one-time token for a node that has not enrolled yet (the old one stops working). */
export async function reissueEnrolToken(deps: ExchangeDeps, ctx: Ctx, id: string) {
  const actor = requireActor(ctx.actor);
  const t = newToken(ctx.now);
  return deps.db.transaction().execute(async (trx) => {
    const row = await baseQuery(trx).where('n.id', '=', id).forUpdate('n').executeTakeFirst();
    if (!row) throw nodeNotFound();
    assertCovers(actor, 'exchange.node.manage', { departmentId: row.department_id, divisionPath: row.division_path });
    if (row.status !== 'pending') {
      throw new AppError('CONFLICT', { message: 'The node has enrolled or is revoked; register a new node to replace it', messageZh: '节点已注册或已吊销，如需更换请登记新节点' });
    }
    await trx.updateTable('exchange.node').set({ enrol_token_hash: t.hash, enrol_token_expires_at: t.expiresAt }).where('id', '=', id).execute();
    await record(trx, ctx, { action: 'exchange.node.token', target: { type: 'exchange_node', id, label: row.code }, departmentId: row.department_id });
    return { enrolToken: t.token, enrolTokenExpiresAt: t.expiresAt.toISOString() };
  });
}

/** Revokes the node and its credential: its agent is refused from the next call on. */
export async function revokeNode(deps: ExchangeDeps, ctx: Ctx, id: string, reasons: string) {
  const actor = requireActor(ctx.actor);
  return deps.db.transaction().execute(async (trx) => {
    const row = await baseQuery(trx).where('n.id', '=', id).forUpdate('n').executeTakeFirst();
    if (!row) throw nodeNotFound();
    assertCovers(actor, 'exchange.node.manage', { departmentId: row.department_id, divisionPath: row.division_path });
    if (row.status === 'revoked') throw new AppError('CONFLICT', { message: 'Already revoked', messageZh: '该节点已吊销' });
    await trx.updateTable('exchange.node').set({ status: 'revoked', revoked_at: ctx.now, revoked_by: actor.name, enrol_token_hash: null }).where('id', '=', id).execute();
    if (row.client_id) await revokeClientIn(trx, row.client_id, ctx.now);
    await record(trx, ctx, { action: 'exchange.node.revoke', target: { type: 'exchange_node', id, label: row.code }, departmentId: row.department_id, summary: { reasons } });
    return nodeDto(await baseQuery(trx).where('n.id', '=', id).executeTakeFirstOrThrow(), ctx.now, deps.settings.silentMinutes);
  });
}

/**
 * An agent enrols with its one-time token and its new SM2 public key: the node gets its
 * credential (an API client of kind agent) and the token is spent, in one transaction.
 */
export async function enrolNode(deps: ExchangeDeps, ctx: Ctx, input: { token: string; publicKey: string; agentVersion: string; hostname: string }) {
  const hash = sm3Hex(input.token);
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('exchange.node').selectAll().where('enrol_token_hash', '=', hash).forUpdate().executeTakeFirst();
    if (!row || row.status !== 'pending' || !row.enrol_token_expires_at || row.enrol_token_expires_at < ctx.now) {
      throw new AppError('EXCHANGE_ENROL_TOKEN_INVALID');
    }
    const client = await createAgentClient(trx, { clientId: `node-${row.code}`, name: row.name, departmentId: row.department_id, publicKey: input.publicKey, now: ctx.now });
    await trx
      .updateTable('exchange.node')
      .set({ status: 'active', client_id: client.id, enrol_token_hash: null, enrol_token_expires_at: null, enrolled_at: ctx.now, agent_version: input.agentVersion, hostname: input.hostname })
      .where('id', '=', row.id)
      .execute();
    await record(trx, ctx, {
      action: 'exchange.node.enrol',
      target: { type: 'exchange_node', id: row.id, label: row.code },
      departmentId: row.department_id,
      actorName: `node-${row.code}`,
      summary: { after: { clientId: client.clientId, keyFingerprint: client.keyFingerprint, agentVersion: input.agentVersion, hostname: input.hostname } },
    });
    return { nodeId: row.id, clientId: client.clientId, nodeCode: row.code, nodeName: row.name };
  });
}

/** The node an authenticated agent speaks for; a revoked or unknown one is refused. */
export async function nodeOfActor(db: Db, actor: Actor) {
  if (actor.kind !== 'client') throw new AppError('FORBIDDEN', { message: 'Only a node credential may call the agent API', messageZh: '仅交换节点凭证可调用此接口' });
  const node = await db.selectFrom('exchange.node').selectAll().where('client_id', '=', actor.id).executeTakeFirst();
  if (!node) throw new AppError('FORBIDDEN', { message: 'This credential belongs to no exchange node', messageZh: '该凭证不属于任何交换节点' });
  if (node.status !== 'active') throw new AppError('AUTH_CLIENT_REVOKED', { message: 'The node is revoked', messageZh: '交换节点已吊销' });
  return node;
}

/** Telemetry from the agent: kept on the node row for the console and the warnings. */
export async function recordHeartbeat(
  db: Kysely<DB>,
  nodeId: string,
  now: Date,
  hb: {
    agentVersion: string;
    hostname: string;
    queueDepth: number;
    lagSeconds: number;
    tasks: { taskId: string; checkpoint: string | null; lastError: string | null }[];
    subscriptions?: { subscriptionId: string; lastError: string | null }[];
  },
) {
  const reported = Object.fromEntries(hb.tasks.map((t) => [t.taskId, { checkpoint: t.checkpoint, lastError: t.lastError }]));
  await db
    .updateTable('exchange.node')
    .set({ last_heartbeat_at: now, agent_version: hb.agentVersion, hostname: hb.hostname, queue_depth: hb.queueDepth, lag_seconds: hb.lagSeconds, reported: JSON.stringify(reported) })
    .where('id', '=', nodeId)
    .execute();
  // Only this node's subscriptions, and only a change: the error keeps the time it first appeared.
  for (const s of hb.subscriptions ?? []) {
    // The body's null can arrive as '' (the schema's string branch is coerced first): both mean none.
    const error = s.lastError || null;
    await db
      .updateTable('exchange.subscription')
      .set({ agent_error: error, agent_error_at: error ? now : null })
      .where('id', '=', s.subscriptionId)
      .where('node_id', '=', nodeId)
      .where((eb) => eb('agent_error', 'is distinct from', error))
      .execute();
  }
}
