import type { Insertable, Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { RequestContext } from '../../kernel/context.ts';
import { AppError, type FieldError } from '../../kernel/errors.ts';
import { paging, type Page } from '../../kernel/pagination.ts';
import { record } from '../audit/index.ts';
import { resourceShareInfo } from '../catalog/index.ts';
import { allows, departmentIdsInScope, departmentTarget, requireActor, requireScope, type Actor } from '../identity/index.ts';
import { grantById } from '../sharing/index.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import {
  CONNECTION_NAME,
  DEFAULT_STRATEGY,
  IDENTIFIER,
  TABLE_NAME,
  resolveMask,
  scheduleErrors,
  sourceErrors,
  strategyErrors,
  strategyOf,
  type DataType,
  type MaskPreset,
  type Schedule,
  type Strategy,
  type TaskField,
  type TaskSource,
} from './domain/task-spec.ts';

type Ctx = RequestContext<Actor>;
type Db = Kysely<DB> | Transaction<DB>;

const taskNotFound = () => new AppError('NOT_FOUND', { message: 'Exchange task not found', messageZh: '交换任务不存在' });
const fieldErr = (field: string, message: string, messageZh: string): FieldError => ({ field, message, messageZh });

export interface CreateTaskInput {
  name: string;
  resourceId: string;
  sourceNodeId: string;
  source: TaskSource;
  fields: { field: string; column?: string; mask?: { preset?: MaskPreset; keepStart?: number; keepEnd?: number } | null }[];
  schedule: Schedule;
  strategy?: Partial<Strategy>;
  targets: { nodeId: string; grantId: string; connection: string; table?: string; keyColumns?: string[]; mode: 'upsert' | 'append'; columnMap?: Record<string, string> }[];
}

// ---------------------------------------------------------------------------------------------
// Reading

function taskQuery(db: Db) {
  return db
    .selectFrom('exchange.task as t')
    .innerJoin('exchange.node as n', 'n.id', 't.source_node_id')
    .innerJoin('identity.department as d', 'd.id', 't.provider_department_id')
    .select(['t.id', 't.name', 't.resource_id', 't.resource_code', 't.resource_name', 't.provider_department_id', 'd.name as provider_department_name', 't.source_node_id', 'n.code as source_node_code', 'n.name as source_node_name', 't.source', 't.fields', 't.schedule', 't.strategy', 't.status', 't.status_code', 't.status_reason', 't.created_by', 't.created_at', 't.updated_at']);
}
type TaskRow = Awaited<ReturnType<ReturnType<typeof taskQuery>['executeTakeFirstOrThrow']>>;

function targetQuery(db: Db) {
  return db
    .selectFrom('exchange.target as g')
    .innerJoin('exchange.node as n', 'n.id', 'g.node_id')
    .innerJoin('identity.department as d', 'd.id', 'g.consumer_department_id')
    .select(['g.id', 'g.task_id', 'g.node_id', 'n.code as node_code', 'n.name as node_name', 'g.consumer_department_id', 'd.name as consumer_department_name', 'g.grant_id', 'g.purpose', 'g.connection', 'g.table_name', 'g.key_columns', 'g.mode', 'g.column_map', 'g.status', 'g.status_code', 'g.status_reason']);
}
type TargetRow = Awaited<ReturnType<ReturnType<typeof targetQuery>['executeTakeFirstOrThrow']>>;

const targetDto = (g: TargetRow) => ({
  id: g.id,
  nodeId: g.node_id,
  nodeCode: g.node_code,
  nodeName: g.node_name,
  consumerDepartmentId: g.consumer_department_id,
  consumerDepartmentName: g.consumer_department_name,
  grantId: g.grant_id,
  purpose: g.purpose,
  connection: g.connection,
  table: g.table_name,
  keyColumns: g.key_columns,
  mode: g.mode,
  columnMap: g.column_map as Record<string, string>,
  status: g.status,
  statusCode: g.status_code,
  statusReason: g.status_reason,
});
export type TargetDto = ReturnType<typeof targetDto>;

