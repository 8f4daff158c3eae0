import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { RequestContext } from '../../kernel/context.ts';
import { AppError, type FieldError } from '../../kernel/errors.ts';
import { paging } from '../../kernel/pagination.ts';
import { record } from '../audit/index.ts';
import { resourceShareInfo } from '../catalog/index.ts';
import { allows, departmentIdsInScope, departmentTarget, requireActor, requireScope, type Actor } from '../identity/index.ts';
import { grantById } from '../sharing/index.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import { stopped } from './exchange.batches.ts';
import { CONNECTION_NAME, IDENTIFIER, TABLE_NAME } from './domain/task-spec.ts';

type Ctx = RequestContext<Actor>;
type Db = Kysely<DB> | Transaction<DB>;
type Node = { id: string; code: string; department_id: string };

const topicNotFound = () => new AppError('NOT_FOUND', { message: 'Topic not found', messageZh: '主题不存在' });
const subNotFound = () => new AppError('NOT_FOUND', { message: 'Subscription not found', messageZh: '订阅不存在' });
const fieldErr = (field: string, message: string, messageZh: string): FieldError => ({ field, message, messageZh });
const iso = (d: Date | null) => (d ? d.toISOString() : null);

async function manageable(db: Db, actor: Actor, departmentId: string) {
  const target = await departmentTarget(db as Kysely<DB>, departmentId);
  return !!target && allows(actor, 'exchange.task.manage', target);
}

// ---------------------------------------------------------------------------------------------
// Topics

export interface CreateTopicInput {
  code: string;
  name: string;
  resourceId: string;
  keyField: string;
  fields: string[];
  eventTypes: string[];
  retentionHours?: number;
}

const topicQuery = (db: Db) =>
  db
    .selectFrom('exchange.topic as t')
    .innerJoin('identity.department as d', 'd.id', 't.provider_department_id')
    .select(['t.id', 't.code', 't.name', 't.resource_id', 't.resource_code', 't.resource_name', 't.provider_department_id', 'd.name as provider_department_name', 't.key_field', 't.fields', 't.event_types', 't.retention_hours', 't.next_seq', 't.created_by', 't.created_at']);
type TopicRow = Awaited<ReturnType<ReturnType<typeof topicQuery>['executeTakeFirstOrThrow']>>;

const topicDto = (t: TopicRow, extra: { lastSeq: number; events: number }) => ({
  id: t.id,
  code: t.code,
  name: t.name,
  resourceId: t.resource_id,
  resourceCode: t.resource_code,
  resourceName: t.resource_name,
  providerDepartmentId: t.provider_department_id,
  providerDepartmentName: t.provider_department_name,
  keyField: t.key_field,
  fields: t.fields,
  eventTypes: t.event_types,
  retentionHours: t.retention_hours,
  lastSeq: extra.lastSeq,
  eventsRetained: extra.events,
  createdBy: t.created_by,
  createdAt: t.created_at.toISOString(),
});

async function topicDtos(db: Db, rows: TopicRow[]) {
  if (!rows.length) return [];
  const counts = await db.selectFrom('exchange.topic_event').select((eb) => ['topic_id', eb.fn.countAll<string>().as('n')]).where('topic_id', 'in', rows.map((r) => r.id)).groupBy('topic_id').execute();
  return rows.map((r) => topicDto(r, { lastSeq: Number(r.next_seq) - 1, events: Number(counts.find((c) => c.topic_id === r.id)?.n ?? 0) }));
}

/** A provider opens a topic on its published resource; events carry only catalog fields. */
export async function createTopic(deps: ExchangeDeps, ctx: Ctx, input: CreateTopicInput) {
  const actor = requireActor(ctx.actor);
  const info = await resourceShareInfo(deps.db, input.resourceId);
  if (!info) throw new AppError('NOT_FOUND', { message: 'Catalog entry not found', messageZh: '目录条目不存在' });
  requireScope(actor, 'exchange.task.manage');
  if (!(await manageable(deps.db, actor, info.providerDepartmentId))) throw new AppError('OUT_OF_SCOPE', { extra: { permission: 'exchange.task.manage' } });
  const errors: FieldError[] = [];
  if (!info.published) errors.push(fieldErr('/body/resourceId', 'the resource is not published', '该信息资源尚未发布'));
  const shared = new Set(info.fields.filter((f) => f.shareType !== 'none').map((f) => f.englishName));
  input.fields.forEach((f, i) => {
    if (!shared.has(f)) errors.push(fieldErr(`/body/fields/${i}`, `no shared field ${f} in the published entry`, `已发布目录中没有可共享的信息项 ${f}`));
  });
  if (!input.fields.includes(input.keyField)) errors.push(fieldErr('/body/keyField', 'the key field must be one of the fields', '主键信息项须在所选信息项中'));
  if (new Set(input.eventTypes).size !== input.eventTypes.length) errors.push(fieldErr('/body/eventTypes', 'duplicate event type', '事件类型重复'));
  if (errors.length) throw new AppError('RULE_VIOLATION', { message: errors[0].message, messageZh: errors[0].messageZh, fields: errors });
  return deps.db.transaction().execute(async (trx) => {
    if (await trx.selectFrom('exchange.topic').select('id').where('code', '=', input.code).executeTakeFirst()) {
      throw new AppError('DUPLICATE', { fields: [fieldErr('/body/code', 'topic code already used', '主题编码已存在')] });
    }
    const row = await trx
      .insertInto('exchange.topic')
      .values({
        code: input.code,
        name: input.name.trim(),
        resource_id: info.id,
        resource_code: info.code,
        resource_name: info.name,
        provider_department_id: info.providerDepartmentId,
        key_field: input.keyField,
        fields: input.fields,
        event_types: input.eventTypes,
        retention_hours: input.retentionHours ?? 168,
        created_by: actor.name,
        created_at: ctx.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await record(trx, ctx, { action: 'exchange.topic.create', target: { type: 'exchange_topic', id: row.id, label: input.code }, departmentId: info.providerDepartmentId, summary: { after: { resource: `${info.code} ${info.name}`, fields: input.fields, eventTypes: input.eventTypes } } });
    return (await topicDtos(trx, [await topicQuery(trx).where('t.id', '=', row.id).executeTakeFirstOrThrow()]))[0];
  });
}

/** Topics are on published resources, so anyone who may read the exchange may find them. */
export async function listTopics(deps: ExchangeDeps, ctx: Ctx, q: { page?: number; pageSize?: number; resourceId?: string; q?: string }) {
  const actor = requireActor(ctx.actor);
  requireScope(actor, 'exchange.read');
  const { page, pageSize, offset, limit } = paging(q);
  let base = topicQuery(deps.db);
  if (q.resourceId) base = base.where('t.resource_id', '=', q.resourceId);
  if (q.q) base = base.where((eb) => eb.or([eb('t.code', 'like', `%${q.q}%`), eb('t.name', 'like', `%${q.q}%`)]));
  const [rows, count] = await Promise.all([
    base.orderBy('t.created_at', 'desc').orderBy('t.id').offset(offset).limit(limit).execute(),
    base.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await topicDtos(deps.db, rows), total: Number(count.n), page, pageSize };
}

export async function getTopic(deps: ExchangeDeps, ctx: Ctx, id: string) {
  const actor = requireActor(ctx.actor);
  requireScope(actor, 'exchange.read');
  const row = await topicQuery(deps.db).where('t.id', '=', id).executeTakeFirst();
  if (!row) throw topicNotFound();
  const [dto] = await topicDtos(deps.db, [row]);
  const subs = await listSubscriptions(deps, ctx, { topicId: id, pageSize: 100 });
  return { ...dto, subscriptions: subs.items, viewer: { manage: await manageable(deps.db, actor, row.provider_department_id) } };
}

// ---------------------------------------------------------------------------------------------
// Subscriptions

function subQuery(db: Db) {
  return db
    .selectFrom('exchange.subscription as s')
    .innerJoin('exchange.topic as t', 't.id', 's.topic_id')
    .innerJoin('exchange.node as n', 'n.id', 's.node_id')
    .innerJoin('identity.department as d', 'd.id', 's.consumer_department_id')
    .select(['s.id', 's.topic_id', 't.code as topic_code', 't.name as topic_name', 't.key_field', 't.next_seq', 's.node_id', 'n.code as node_code', 's.consumer_department_id', 'd.name as consumer_department_name', 's.grant_id', 's.purpose', 's.fields', 's.connection', 's.table_name', 's.mode', 's.column_map', 's.cursor', 's.status', 's.status_code', 's.status_reason', 's.created_by', 's.created_at', 's.last_ack_at', 's.agent_error', 's.agent_error_at']);
}
type SubRow = Awaited<ReturnType<ReturnType<typeof subQuery>['executeTakeFirstOrThrow']>>;
const subDto = (s: SubRow) => ({
  id: s.id,
  topicId: s.topic_id,
  topicCode: s.topic_code,
  topicName: s.topic_name,
  nodeId: s.node_id,
  nodeCode: s.node_code,
  consumerDepartmentId: s.consumer_department_id,
  consumerDepartmentName: s.consumer_department_name,
  grantId: s.grant_id,
  purpose: s.purpose,
  fields: s.fields,
  connection: s.connection,
  table: s.table_name,
  mode: s.mode,
  columnMap: s.column_map as Record<string, string>,
  cursor: Number(s.cursor),
  backlog: Math.max(0, Number(s.next_seq) - 1 - Number(s.cursor)),
  status: s.status,
  statusCode: s.status_code,
  statusReason: s.status_reason,
  createdBy: s.created_by,
  createdAt: s.created_at.toISOString(),
  lastAckAt: iso(s.last_ack_at),
  agentError: s.agent_error,
  agentErrorAt: iso(s.agent_error_at),
});

export async function listSubscriptions(deps: ExchangeDeps, ctx: Ctx, q: { page?: number; pageSize?: number; topicId?: string; nodeId?: string }) {
  const actor = requireActor(ctx.actor);
  const scope = requireScope(actor, 'exchange.read');
  const { page, pageSize, offset, limit } = paging(q);
  let base = subQuery(deps.db);
  if (scope !== 'platform') {
    const depts = departmentIdsInScope(deps.db, actor, 'exchange.read');
    base = base.where((eb) => eb.or([eb('s.consumer_department_id', 'in', depts), eb('t.provider_department_id', 'in', depts)]));
  }
  if (q.topicId) base = base.where('s.topic_id', '=', q.topicId);
  if (q.nodeId) base = base.where('s.node_id', '=', q.nodeId);
  const [rows, count] = await Promise.all([
    base.orderBy('s.created_at', 'desc').orderBy('s.id').offset(offset).limit(limit).execute(),
    base.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(subDto), total: Number(count.n), page, pageSize };
}

/** Where a new or rewound subscription starts: the first event at or after `from`, within retention. */
async function cursorFor(db: Db, topicId: string, from: string, nextSeq: number) {
  if (from === 'latest') return nextSeq - 1;
  let q = db.selectFrom('exchange.topic_event').select((eb) => eb.fn.min('seq').as('first')).where('topic_id', '=', topicId);
  if (from !== 'earliest') q = q.where('published_at', '>=', new Date(from));
  const r = await q.executeTakeFirst();
  return r?.first === null || r?.first === undefined ? nextSeq - 1 : Number(r.first) - 1;
}

export interface SubscribeInput {
  nodeId: string;
  grantId: string;
  connection: string;
  table: string;
  mode: 'upsert' | 'append';
  columnMap?: Record<string, string>;
  /** 'earliest' replays the retention window, 'latest' only new events, or an ISO time. */
  from: string;
}

/** A consumer subscribes its node under its grant; it receives only the fields the grant covers. */
export async function subscribe(deps: ExchangeDeps, ctx: Ctx, topicId: string, input: SubscribeInput) {
  const actor = requireActor(ctx.actor);
  const topic = await topicQuery(deps.db).where('t.id', '=', topicId).executeTakeFirst();
  if (!topic) throw topicNotFound();
  const node = await deps.db.selectFrom('exchange.node').selectAll().where('id', '=', input.nodeId).executeTakeFirst();
  if (!node) throw new AppError('RULE_VIOLATION', { fields: [fieldErr('/body/nodeId', 'node not found', '交换节点不存在')] });
  requireScope(actor, 'exchange.task.manage');
  if (!(await manageable(deps.db, actor, node.department_id))) throw new AppError('OUT_OF_SCOPE', { extra: { permission: 'exchange.task.manage' } });
  const grant = await grantById(deps.db, input.grantId, ctx.now);
  const errors: FieldError[] = [];
  if (node.status === 'revoked') errors.push(fieldErr('/body/nodeId', 'the node is revoked', '该节点已吊销'));
  if (!grant) errors.push(fieldErr('/body/grantId', 'grant not found', '共享授权不存在'));
  else {
    if (grant.resourceId !== topic.resource_id) errors.push(fieldErr('/body/grantId', "the grant is not for the topic's resource", '该授权不属于此主题的信息资源'));
    if (grant.status !== 'active') errors.push(fieldErr('/body/grantId', `the grant is ${grant.status}`, '该授权当前无效'));
    if (grant.consumerDepartmentId !== node.department_id) errors.push(fieldErr('/body/nodeId', "the node must be the grant's consumer department's", '订阅节点须属于被授权的使用部门'));
    if (!grant.fields.includes(topic.key_field)) errors.push(fieldErr('/body/grantId', `the grant does not cover the key field ${topic.key_field}`, `授权未包含主键信息项 ${topic.key_field}`));
  }
  if (!CONNECTION_NAME.test(input.connection)) errors.push(fieldErr('/body/connection', 'connection names are lower-case letters, digits, - and _', '连接名须为小写字母、数字、-、_'));
  if (!TABLE_NAME.test(input.table)) errors.push(fieldErr('/body/table', 'not a table name (schema.table)', '表名不合法'));
  const fields = grant ? topic.fields.filter((f) => grant.fields.includes(f)) : [];
  const columnMap: Record<string, string> = {};
  for (const f of fields) columnMap[f] = input.columnMap?.[f] ?? f;
  for (const c of Object.values(columnMap)) if (!IDENTIFIER.test(c)) errors.push(fieldErr('/body/columnMap', `not a column name: ${c}`, `列名不合法：${c}`));
  if (input.from !== 'earliest' && input.from !== 'latest' && Number.isNaN(Date.parse(input.from))) errors.push(fieldErr('/body/from', "use 'earliest', 'latest' or an ISO time", "请填写 earliest、latest 或 ISO 时间"));
  if (errors.length) throw new AppError('RULE_VIOLATION', { message: errors[0].message, messageZh: errors[0].messageZh, fields: errors });
  const created = await deps.db.transaction().execute(async (trx) => {
    const dup = await trx.selectFrom('exchange.subscription').select('id').where('topic_id', '=', topicId).where('node_id', '=', node.id).where('connection', '=', input.connection).where('table_name', '=', input.table).executeTakeFirst();
    if (dup) throw new AppError('DUPLICATE', { message: 'This node already subscribes into this table', messageZh: '该节点已订阅至此表' });
    const cursor = await cursorFor(trx, topicId, input.from, Number(topic.next_seq));
    const row = await trx
      .insertInto('exchange.subscription')
      .values({ topic_id: topicId, node_id: node.id, consumer_department_id: node.department_id, grant_id: grant!.id, purpose: grant!.purpose, fields, connection: input.connection, table_name: input.table, mode: input.mode, column_map: JSON.stringify(columnMap), cursor, status: 'active', created_by: actor.name, created_at: ctx.now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await record(trx, ctx, { action: 'exchange.subscription.create', target: { type: 'exchange_subscription', id: row.id, label: topic.code }, departmentId: node.department_id, summary: { after: { node: node.code, grantId: grant!.id, purpose: grant!.purpose, fields, from: input.from, cursor } } });
    return subDto(await subQuery(trx).where('s.id', '=', row.id).executeTakeFirstOrThrow());
  });
  deps.waker.wakeConfig([node.id]); // the subscriber's agent starts on it now, not at its next heartbeat
  return created;
}

/** Replay: move a subscription's cursor back (or forward) to `from`. */
export async function rewind(deps: ExchangeDeps, ctx: Ctx, id: string, from: string) {
  const actor = requireActor(ctx.actor);
  return deps.db.transaction().execute(async (trx) => {
    const s = await subQuery(trx).where('s.id', '=', id).executeTakeFirst();
    if (!s) throw subNotFound();
    if (!(await manageable(trx, actor, s.consumer_department_id))) throw new AppError('OUT_OF_SCOPE', { extra: { permission: 'exchange.task.manage' } });
    if (from !== 'earliest' && from !== 'latest' && Number.isNaN(Date.parse(from))) throw new AppError('RULE_VIOLATION', { fields: [fieldErr('/body/from', "use 'earliest', 'latest' or an ISO time", "请填写 earliest、latest 或 ISO 时间")] });
    const cursor = await cursorFor(trx, s.topic_id, from, Number(s.next_seq));
    await trx.updateTable('exchange.subscription').set({ cursor }).where('id', '=', id).execute();
    await record(trx, ctx, { action: 'exchange.subscription.rewind', target: { type: 'exchange_subscription', id, label: s.topic_code }, departmentId: s.consumer_department_id, summary: { before: Number(s.cursor), after: cursor, from } });
    return subDto(await subQuery(trx).where('s.id', '=', id).executeTakeFirstOrThrow());
  });
}

// ---------------------------------------------------------------------------------------------
// The agent side

export interface PublishedEvent {
  id?: string;
  key: string;
  type: string;
  payload: Record<string, unknown>;
  occurredAt?: string;
}

/** A provider's node publishes events; each gets the topic's next sequence number. Idempotent by event id. */
export async function publishEvents(deps: ExchangeDeps, ctx: Ctx, node: Node, code: string, events: PublishedEvent[]) {
  const result = await deps.db.transaction().execute(async (trx) => {
    const topic = await trx.selectFrom('exchange.topic').selectAll().where('code', '=', code).forUpdate().executeTakeFirst();
    if (!topic) throw topicNotFound();
    if (topic.provider_department_id !== node.department_id) throw new AppError('OUT_OF_SCOPE', { message: "Only the provider's nodes publish on this topic", messageZh: '仅提供部门的节点可发布此主题' });
    const errors: FieldError[] = [];
    events.forEach((e, i) => {
      if (!topic.event_types.includes(e.type)) errors.push(fieldErr(`/body/events/${i}/type`, `unknown event type ${e.type} (${topic.event_types.join(', ')})`, `未登记的事件类型 ${e.type}`));
      for (const k of Object.keys(e.payload)) if (!topic.fields.includes(k)) errors.push(fieldErr(`/body/events/${i}/payload/${k}`, `${k} is not a field of the topic`, `${k} 不是该主题的信息项`));
      const keyValue = e.payload[topic.key_field];
      if (keyValue !== undefined && String(keyValue) !== e.key) errors.push(fieldErr(`/body/events/${i}/key`, `key must equal payload.${topic.key_field}`, `事件键须等于 ${topic.key_field}`));
    });
    if (errors.length) throw new AppError('RULE_VIOLATION', { message: errors[0].message, messageZh: errors[0].messageZh, fields: errors.slice(0, 50) });
    const ids = events.map((e) => e.id ?? randomUUID());
    // Stored before, or repeated within this request: either way a duplicate, counted, not stored.
    const known = new Set((await trx.selectFrom('exchange.topic_event').select('id').where('id', 'in', ids).execute()).map((r) => r.id));
    let seq = Number(topic.next_seq);
    const fresh: { e: PublishedEvent; id: string }[] = [];
    events.forEach((e, i) => {
      if (known.has(ids[i])) return;
      known.add(ids[i]);
      fresh.push({ e, id: ids[i] });
    });
    const firstSeq = seq;
    if (fresh.length) {
      await trx
        .insertInto('exchange.topic_event')
        .values(fresh.map(({ e, id }) => ({ topic_id: topic.id, seq: seq++, id, key: e.key, type: e.type, payload: JSON.stringify({ ...e.payload, [topic.key_field]: e.payload[topic.key_field] ?? e.key }), occurred_at: e.occurredAt ? new Date(e.occurredAt) : ctx.now, published_at: ctx.now, publisher_node_id: node.id })))
        .execute();
      await trx.updateTable('exchange.topic').set({ next_seq: seq }).where('id', '=', topic.id).execute();
      await record(trx, ctx, { action: 'exchange.event.publish', target: { type: 'exchange_topic', id: topic.id, label: topic.code }, departmentId: topic.provider_department_id, summary: { events: fresh.length, seq: [firstSeq, seq - 1], types: [...new Set(fresh.map((x) => x.e.type))] } });
    } else ctx.audited = true; // all were published before: nothing changes
    const subscribers = await trx.selectFrom('exchange.subscription').select('node_id').where('topic_id', '=', topic.id).where('status', '=', 'active').execute();
    const published = fresh.map(({ e, id }, i) => ({ id, topicCode: topic.code, seq: firstSeq + i, key: e.key, type: e.type }));
    return { accepted: fresh.length, duplicates: events.length - fresh.length, lastSeq: seq - 1, subscribers: subscribers.map((s) => s.node_id), published };
  });
  await deps.transport.topicEvents(result.published);
  for (const n of new Set(result.subscribers)) deps.waker.wake(`topic:${n}`);
  return { accepted: result.accepted, duplicates: result.duplicates, lastSeq: result.lastSeq };
}

/** Stops a subscription whose grant is no longer active (purpose binding); returns the row after. */
async function enforceSubscriptionGrant(trx: Transaction<DB>, ctx: RequestContext, id: string) {
  const s = await trx.selectFrom('exchange.subscription').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
  if (s.status !== 'active') return s;
  const grant = await grantById(trx, s.grant_id, ctx.now);
  if (grant && grant.status === 'active') return s;
  const code = !grant ? 'GRANT_MISSING' : grant.status === 'revoked' ? 'GRANT_REVOKED' : grant.status === 'expired' ? 'GRANT_EXPIRED' : 'GRANT_NOT_YET_VALID';
  const reason = { GRANT_MISSING: '共享授权不存在 / the grant no longer exists', GRANT_REVOKED: '共享授权已撤销 / the sharing grant was revoked', GRANT_EXPIRED: '共享授权已过期 / the sharing grant has expired', GRANT_NOT_YET_VALID: '共享授权尚未生效 / the grant is not valid yet' }[code];
  await trx.updateTable('exchange.subscription').set({ status: 'stopped', status_code: code, status_reason: reason }).where('id', '=', id).execute();
  await record(trx, ctx, { action: 'exchange.subscription.stop', target: { type: 'exchange_subscription', id, label: s.table_name }, departmentId: s.consumer_department_id, summary: { grantId: s.grant_id, purpose: s.purpose, reason: code } });
  return { ...s, status: 'stopped' as const, status_code: code, status_reason: reason };
}

/**
 * The next events for a subscription after its cursor (or `after`), in sequence order, projected
 * to the fields its grant covers. Long-polls up to `wait` seconds.
 */
export async function fetchEvents(deps: ExchangeDeps, ctx: Ctx, node: Node, id: string, q: { after?: number; limit: number; wait: number }, signal?: AbortSignal) {
  const started = Date.now();
  for (;;) {
    const mark = deps.waker.mark(`topic:${node.id}`);
    const s = await deps.db.transaction().execute((trx) => enforceSubscriptionGrant(trx, ctx, id));
    if (s.node_id !== node.id) throw subNotFound();
    if (s.status !== 'active') throw stopped({ status: 'stopped', statusCode: s.status_code, statusReason: s.status_reason });
    const after = q.after ?? Number(s.cursor);
    const rows = await deps.db.selectFrom('exchange.topic_event').select(['seq', 'id', 'key', 'type', 'payload', 'occurred_at', 'published_at']).where('topic_id', '=', s.topic_id).where('seq', '>', String(after)).orderBy(sql`seq`).limit(q.limit).execute();
    if (rows.length || Date.now() - started >= q.wait * 1000 || signal?.aborted) {
      return {
        subscriptionId: id,
        cursor: Number(s.cursor),
        items: rows.map((r) => ({
          seq: Number(r.seq),
          id: r.id,
          key: r.key,
          type: r.type,
          payload: Object.fromEntries(Object.entries(r.payload as Record<string, unknown>).filter(([k]) => s.fields.includes(k))),
          occurredAt: r.occurred_at.toISOString(),
          publishedAt: r.published_at.toISOString(),
        })),
      };
    }
    await deps.waker.wait(`topic:${node.id}`, Math.min(1000, q.wait * 1000 - (Date.now() - started)), signal, mark);
  }
}

/** The subscriber applied events up to `seq`: the cursor moves on, audited with the purpose. */
export async function ackEvents(deps: ExchangeDeps, ctx: Ctx, node: Node, id: string, seq: number) {
  await deps.db.transaction().execute(async (trx) => {
    const s = await trx.selectFrom('exchange.subscription as s').innerJoin('exchange.topic as t', 't.id', 's.topic_id').select(['s.id', 's.node_id', 's.cursor', 's.consumer_department_id', 's.grant_id', 's.purpose', 't.code', 't.next_seq']).where('s.id', '=', id).forUpdate('s').executeTakeFirst();
    if (!s || s.node_id !== node.id) throw subNotFound();
    if (seq > Number(s.next_seq) - 1) throw new AppError('RULE_VIOLATION', { fields: [fieldErr('/body/seq', 'beyond the last published event', '超出已发布的事件序号')] });
    if (seq <= Number(s.cursor)) {
      ctx.audited = true; // a repeated acknowledgement changes nothing
      return;
    }
    await trx.updateTable('exchange.subscription').set({ cursor: seq, last_ack_at: ctx.now }).where('id', '=', id).execute();
    await record(trx, ctx, { action: 'exchange.event.deliver', target: { type: 'exchange_subscription', id, label: s.code }, departmentId: s.consumer_department_id, summary: { seq: [Number(s.cursor) + 1, seq], grantId: s.grant_id, purpose: s.purpose } });
  });
}

/** The node's subscriptions and the topics it may publish on, for the agent's configuration. */
export async function topicConfig(db: Kysely<DB>, ctx: RequestContext, node: Node) {
  // So that the agent shows why a subscription stopped, not only that fetching fails.
  for (const s of await db.selectFrom('exchange.subscription').select('id').where('node_id', '=', node.id).where('status', '=', 'active').execute()) {
    await db.transaction().execute((trx) => enforceSubscriptionGrant(trx, ctx, s.id));
  }
  const subs = await subQuery(db).where('s.node_id', '=', node.id).execute();
  const topics = await db.selectFrom('exchange.topic').select(['code', 'key_field', 'fields', 'event_types']).where('provider_department_id', '=', node.department_id).orderBy('code').execute();
  return {
    subscriptions: subs.map((s) => ({ subscriptionId: s.id, topicCode: s.topic_code, keyField: s.key_field, fields: s.fields, status: s.status, statusCode: s.status_code, statusReason: s.status_reason, connection: s.connection, table: s.table_name, mode: s.mode, columnMap: s.column_map as Record<string, string>, cursor: Number(s.cursor) })),
    publications: topics.map((t) => ({ topicCode: t.code, keyField: t.key_field, fields: t.fields, eventTypes: t.event_types })),
  };
}

/** Retention: events older than their topic's window leave; replay reaches back that far. */
export async function pruneEvents(db: Kysely<DB>, now: Date) {
  const r = await sql`DELETE FROM exchange.topic_event e USING exchange.topic t WHERE e.topic_id = t.id AND e.published_at < ${now}::timestamptz - make_interval(hours => t.retention_hours)`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