const taskDto = (t: TaskRow, targets: TargetRow[]) => ({
  id: t.id,
  name: t.name,
  resourceId: t.resource_id,
  resourceCode: t.resource_code,
  resourceName: t.resource_name,
  providerDepartmentId: t.provider_department_id,
  providerDepartmentName: t.provider_department_name,
  sourceNodeId: t.source_node_id,
  sourceNodeCode: t.source_node_code,
  sourceNodeName: t.source_node_name,
  source: t.source as TaskSource,
  fields: t.fields as TaskField[],
  schedule: t.schedule as Schedule,
  strategy: strategyOf(t.strategy),
  status: t.status,
  statusCode: t.status_code,
  statusReason: t.status_reason,
  targets: targets.map(targetDto),
  createdBy: t.created_by,
  createdAt: t.created_at.toISOString(),
  updatedAt: t.updated_at.toISOString(),
});
export type TaskDto = ReturnType<typeof taskDto>;

async function dtos(db: Db, rows: TaskRow[]) {
  if (!rows.length) return [];
  const targets = await targetQuery(db).where('g.task_id', 'in', rows.map((r) => r.id)).orderBy('n.code').execute();
  return rows.map((t) => taskDto(t, targets.filter((g) => g.task_id === t.id)));
}

/** Tasks an actor may see: its scope covers the provider or one of the consumers. */
function visible(db: Kysely<DB>, actor: Actor) {
  const scope = requireScope(actor, 'exchange.read');
  const q = taskQuery(db);
  if (scope === 'platform') return q;
  const depts = departmentIdsInScope(db, actor, 'exchange.read');
  return q.where((eb) =>
    eb.or([eb('t.provider_department_id', 'in', depts), eb.exists(eb.selectFrom('exchange.target as vg').select('vg.id').whereRef('vg.task_id', '=', 't.id').where('vg.consumer_department_id', 'in', depts))]),
  );
}

export async function listTasks(deps: ExchangeDeps, ctx: Ctx, q: { page?: number; pageSize?: number; status?: string; nodeId?: string; resourceId?: string; q?: string }): Promise<Page<TaskDto>> {
  const actor = requireActor(ctx.actor);
  const { page, pageSize, offset, limit } = paging(q);
  let query = visible(deps.db, actor);
  if (q.status) query = query.where('t.status', '=', q.status as 'active');
  if (q.resourceId) query = query.where('t.resource_id', '=', q.resourceId);
  if (q.nodeId) {
    const nodeId = q.nodeId;
    query = query.where((eb) => eb.or([eb('t.source_node_id', '=', nodeId), eb.exists(eb.selectFrom('exchange.target as ng').select('ng.id').whereRef('ng.task_id', '=', 't.id').where('ng.node_id', '=', nodeId))]));
  }
  if (q.q) query = query.where((eb) => eb.or([eb('t.name', 'like', `%${q.q}%`), eb('t.resource_name', 'like', `%${q.q}%`), eb('t.resource_code', 'like', `%${q.q}%`)]));
  const [rows, count] = await Promise.all([
    query.orderBy('t.created_at', 'desc').orderBy('t.id').offset(offset).limit(limit).execute(),
    query.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await dtos(deps.db, rows), total: Number(count.n), page, pageSize };
}

export async function getTask(deps: ExchangeDeps, ctx: Ctx, id: string): Promise<TaskDto & { viewer: { manage: boolean } }> {
  const actor = requireActor(ctx.actor);
  const row = await visible(deps.db, actor).where('t.id', '=', id).executeTakeFirst();
  if (!row) throw taskNotFound();
  const [dto] = await dtos(deps.db, [row]);
  return { ...dto, viewer: { manage: await canManage(deps.db, actor, row.provider_department_id) } };
}

async function canManage(db: Db, actor: Actor, providerDepartmentId: string) {
  const target = await departmentTarget(db as Kysely<DB>, providerDepartmentId);
  return !!target && allows(actor, 'exchange.task.manage', target);
}

async function assertManage(db: Db, actor: Actor, providerDepartmentId: string) {
  requireScope(actor, 'exchange.task.manage');
  if (!(await canManage(db, actor, providerDepartmentId))) throw new AppError('OUT_OF_SCOPE', { extra: { permission: 'exchange.task.manage' } });
}

// ---------------------------------------------------------------------------------------------
// Creating

/**
 * Creates a task after checking it against the catalog and the grants: the resource is published
 * and shared by exchange, the source node is the provider's, every field exists, and every target
 * is a node of a consumer whose active grant covers every travelling field (R-SHR-4).
 */
export async function createTask(deps: ExchangeDeps, ctx: Ctx, input: CreateTaskInput): Promise<TaskDto> {
  const actor = requireActor(ctx.actor);
  const info = await resourceShareInfo(deps.db, input.resourceId);
  if (!info) throw new AppError('NOT_FOUND', { message: 'Catalog entry not found', messageZh: '目录条目不存在' });
  await assertManage(deps.db, actor, info.providerDepartmentId);

  const errors: FieldError[] = [...sourceErrors(input.source), ...scheduleErrors(input.schedule)];
  const strategy: Strategy = { ...DEFAULT_STRATEGY, ...input.strategy };
  errors.push(...strategyErrors(strategy));
  if (!info.published || !info.share) errors.push(fieldErr('/body/resourceId', 'the resource is not published', '该信息资源尚未发布'));
  else if (!info.share.modes.includes('exchange')) errors.push(fieldErr('/body/resourceId', 'the resource is not shared by front-end processor exchange (share modes)', '该信息资源的共享方式不含前置机交换'));

  const source = await deps.db.selectFrom('exchange.node').selectAll().where('id', '=', input.sourceNodeId).executeTakeFirst();
  if (!source) errors.push(fieldErr('/body/sourceNodeId', 'node not found', '交换节点不存在'));
  else if (source.department_id !== info.providerDepartmentId) errors.push(fieldErr('/body/sourceNodeId', "the source node must be the provider department's", '源节点须属于资源提供部门'));
  else if (source.status === 'revoked') errors.push(fieldErr('/body/sourceNodeId', 'the node is revoked', '该节点已吊销'));

  // The travelling fields: catalog field names, each read from a source column.
  const catalogFields = new Map(info.fields.map((f) => [f.englishName, f]));
  const fields: TaskField[] = [];
  const files = input.source.kind === 'files';
  if (files && input.fields.length) errors.push(fieldErr('/body/fields', 'files travel whole: a files task has no fields', '文件类任务按文件整体交换，不选信息项'));
  if (!files && input.fields.length === 0) errors.push(fieldErr('/body/fields', 'choose at least one field', '请至少选择一个信息项'));
  input.fields.forEach((f, i) => {
    const at = `/body/fields/${i}`;
    const cf = catalogFields.get(f.field);
    if (!cf) return errors.push(fieldErr(`${at}/field`, `no field ${f.field} in the published entry`, `已发布目录中没有信息项 ${f.field}`));
    if (cf.shareType === 'none') return errors.push(fieldErr(`${at}/field`, `field ${f.field} is not shared`, `信息项 ${f.field} 不予共享`));
    if (fields.some((x) => x.field === f.field)) return errors.push(fieldErr(`${at}/field`, 'duplicate field', '信息项重复'));
    const column = f.column ?? f.field;
    if (!IDENTIFIER.test(column)) return errors.push(fieldErr(`${at}/column`, 'not a column name', '列名不合法'));
    const dataType: DataType = cf.dataType;
    const mask = resolveMask(f.mask);
    // A masked value travels as text, which only a text field can hold at the target.
    if (mask && dataType !== 'string') return errors.push(fieldErr(`${at}/mask`, `only string fields can be masked (${f.field} is ${dataType})`, `仅字符型信息项可脱敏（${f.field} 为 ${dataType}）`));
    fields.push({ field: f.field, column, dataType, mask });
  });
  [...input.source.keyColumns, ...(input.source.incremental ? [input.source.incremental.column] : [])].forEach((c) => {
    if (!IDENTIFIER.test(c)) errors.push(fieldErr('/body/source/keyColumns', `not a column name: ${c}`, `列名不合法：${c}`));
  });
  if (input.source.table !== null && input.source.table !== undefined && !TABLE_NAME.test(input.source.table)) errors.push(fieldErr('/body/source/table', 'not a table name (schema.table)', '表名不合法'));
  if (!CONNECTION_NAME.test(input.source.connection)) errors.push(fieldErr('/body/source/connection', 'connection names are lower-case letters, digits, - and _', '连接名须为小写字母、数字、-、_'));

  const targets = await checkTargets(deps.db, ctx.now, input, fields, info.providerDepartmentId, errors);
  if (errors.length) throw new AppError('RULE_VIOLATION', { message: errors[0].message, messageZh: errors[0].messageZh, fields: errors });

  return toAgents(deps, await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('exchange.task')
      .values({
        name: input.name.trim(),
        resource_id: info.id,
        resource_code: info.code,
        resource_name: info.name,
        provider_department_id: info.providerDepartmentId,
        source_node_id: input.sourceNodeId,
        source: JSON.stringify({ ...input.source, kind: files ? 'files' : 'rows' }),
        fields: JSON.stringify(fields),
        schedule: JSON.stringify(input.schedule),
        strategy: JSON.stringify(strategy),
        status: 'active',
        created_by: actor.name,
        created_at: ctx.now,
        updated_at: ctx.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.insertInto('exchange.target').values(targets.map((t) => ({ ...t, task_id: row.id }))).execute();
    const [dto] = await dtos(trx, [await taskQuery(trx).where('t.id', '=', row.id).executeTakeFirstOrThrow()]);
    await record(trx, ctx, {
      action: 'exchange.task.create',
      target: { type: 'exchange_task', id: dto.id, label: dto.name },
      departmentId: dto.providerDepartmentId,
      summary: { after: { resource: `${info.code} ${info.name}`, fields: fields.map((f) => f.field), targets: dto.targets.map((t) => ({ node: t.nodeCode, grantId: t.grantId, purpose: t.purpose })) } },
    });
    return dto;
  }));
}

/** After the commit: the task's agents hear of the change now, not at their next heartbeat. */
function toAgents(deps: ExchangeDeps, dto: TaskDto): TaskDto {
  deps.waker.wakeConfig([dto.sourceNodeId, ...dto.targets.map((t) => t.nodeId)]);
  return dto;
}

async function checkTargets(db: Kysely<DB>, now: Date, input: CreateTaskInput, fields: TaskField[], providerDepartmentId: string, errors: FieldError[]) {
  const files = input.source.kind === 'files';
  if (input.targets.length === 0) errors.push(fieldErr('/body/targets', 'add at least one target', '请至少添加一个目标节点'));
  const out: Omit<Insertable<DB['exchange.target']>, 'task_id'>[] = [];
  const seen = new Set<string>();
  for (const [i, t] of input.targets.entries()) {
    const at = `/body/targets/${i}`;
    const node = await db.selectFrom('exchange.node').selectAll().where('id', '=', t.nodeId).executeTakeFirst();
    const grant = await grantById(db, t.grantId, now);
    if (!node) { errors.push(fieldErr(`${at}/nodeId`, 'node not found', '交换节点不存在')); continue; }
    if (node.status === 'revoked') errors.push(fieldErr(`${at}/nodeId`, 'the node is revoked', '该节点已吊销'));
    if (!grant) { errors.push(fieldErr(`${at}/grantId`, 'grant not found', '共享授权不存在')); continue; }
    if (grant.resourceId !== input.resourceId) errors.push(fieldErr(`${at}/grantId`, 'the grant is for another resource', '该授权不属于此信息资源'));
    if (grant.providerDepartmentId !== providerDepartmentId) errors.push(fieldErr(`${at}/grantId`, 'the grant is from another provider', '该授权的提供部门不符'));
    if (grant.status !== 'active') errors.push(fieldErr(`${at}/grantId`, `the grant is ${grant.status}`, grant.status === 'revoked' ? '该授权已撤销' : grant.status === 'expired' ? '该授权已过期' : '该授权尚未生效'));
    if (node.department_id !== grant.consumerDepartmentId) errors.push(fieldErr(`${at}/nodeId`, "the target node must be the grant's consumer department's", '目标节点须属于被授权的使用部门'));
    // A grant lists the fields it covers (a whole-resource grant lists them all, as published then).
    const notGranted = fields.filter((f) => !grant.fields.includes(f.field));
    // A file is the resource itself, so only a grant of the whole resource lets it travel.
    if (files && !grant.wholeResource) errors.push(fieldErr(`${at}/grantId`, 'files travel whole: the grant must cover the whole resource', '文件整体交换，授权须覆盖整个信息资源'));
    if (notGranted.length) errors.push(fieldErr(`${at}/grantId`, `the grant does not cover: ${notGranted.map((f) => f.field).join(', ')}`, `授权未包含信息项：${notGranted.map((f) => f.field).join('、')}`));
    if (!CONNECTION_NAME.test(t.connection)) errors.push(fieldErr(`${at}/connection`, 'connection names are lower-case letters, digits, - and _', '连接名须为小写字母、数字、-、_'));
    if (!files && (!t.table || !TABLE_NAME.test(t.table))) errors.push(fieldErr(`${at}/table`, 'not a table name (schema.table)', '表名不合法'));
    if (files && t.table !== undefined) errors.push(fieldErr(`${at}/table`, "a files target writes into its folder connection; give no table", '文件类目标写入其目录连接，不填表名'));
    const columnMap: Record<string, string> = {};
    for (const f of fields) columnMap[f.field] = t.columnMap?.[f.field] ?? f.field;
    for (const k of Object.keys(t.columnMap ?? {})) if (!fields.some((f) => f.field === k)) errors.push(fieldErr(`${at}/columnMap/${k}`, 'not a travelling field', '不是本任务交换的信息项'));
    for (const c of Object.values(columnMap)) if (!IDENTIFIER.test(c)) errors.push(fieldErr(`${at}/columnMap`, `not a column name: ${c}`, `列名不合法：${c}`));
    // Default target keys: the source keys that travel, under their target names.
    const keyColumns = t.keyColumns ?? input.source.keyColumns.map((k) => fields.find((f) => f.column === k)).map((f) => (f ? columnMap[f.field] : null)).filter((c): c is string => c !== null);
    if (!files && t.mode === 'upsert' && (keyColumns.length === 0 || keyColumns.some((k) => !Object.values(columnMap).includes(k)))) {
      errors.push(fieldErr(`${at}/keyColumns`, 'an upsert target needs key columns among the mapped columns', '更新插入模式须指定已映射的主键列'));
    }
    const key = `${t.nodeId}|${t.connection}|${t.table ?? ''}`;
    if (seen.has(key)) errors.push(fieldErr(`${at}/table`, 'the same target twice', '目标重复'));
    seen.add(key);
    out.push({
      node_id: t.nodeId,
      consumer_department_id: grant.consumerDepartmentId,
      grant_id: grant.id,
      purpose: grant.purpose,
      connection: t.connection,
      table_name: t.table ?? '',
      key_columns: keyColumns,
      mode: t.mode,
      column_map: JSON.stringify(columnMap),
      status: 'active',
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Editing

export interface UpdateTaskInput {
  name?: string;
  schedule?: Schedule;
  strategy?: Partial<Strategy>;
}

/**
 * Changes a task's name, schedule or strategy; the agents take them with their next heartbeat and
 * the checkpoint stays, so nothing is extracted twice. Source, fields and targets do not change
 * (they decide what the checkpoint and the grants mean): a new task is made for those.
 */
export async function updateTask(deps: ExchangeDeps, ctx: Ctx, id: string, input: UpdateTaskInput): Promise<TaskDto> {
  const actor = requireActor(ctx.actor);
  return toAgents(deps, await deps.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('exchange.task').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw taskNotFound();
    await assertManage(trx, actor, row.provider_department_id);
    const before = { name: row.name, schedule: row.schedule as unknown as Schedule, strategy: strategyOf(row.strategy) };
    const after = {
      name: input.name?.trim() ?? before.name,
      schedule: input.schedule ?? before.schedule,
      strategy: { ...before.strategy, ...input.strategy },
    };
    const errors = [...scheduleErrors(after.schedule), ...strategyErrors(after.strategy)];
    if (!after.name) errors.push(fieldErr('/body/name', 'the name is empty', '请填写任务名称'));
    if (errors.length) throw new AppError('RULE_VIOLATION', { message: errors[0].message, messageZh: errors[0].messageZh, fields: errors });
    const changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]));
    if (changed.length) {
      await trx
        .updateTable('exchange.task')
        .set({ name: after.name, schedule: JSON.stringify(after.schedule), strategy: JSON.stringify(after.strategy), updated_at: ctx.now })
        .where('id', '=', id)
        .execute();
      await record(trx, ctx, {
        action: 'exchange.task.update',
        target: { type: 'exchange_task', id, label: after.name },
        departmentId: row.provider_department_id,
        summary: { before: Object.fromEntries(changed.map((k) => [k, before[k]])), after: Object.fromEntries(changed.map((k) => [k, after[k]])) },
      });
    } else {
      ctx.audited = true; // the same values again: nothing changed
    }
    const [dto] = await dtos(trx, [await taskQuery(trx).where('t.id', '=', id).executeTakeFirstOrThrow()]);
    return dto;
  }));
}

// ---------------------------------------------------------------------------------------------
// Pausing, resuming, stopping

const STATUS_AFTER = { pause: 'paused', resume: 'active', stop: 'stopped' } as const;

/** A person pauses, resumes or stops a task; a task stopped for a grant resumes only with an active target. */
export async function changeTaskStatus(deps: ExchangeDeps, ctx: Ctx, id: string, action: keyof typeof STATUS_AFTER, reasons?: string) {
  const actor = requireActor(ctx.actor);
  return toAgents(deps, await deps.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('exchange.task').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw taskNotFound();
    await assertManage(trx, actor, row.provider_department_id);
    const next = STATUS_AFTER[action];
    if (row.status === next) throw new AppError('CONFLICT', { message: `The task is already ${next}`, messageZh: '任务已处于该状态' });
    if (action === 'resume') {
      const active = await trx.selectFrom('exchange.target').select('id').where('task_id', '=', id).where('status', '=', 'active').execute();
      if (!active.length) throw new AppError('CONFLICT', { message: 'No target with an active grant is left; the task cannot resume', messageZh: '没有授权有效的目标，任务无法恢复' });
    }
    const reason = action === 'resume' ? null : reasons?.trim() || null;
    await trx.updateTable('exchange.task').set({ status: next, status_code: action === 'resume' ? null : action === 'stop' ? 'STOPPED_BY_USER' : 'PAUSED_BY_USER', status_reason: reason, updated_at: ctx.now }).where('id', '=', id).execute();
    await record(trx, ctx, { action: `exchange.task.${action}`, target: { type: 'exchange_task', id, label: row.name }, departmentId: row.provider_department_id, summary: { before: row.status, after: next, reasons: reason } });
    const [dto] = await dtos(trx, [await taskQuery(trx).where('t.id', '=', id).executeTakeFirstOrThrow()]);
    return dto;
  }));
}

// ---------------------------------------------------------------------------------------------
// What an agent runs (docs/exchange-protocol.md §2)

export async function tasksOfNode(db: Db, nodeId: string) {
  const sources = await db.selectFrom('exchange.task').select('id').where('source_node_id', '=', nodeId).execute();
  const targets = await db.selectFrom('exchange.target').select('task_id').where('node_id', '=', nodeId).execute();
  return [...new Set([...sources.map((s) => s.id), ...targets.map((t) => t.task_id)])];
}

export async function agentConfig(db: Db, nodeId: string) {
  const sources = await db.selectFrom('exchange.task').selectAll().where('source_node_id', '=', nodeId).orderBy('created_at').execute();
  const targets = await db
    .selectFrom('exchange.target as g')
    .innerJoin('exchange.task as t', 't.id', 'g.task_id')
    .select(['g.id', 'g.task_id', 't.name', 'g.status', 'g.status_code', 'g.status_reason', 't.status as task_status', 't.status_reason as task_status_reason', 'g.connection', 'g.table_name', 'g.key_columns', 'g.mode', 'g.column_map'])
    .where('g.node_id', '=', nodeId)
    .orderBy('t.created_at')
    .execute();
  return {
    sources: sources.map((t) => {
      const s = t.source as TaskSource;
      return {
        taskId: t.id,
        name: t.name,
        status: t.status,
        statusCode: t.status_code,
        statusReason: t.status_reason,
        source: { connection: s.connection, table: s.table, query: s.query, keyColumns: s.keyColumns, incremental: s.incremental },
        fields: t.fields as TaskField[],
        schedule: t.schedule as Schedule,
        strategy: strategyOf(t.strategy),
      };
    }),
    targets: targets.map((g) => ({
      targetId: g.id,
      taskId: g.task_id,
      name: g.name,
      status: g.status,
      statusCode: g.status_code,
      statusReason: g.status_reason,
      connection: g.connection,
      table: g.table_name,
      keyColumns: g.key_columns,
      mode: g.mode,
      columnMap: g.column_map as Record<string, string>,
    })),
  };
}

/** The task if the actor may see it (NOT_FOUND otherwise), and whether the actor may manage it. */
export async function visibleTask(db: Kysely<DB>, actor: Actor, id: string) {
  const row = await visible(db, actor).where('t.id', '=', id).executeTakeFirst();
  if (!row) throw taskNotFound();
  return { row, manage: await canManage(db, actor, row.provider_department_id) };
}

/** Tasks visible to the actor, as a subquery of ids (for monitoring lists). */
export function visibleTaskIds(db: Kysely<DB>, actor: Actor) {
  return visible(db, actor).clearSelect().select('t.id');
}
