import { sql, type ExpressionBuilder, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { RequestContext } from '../../kernel/context.ts';
import { AppError, type FieldError } from '../../kernel/errors.ts';
import { paging, type Page } from '../../kernel/pagination.ts';
import { record } from '../audit/index.ts';
import type { CalendarService } from '../calendar/index.ts';
import { resourceShareInfo, type ResourceShareInfo } from '../catalog/index.ts';
import { notify } from '../notifications/index.ts';
import { allows, departmentIdsInScope, departmentsById, departmentTarget, requireActor, scopeFor, type Actor, type Permission } from '../identity/index.ts';
import {
  ANSWER_WORKING_DAYS,
  REMINDER_DAYS,
  conditionalFields,
  covers,
  cstDate,
  grantState,
  notSharedFields,
  periodErrors,
  selectFields,
  stageOf,
} from './domain/rules.ts';
import * as repo from './sharing.repository.ts';
import { requestNotices } from './sharing.request-notices.ts';
import type { EscalationRow, GrantRow, RequestRow } from './sharing.repository.ts';

export type Ctx = RequestContext<Actor>;
type Db = Kysely<DB> | Transaction<DB>;
export type Role = 'consumer' | 'provider' | 'authority';

const SHARING_PERMISSIONS: Permission[] = ['sharing.request', 'sharing.decide', 'sharing.arbitrate'];

const requestNotFound = () => new AppError('NOT_FOUND', { message: 'Sharing request not found', messageZh: '共享申请不存在' });
const grantNotFound = () => new AppError('NOT_FOUND', { message: 'Grant not found', messageZh: '共享授权不存在' });
export const rule = (field: string, message: string, messageZh: string) => new AppError('RULE_VIOLATION', { message, messageZh, fields: [{ field, message, messageZh }] });
export const blank = (s: string | undefined | null) => !s || !s.trim();

export function requireSharingActor(ctx: Ctx): Actor {
  const actor = requireActor(ctx.actor);
  if (!SHARING_PERMISSIONS.some((p) => scopeFor(actor, p))) throw new AppError('FORBIDDEN', { extra: { permission: 'sharing.*' } });
  return actor;
}

/**
 * How the actor stands to something between a consumer and a provider department: the consumer
 * side (sharing.request over the consumer), the provider side (sharing.decide over the provider),
 * the sharing authority (sharing.arbitrate over either; it decides only over the provider's).
 */
export async function relation(db: Db, actor: Actor, r: { consumer_department_id: string; provider_department_id: string }) {
  // One query after the other: inside a transaction they share one session.
  const consumer = await departmentTarget(db as Kysely<DB>, r.consumer_department_id);
  const provider = await departmentTarget(db as Kysely<DB>, r.provider_department_id);
  const rel = {
    consumer: !!consumer && allows(actor, 'sharing.request', consumer),
    provider: !!provider && allows(actor, 'sharing.decide', provider),
    arbitrator: !!provider && allows(actor, 'sharing.arbitrate', provider),
    authority: (!!provider && allows(actor, 'sharing.arbitrate', provider)) || (!!consumer && allows(actor, 'sharing.arbitrate', consumer)),
  };
  return { ...rel, sees: rel.consumer || rel.provider || rel.authority };
}

/** The departments whose rows the actor sees, as conditions for a list (none → an empty list). */
export function visibleTo<T extends 'sharing.request' | 'sharing.grant' | 'sharing.escalation' | 'sharing.dispute' | 'sharing.duty'>(db: Kysely<DB>, actor: Actor, role: Role | undefined) {
  return (eb: ExpressionBuilder<DB, T>) => {
    const consumerCol = sql.ref<string>('consumer_department_id');
    const providerCol = sql.ref<string>('provider_department_id');
    const parts = [];
    if ((!role || role === 'consumer') && scopeFor(actor, 'sharing.request')) parts.push(eb(consumerCol, 'in', departmentIdsInScope(db, actor, 'sharing.request')));
    if ((!role || role === 'provider') && scopeFor(actor, 'sharing.decide')) parts.push(eb(providerCol, 'in', departmentIdsInScope(db, actor, 'sharing.decide')));
    if ((!role || role === 'authority') && scopeFor(actor, 'sharing.arbitrate')) {
      parts.push(eb(providerCol, 'in', departmentIdsInScope(db, actor, 'sharing.arbitrate')));
      parts.push(eb(consumerCol, 'in', departmentIdsInScope(db, actor, 'sharing.arbitrate')));
    }
    return parts.length ? eb.or(parts) : sql<boolean>`false`;
  };
}

// ---------------------------------------------------------------------------------------------
// DTOs

export async function names(db: Db, rows: { consumer_department_id: string; provider_department_id: string }[]) {
  return departmentsById(db as Kysely<DB>, rows.flatMap((r) => [r.consumer_department_id, r.provider_department_id]));
}

export const iso = (d: Date | null) => (d ? d.toISOString() : null);

interface PartyRow {
  resource_id: string;
  resource_code: string;
  resource_name: string;
  provider_department_id: string;
  consumer_department_id: string;
}

/** Who shares what with whom: the part every sharing DTO (request, escalation, dispute, duty) has. */
export function parties(r: PartyRow, depts: Awaited<ReturnType<typeof names>>) {
  return {
    resourceId: r.resource_id,
    resourceCode: r.resource_code,
    resourceName: r.resource_name,
    providerDepartmentId: r.provider_department_id,
    providerDepartmentName: depts.get(r.provider_department_id)?.name ?? '',
    consumerDepartmentId: r.consumer_department_id,
    consumerDepartmentName: depts.get(r.consumer_department_id)?.name ?? '',
  };
}

async function requestDtos(db: Db, rows: RequestRow[], now: Date) {
  const depts = await names(db, rows);
  return rows.map((r) => {
    const stage = stageOf(r, now);
    return {
      id: r.id,
      ...parties(r, depts),
      resourceVersion: r.resource_version,
      fields: r.fields,
      wholeResource: r.whole_resource,
      purpose: r.purpose,
      dutyBasis: r.duty_basis,
      scopeOfUse: r.scope_of_use,
      validFrom: r.valid_from,
      validTo: r.valid_to,
      status: r.status,
      requestedBy: r.requested_by,
      receivedAt: r.received_at.toISOString(),
      deadline: r.deadline.toISOString(),
      deadlineDate: r.deadline_date,
      remindAt5: r.remind_at_5,
      remindAt8: r.remind_at_8,
      stage,
      overdue: stage === 'overdue',
      answeredAt: iso(r.answered_at),
      answeredBy: r.answered_by,
      answerReasons: r.answer_reasons,
      approvedFields: r.approved_fields,
      approvedValidTo: r.approved_valid_to,
      escalatedAt: iso(r.escalated_at),
      escalationReasons: r.escalation_reasons,
      arbitratedAt: iso(r.arbitrated_at),
      arbitratedBy: r.arbitrated_by,
      arbitrationReasons: r.arbitration_reasons,
      grantId: r.grant_id,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    };
  });
}
export type RequestDto = Awaited<ReturnType<typeof requestDtos>>[number];

/** A grant as other modules see it (no department names: grantFor reads the grants table only). */
export function toGrant(g: GrantRow, now: Date) {
  return {
    id: g.id,
    resourceId: g.resource_id,
    resourceCode: g.resource_code,
    resourceName: g.resource_name,
    providerDepartmentId: g.provider_department_id,
    consumerDepartmentId: g.consumer_department_id,
    kind: g.kind,
    requestId: g.request_id,
    fields: g.fields,
    wholeResource: g.whole_resource,
    purpose: g.purpose,
    validFrom: g.valid_from,
    validTo: g.valid_to,
    grantedBy: g.granted_by,
    grantedAt: g.granted_at.toISOString(),
    status: grantState(g, cstDate(now)),
    revokedAt: iso(g.revoked_at),
    revokedBy: g.revoked_by,
    revokeReasons: g.revoke_reasons,
  };
}
export type Grant = ReturnType<typeof toGrant>;

async function grantDtos(db: Db, rows: GrantRow[], now: Date) {
  const depts = await names(db, rows);
  return rows.map((g) => ({
    ...toGrant(g, now),
    providerDepartmentName: depts.get(g.provider_department_id)?.name ?? '',
    consumerDepartmentName: depts.get(g.consumer_department_id)?.name ?? '',
  }));
}

export async function escalationDtos(db: Db, rows: EscalationRow[]) {
  const depts = await names(db, rows);
  return rows.map((e) => ({
    id: e.id,
    ...parties(e, depts),
    reasons: e.reasons,
    createdBy: e.created_by,
    createdAt: e.created_at.toISOString(),
    status: e.status,
    answeredAt: iso(e.answered_at),
    answeredBy: e.answered_by,
    answerReasons: e.answer_reasons,
    dutyId: e.duty_id,
  }));
}

// ---------------------------------------------------------------------------------------------
// The resource applied for

/** The published resource a consumer department applies for, or the error that says why not. */
async function sharedResource(db: Db, actor: Actor, resourceId: string): Promise<ResourceShareInfo> {
  const info = await resourceShareInfo(db, resourceId);
  if (!info) throw new AppError('NOT_FOUND', { message: 'Catalog entry not found', messageZh: '目录条目不存在' });
  if (!info.published || !info.share) throw rule('/body/resourceId', 'the resource is not published', '该信息资源尚未发布，不能共享');
  if (info.providerDepartmentId === actor.departmentId) throw rule('/body/resourceId', 'this is your own department’s resource', '不能申请本部门提供的信息资源');
  return info;
}

/** 422 for a not-shared resource, or a request touching not-shared fields: says why (its legal basis). */
function notShared(info: ResourceShareInfo, fields: string[]): AppError | null {
  if (info.share!.type === 'none') {
    const basis = info.share!.legalBasis?.trim() || '（未注明）';
    return new AppError('RULE_VIOLATION', {
      message: `The resource ${info.code} ${info.name} is not shared (share type "none"); legal basis: ${basis}. No request is possible: raise an escalation with the sharing authority instead (POST /api/sharing/escalations).`,
      messageZh: `信息资源“${info.name}”（${info.code}）不予共享，依据：${basis}。不能提出共享申请，如有异议可向共享主管部门提出（POST /api/sharing/escalations）。`,
      fields: [{ field: '/body/resourceId', message: `not shared; legal basis: ${basis}`, messageZh: `不予共享，依据：${basis}` }],
      extra: { shareType: 'none', legalBasis: info.share!.legalBasis ?? null, escalation: '/api/sharing/escalations' },
    });
  }
  const none = notSharedFields(info, fields);
  if (!none.length) return null;
  return new AppError('RULE_VIOLATION', {
    message: `Fields not shared: ${none.map((f) => `${f.englishName} (legal basis: ${f.legalBasis ?? 'not given'})`).join('; ')}`,
    messageZh: `以下信息项不予共享：${none.map((f) => `${f.name}（依据：${f.legalBasis ?? '未注明'}）`).join('；')}`,
    fields: none.map((f) => ({ field: `/body/fields/${fields.indexOf(f.englishName)}`, message: `not shared; legal basis: ${f.legalBasis ?? 'not given'}`, messageZh: `不予共享，依据：${f.legalBasis ?? '未注明'}` })),
    extra: { shareType: 'none', escalation: '/api/sharing/escalations' },
  });
}

export const auditResource = (r: { resource_id?: string; resource_code: string; resource_name: string }) => `${r.resource_code} ${r.resource_name}`;

// ---------------------------------------------------------------------------------------------
// Unconditional grants

export interface CreateGrantInput {
  resourceId: string;
  purpose: string;
  fields?: string[];
  validFrom?: string;
  validTo?: string;
}

/** R-SHR-1: an unconditional resource (or unconditional fields) is granted at once, purpose recorded. */
export async function createUnconditionalGrant(db: Kysely<DB>, ctx: Ctx, input: CreateGrantInput) {
  const actor = requireActor(ctx.actor);
  const today = cstDate(ctx.now);
  if (blank(input.purpose)) throw rule('/body/purpose', 'state the purpose', '请填写用途');
  const validFrom = input.validFrom ?? today;
  const validTo = input.validTo ?? null;
  const period = periodErrors(validFrom, validTo, today);
  if (period.length) throw new AppError('RULE_VIOLATION', { fields: period });
  const grant = await db.transaction().execute(async (trx) => {
    const info = await sharedResource(trx, actor, input.resourceId);
    const { selection, errors } = selectFields(info, input.fields);
    if (errors.length) throw new AppError('RULE_VIOLATION', { messageZh: '申请的信息项不存在', fields: errors });
    const none = notShared(info, selection.fields);
    if (none) throw none;
    const conditional = info.share!.type === 'conditional' ? info.fields.filter((f) => selection.fields.includes(f.englishName)) : conditionalFields(info, selection.fields);
    if (conditional.length || info.share!.type !== 'unconditional') {
      const list = conditional.map((f) => f.englishName);
      throw new AppError('RULE_VIOLATION', {
        message: `Conditional sharing: apply with POST /api/sharing/requests (purpose, duty basis, scope of use, period). Conditional fields: ${list.join(', ') || 'the whole resource'}`,
        messageZh: `该信息资源（或所选信息项）为有条件共享，请通过共享申请提出（POST /api/sharing/requests）。有条件共享的信息项：${conditional.map((f) => f.name).join('、') || '整个资源'}`,
        fields: [{ field: input.fields ? '/body/fields' : '/body/resourceId', message: 'conditional: apply instead', messageZh: '有条件共享，须提出申请' }],
        extra: { shareType: 'conditional', conditionalFields: list, apply: '/api/sharing/requests' },
      });
    }
    const g = await repo.insertGrant(trx, {
      resource_id: info.id,
      resource_code: info.code,
      resource_name: info.name,
      provider_department_id: info.providerDepartmentId,
      consumer_department_id: actor.departmentId,
      kind: 'unconditional',
      request_id: null,
      fields: selection.fields,
      whole_resource: selection.wholeResource,
      purpose: input.purpose.trim(),
      valid_from: validFrom,
      valid_to: validTo,
      granted_by: actor.name,
      granted_at: ctx.now,
    });
    await record(trx, ctx, {
      action: 'sharing.grant.create',
      target: { type: 'sharing_grant', id: g.id, label: auditResource(g) },
      summary: { after: { kind: 'unconditional', resourceId: info.id, fields: g.fields, purpose: g.purpose, validFrom, validTo } },
    });
    return g;
  });
  return (await grantDtos(db, [grant], ctx.now))[0];
}

// ---------------------------------------------------------------------------------------------
// Conditional requests

export interface CreateRequestInput {
  resourceId: string;
  fields?: string[];
  purpose: string;
  dutyBasis: string;
  scopeOfUse: string;
  validFrom: string;
  validTo: string;
}

/**
 * R-SHR-2: a consumer department applies for a conditional resource (or chosen fields). The
 * provider must answer within 10 working days (the receipt day is not counted; after office hours
 * or on a non-working day the clock starts from the next working day); reminders on the 5th and 8th.
 */
export async function createRequest(db: Kysely<DB>, calendar: CalendarService, ctx: Ctx, input: CreateRequestInput) {
  const actor = requireActor(ctx.actor);
  const today = cstDate(ctx.now);
  const missing: FieldError[] = [];
  for (const key of ['purpose', 'dutyBasis', 'scopeOfUse'] as const) {
    if (blank(input[key])) missing.push({ field: `/body/${key}`, message: 'is required', messageZh: '必填' });
  }
  missing.push(...periodErrors(input.validFrom, input.validTo, today));
  if (missing.length) throw new AppError('RULE_VIOLATION', { fields: missing });
  // The calendar reads the database through its own connection: before the transaction (ADR 0003).
  const cal = await calendar.calendar();
  const d = cal.deadlineDetail(ctx.now, ANSWER_WORKING_DAYS);
  const [remind5, remind8] = REMINDER_DAYS.map((n) => cal.addWorkingDays(d.effectiveStart, n));
  const id = await db.transaction().execute(async (trx) => {
    const info = await sharedResource(trx, actor, input.resourceId);
    const { selection, errors } = selectFields(info, input.fields);
    if (errors.length) throw new AppError('RULE_VIOLATION', { messageZh: '申请的信息项不存在', fields: errors });
    const none = notShared(info, selection.fields);
    if (none) throw none;
    if (!selection.fields.length) throw rule('/body/fields', 'the resource has no shared field', '该信息资源没有可共享的信息项');
    const row = await trx
      .insertInto('sharing.request')
      .values({
        resource_id: info.id,
        resource_code: info.code,
        resource_name: info.name,
        resource_version: info.version!,
        provider_department_id: info.providerDepartmentId,
        consumer_department_id: actor.departmentId,
        fields: repo.textArray(selection.fields),
        whole_resource: selection.wholeResource,
        purpose: input.purpose.trim(),
        duty_basis: input.dutyBasis.trim(),
        scope_of_use: input.scopeOfUse.trim(),
        valid_from: input.validFrom,
        valid_to: input.validTo,
        status: 'pending',
        requested_by: actor.name,
        received_at: ctx.now,
        deadline: d.deadline,
        deadline_date: d.deadlineDate,
        remind_at_5: remind5,
        remind_at_8: remind8,
        created_at: ctx.now,
        updated_at: ctx.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await requestNotices(trx, 'sharing.request.create', row, null, ctx.now);
    await record(trx, ctx, {
      action: 'sharing.request.create',
      target: { type: 'sharing_request', id: row.id, label: auditResource(row) },
      departmentId: actor.departmentId,
      summary: { after: { resourceId: info.id, fields: row.fields, wholeResource: row.whole_resource, purpose: row.purpose, validFrom: row.valid_from, validTo: row.valid_to, deadlineDate: row.deadline_date } },
    });
    return row.id;
  });
  return getRequest(db, ctx, id);
}

export async function getRequest(db: Kysely<DB>, ctx: Ctx, id: string): Promise<RequestDto> {
  const actor = requireSharingActor(ctx);
  const row = await repo.findRequest(db, id);
  if (!row) throw requestNotFound();
  if (!(await relation(db, actor, row)).sees) throw new AppError('OUT_OF_SCOPE', { messageZh: '只能查看本部门（或管辖范围内）的共享申请' });
  return (await requestDtos(db, [row], ctx.now))[0];
}

export interface ListRequestsQuery {
  page?: number;
  pageSize?: number;
  status?: RequestRow['status'];
  resourceId?: string;
  role?: Role;
  overdue?: boolean;
  q?: string;
  receivedFrom?: string;
  receivedTo?: string;
}

/** Rows whose resource name or code contains the words (a LIKE pattern, its wildcards escaped). */
export function resourceLike(q: string | undefined) {
  const words = q?.trim();
  if (!words) return null;
  const pattern = `%${words.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return <T extends 'sharing.request' | 'sharing.grant'>(eb: ExpressionBuilder<DB, T>) =>
    eb.or([eb(sql.ref<string>('resource_name'), 'ilike', pattern), eb(sql.ref<string>('resource_code'), 'ilike', pattern)]);
}

/** The start of a CST day, for received-between filters. */
const cstDayStart = (day: string) => new Date(`${day}T00:00:00+08:00`);

/** A department's requests as consumer and as provider; an authority's, all in its scope. */
export async function listRequests(db: Kysely<DB>, ctx: Ctx, q: ListRequestsQuery): Promise<Page<RequestDto>> {
  const actor = requireSharingActor(ctx);
  const { page, pageSize, offset, limit } = paging(q);
  let query = db.selectFrom('sharing.request').where(visibleTo<'sharing.request'>(db, actor, q.role));
  if (q.status) query = query.where('status', '=', q.status);
  if (q.resourceId) query = query.where('resource_id', '=', q.resourceId);
  if (q.overdue === true) query = query.where('status', '=', 'pending').where('deadline', '<', ctx.now);
  if (q.overdue === false) query = query.where((eb) => eb.or([eb('status', '!=', 'pending'), eb('deadline', '>=', ctx.now)]));
  const like = resourceLike(q.q);
  if (like) query = query.where(like);
  if (q.receivedFrom) query = query.where('received_at', '>=', cstDayStart(q.receivedFrom));
  if (q.receivedTo) query = query.where('received_at', '<', new Date(cstDayStart(q.receivedTo).getTime() + 86_400_000));
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('created_at', 'desc').orderBy('id').offset(offset).limit(limit).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await requestDtos(db, rows, ctx.now), total: Number(count.n), page, pageSize };
}

/**
 * One step of a request's life on the locked row: who may act (consumer / provider / arbitrator)
 * and from which states, the change, its audit entry — one transaction.
 */
async function step(
  db: Kysely<DB>,
  ctx: Ctx,
  id: string,
  opts: { action: string; who: 'consumer' | 'provider' | 'arbitrator'; from: RequestRow['status'][] },
  change: (trx: Transaction<DB>, row: RequestRow) => Promise<Record<string, unknown>>,
) {
  const actor = requireSharingActor(ctx);
  await db.transaction().execute(async (trx) => {
    const row = await repo.lockRequest(trx, id);
    if (!row) throw requestNotFound();
    const rel = await relation(trx, actor, row);
    if (!rel[opts.who]) throw new AppError(rel.sees ? 'FORBIDDEN' : 'OUT_OF_SCOPE', { messageZh: WHO_ZH[opts.who] });
    if (!opts.from.includes(row.status)) {
      throw new AppError('CONFLICT', {
        message: `Not possible while the request is ${row.status}`,
        messageZh: `共享申请当前状态（${STATUS_ZH[row.status]}）不允许此操作`,
        extra: { status: row.status },
      });
    }
    const after = await change(trx, row);
    await requestNotices(trx, opts.action, row, typeof after.reasons === 'string' ? after.reasons : null, ctx.now);
    await record(trx, ctx, {
      action: opts.action,
      target: { type: 'sharing_request', id, label: auditResource(row) },
      departmentId: opts.who === 'consumer' ? row.consumer_department_id : row.provider_department_id,
      summary: { before: { status: row.status }, after },
    });
  });
  return getRequest(db, ctx, id);
}

const WHO_ZH = {
  consumer: '只有申请部门可以执行此操作',
  provider: '只有提供部门可以答复共享申请',
  arbitrator: '只有提供部门所在层级的共享主管部门可以裁决',
} as const;

export const STATUS_ZH: Record<RequestRow['status'], string> = {
  pending: '待答复',
  approved: '已同意',
  refused: '已拒绝',
  escalated: '已提请裁决',
  arbitration_approved: '裁决同意共享',
  arbitration_refused: '裁决不予共享',
};

/** Grants what a request (as approved) covers, inside the step's transaction, audited. */
async function grantFromRequest(trx: Transaction<DB>, ctx: Ctx, row: RequestRow, fields: string[], validTo: string) {
  const info = await resourceShareInfo(trx, row.resource_id);
  if (!info?.published) {
    throw new AppError('CONFLICT', { message: 'The resource is no longer published', messageZh: '该信息资源已不在发布状态，不能授权' });
  }
  const g = await repo.insertGrant(trx, {
    resource_id: row.resource_id,
    resource_code: row.resource_code,
    resource_name: row.resource_name,
    provider_department_id: row.provider_department_id,
    consumer_department_id: row.consumer_department_id,
    kind: 'conditional',
    request_id: row.id,
    fields,
    whole_resource: row.whole_resource && fields.length === row.fields.length,
    purpose: row.purpose,
    valid_from: row.valid_from,
    valid_to: validTo,
    granted_by: ctx.actor!.name,
    granted_at: ctx.now,
  });
  await record(trx, ctx, {
    action: 'sharing.grant.create',
    target: { type: 'sharing_grant', id: g.id, label: auditResource(g) },
    departmentId: row.provider_department_id,
    summary: { after: { kind: 'conditional', requestId: row.id, fields, purpose: g.purpose, validFrom: g.valid_from, validTo } },
  });
  return g;
}

/** The provider approves, possibly narrowing the fields or shortening the period; the grant follows. */
export function approveRequest(db: Kysely<DB>, ctx: Ctx, id: string, input: { fields?: string[]; validTo?: string; reasons?: string }) {
  return step(db, ctx, id, { action: 'sharing.request.approve', who: 'provider', from: ['pending'] }, async (trx, row) => {
    const fields = input.fields ? [...new Set(input.fields)] : row.fields;
    const extra = fields.filter((f) => !row.fields.includes(f));
    if (extra.length) throw rule('/body/fields', `only fields applied for can be approved: ${extra.join(', ')}`, `只能在申请的信息项范围内同意：${extra.join('、')} 未申请`);
    const validTo = input.validTo ?? row.valid_to;
    const period = periodErrors(row.valid_from, validTo, cstDate(ctx.now));
    if (period.length) throw new AppError('RULE_VIOLATION', { fields: period });
    if (validTo > row.valid_to) throw rule('/body/validTo', `the period can only be shortened (applied for until ${row.valid_to})`, `只能缩短使用期限（申请期限至 ${row.valid_to}）`);
    const grant = await grantFromRequest(trx, ctx, row, fields, validTo);
    await trx
      .updateTable('sharing.request')
      .set({ status: 'approved', answered_at: ctx.now, answered_by: ctx.actor!.name, answer_reasons: input.reasons?.trim() || null, approved_fields: repo.textArray(fields), approved_valid_to: validTo, grant_id: grant.id, updated_at: ctx.now })
      .where('id', '=', id)
      .execute();
    return { status: 'approved', fields, validTo, grantId: grant.id, onTime: ctx.now <= row.deadline };
  });
}

/** The provider refuses; a refusal must give its reasons (R-SHR-2). */
export function refuseRequest(db: Kysely<DB>, ctx: Ctx, id: string, reasons: string | undefined) {
  if (blank(reasons)) throw rule('/body/reasons', 'a refusal must give its reasons', '拒绝共享必须说明理由');
  return step(db, ctx, id, { action: 'sharing.request.refuse', who: 'provider', from: ['pending'] }, async (trx, row) => {
    await trx.updateTable('sharing.request').set({ status: 'refused', answered_at: ctx.now, answered_by: ctx.actor!.name, answer_reasons: reasons!.trim(), updated_at: ctx.now }).where('id', '=', id).execute();
    return { status: 'refused', reasons: reasons!.trim(), onTime: ctx.now <= row.deadline };
  });
}

/**
 * The consumer takes a refusal (or a request left unanswered past its deadline) to the sharing
 * authority at the provider's level.
 */
export function escalateRequest(db: Kysely<DB>, ctx: Ctx, id: string, reasons: string | undefined) {
  if (blank(reasons)) throw rule('/body/reasons', 'give the reasons for the escalation', '提请裁决必须说明理由');
  return step(db, ctx, id, { action: 'sharing.request.escalate', who: 'consumer', from: ['refused', 'pending'] }, async (trx, row) => {
    if (row.status === 'pending' && ctx.now <= row.deadline) {
      throw new AppError('CONFLICT', {
        message: `The provider has until ${row.deadline_date} to answer`,
        messageZh: `提供部门的答复期限为 ${row.deadline_date}，期限届满前不能提请裁决`,
        extra: { status: row.status, deadlineDate: row.deadline_date },
      });
    }
    await trx.updateTable('sharing.request').set({ status: 'escalated', escalated_at: ctx.now, escalated_by: ctx.actor!.name, escalation_reasons: reasons!.trim(), updated_at: ctx.now }).where('id', '=', id).execute();
    return { status: 'escalated', reasons: reasons!.trim() };
  });
}

/** The sharing authority decides an escalated request; its decision is final. */
export function arbitrateRequest(db: Kysely<DB>, ctx: Ctx, id: string, input: { decision: 'approve' | 'refuse'; reasons?: string }) {
  if (blank(input.reasons)) throw rule('/body/reasons', 'give the reasons for the decision', '裁决必须说明理由');
  const reasons = input.reasons!.trim();
  return step(db, ctx, id, { action: 'sharing.request.arbitrate', who: 'arbitrator', from: ['escalated'] }, async (trx, row) => {
    const set = { arbitrated_at: ctx.now, arbitrated_by: ctx.actor!.name, arbitration_reasons: reasons, updated_at: ctx.now };
    if (input.decision === 'refuse') {
      await trx.updateTable('sharing.request').set({ ...set, status: 'arbitration_refused' }).where('id', '=', id).execute();
      return { status: 'arbitration_refused', decision: 'refuse', reasons };
    }
    const validTo = row.valid_to < cstDate(ctx.now) ? null : row.valid_to;
    if (!validTo) throw new AppError('CONFLICT', { message: 'The period applied for has ended', messageZh: '申请的使用期限已届满，不能裁决同意' });
    const grant = await grantFromRequest(trx, ctx, row, row.fields, validTo);
    await trx
      .updateTable('sharing.request')
      .set({ ...set, status: 'arbitration_approved', approved_fields: repo.textArray(row.fields), approved_valid_to: validTo, grant_id: grant.id })
      .where('id', '=', id)
      .execute();
    return { status: 'arbitration_approved', decision: 'approve', reasons, grantId: grant.id };
  });
}

// ---------------------------------------------------------------------------------------------
// Grants

export async function getGrant(db: Kysely<DB>, ctx: Ctx, id: string) {
  const actor = requireSharingActor(ctx);
  const row = await repo.findGrant(db, id);
  if (!row) throw grantNotFound();
  if (!(await relation(db, actor, row)).sees) throw new AppError('OUT_OF_SCOPE', { messageZh: '只能查看本部门（或管辖范围内）的共享授权' });
  return (await grantDtos(db, [row], ctx.now))[0];
}

export interface ListGrantsQuery {
  page?: number;
  pageSize?: number;
  status?: ReturnType<typeof grantState>;
  resourceId?: string;
  role?: Role;
  q?: string;
}

export async function listGrants(db: Kysely<DB>, ctx: Ctx, q: ListGrantsQuery) {
  const actor = requireSharingActor(ctx);
  const { page, pageSize, offset, limit } = paging(q);
  const today = cstDate(ctx.now);
  let query = db.selectFrom('sharing.grant').where(visibleTo<'sharing.grant'>(db, actor, q.role));
  if (q.resourceId) query = query.where('resource_id', '=', q.resourceId);
  const like = resourceLike(q.q);
  if (like) query = query.where(like);
  if (q.status === 'revoked') query = query.where('status', '=', 'revoked');
  if (q.status === 'expired') query = query.where('status', '=', 'active').where('valid_to', '<', today);
  if (q.status === 'not_yet_valid') query = query.where('status', '=', 'active').where('valid_from', '>', today);
  if (q.status === 'active') {
    query = query.where('status', '=', 'active').where('valid_from', '<=', today).where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', today)]));
  }
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('granted_at', 'desc').orderBy('id').offset(offset).limit(limit).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await grantDtos(db, rows, ctx.now), total: Number(count.n), page, pageSize };
}

/** The provider or the sharing authority revokes a grant, with reasons. */
export async function revokeGrant(db: Kysely<DB>, ctx: Ctx, id: string, reasons: string | undefined) {
  const actor = requireSharingActor(ctx);
  if (blank(reasons)) throw rule('/body/reasons', 'give the reasons for the revocation', '撤销授权必须说明理由');
  await db.transaction().execute(async (trx) => {
    const row = await repo.lockGrant(trx, id);
    if (!row) throw grantNotFound();
    const rel = await relation(trx, actor, row);
    if (!rel.provider && !rel.arbitrator) throw new AppError(rel.sees ? 'FORBIDDEN' : 'OUT_OF_SCOPE', { messageZh: '只有提供部门或共享主管部门可以撤销授权' });
    if (row.status !== 'active') throw new AppError('CONFLICT', { message: 'The grant is already revoked', messageZh: '该授权已撤销', extra: { status: row.status } });
    await trx.updateTable('sharing.grant').set({ status: 'revoked', revoked_at: ctx.now, revoked_by: actor.name, revoke_reasons: reasons!.trim() }).where('id', '=', id).execute();
    await notify(
      trx,
      { departmentId: row.consumer_department_id, kind: 'sharing.grant.revoked', title: `共享授权已撤销：${row.resource_name}`, body: `理由：${reasons!.trim()}`, link: '/sharing/grants', resourceId: row.resource_id },
      ctx.now,
    );
    await record(trx, ctx, {
      action: 'sharing.grant.revoke',
      target: { type: 'sharing_grant', id, label: auditResource(row) },
      departmentId: row.provider_department_id,
      summary: { before: { status: row.status }, after: { status: 'revoked', reasons: reasons!.trim() } },
    });
  });
  return getGrant(db, ctx, id);
}

/**
 * The grant that lets `consumerDepartmentId` use `fields` of `resourceId` for `purpose` at `now`,
 * or null. Answers from the grants only: not revoked, within its period, for the same purpose
 * (R-SHR-4, compared after trimming), covering every field asked for (none = the whole resource).
 */
export async function grantFor(db: Db, consumerDepartmentId: string, resourceId: string, fields: string[], purpose: string, now: Date): Promise<Grant | null> {
  const today = cstDate(now);
  const rows = await db
    .selectFrom('sharing.grant')
    .selectAll()
    .where('consumer_department_id', '=', consumerDepartmentId)
    .where('resource_id', '=', resourceId)
    .where('status', '=', 'active')
    .where('purpose', '=', purpose.trim())
    .where('valid_from', '<=', today)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', today)]))
    .orderBy('granted_at', 'desc')
    .execute();
  const hit = rows.find((g) => covers(g, fields));
  return hit ? toGrant(hit, now) : null;
}

// ---------------------------------------------------------------------------------------------
// Escalations about not-shared resources

/** A consumer's objection to a not-shared resource, recorded for the sharing authority. */
export async function createEscalation(db: Kysely<DB>, ctx: Ctx, input: { resourceId: string; reasons?: string }) {
  const actor = requireActor(ctx.actor);
  if (blank(input.reasons)) throw rule('/body/reasons', 'give the reasons', '请说明理由');
  const row = await db.transaction().execute(async (trx) => {
    const info = await sharedResource(trx, actor, input.resourceId);
    if (info.share!.type !== 'none' && !info.fields.some((f) => f.shareType === 'none')) {
      throw new AppError('RULE_VIOLATION', {
        message: 'The resource is shared: obtain a grant or apply for it instead',
        messageZh: '该信息资源可以共享，请直接获取授权或提出共享申请',
        fields: [{ field: '/body/resourceId', message: `share type ${info.share!.type}`, messageZh: '该资源可共享' }],
      });
    }
    const e = await trx
      .insertInto('sharing.escalation')
      .values({
        resource_id: info.id,
        resource_code: info.code,
        resource_name: info.name,
        provider_department_id: info.providerDepartmentId,
        consumer_department_id: actor.departmentId,
        reasons: input.reasons!.trim(),
        created_by: actor.name,
        created_at: ctx.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await record(trx, ctx, {
      action: 'sharing.escalation.create',
      target: { type: 'sharing_escalation', id: e.id, label: auditResource(e) },
      summary: { after: { resourceId: info.id, reasons: e.reasons, legalBasis: info.share!.legalBasis ?? null } },
    });
    return e;
  });
  return (await escalationDtos(db, [row]))[0];
}

export async function listEscalations(db: Kysely<DB>, ctx: Ctx, q: { page?: number; pageSize?: number; resourceId?: string; role?: Role; status?: EscalationRow['status'] }) {
  const actor = requireSharingActor(ctx);
  const { page, pageSize, offset, limit } = paging(q);
  let query = db.selectFrom('sharing.escalation').where(visibleTo<'sharing.escalation'>(db, actor, q.role));
  if (q.resourceId) query = query.where('resource_id', '=', q.resourceId);
  if (q.status) query = query.where('status', '=', q.status);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('created_at', 'desc').orderBy('id').offset(offset).limit(limit).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await escalationDtos(db, rows), total: Number(count.n), page, pageSize };
}

/** A grant by id as other modules see it (the exchange checks a task target's grant on every batch). */
export async function grantById(db: Db, id: string, now: Date): Promise<Grant | null> {
  const row = await db.selectFrom('sharing.grant').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toGrant(row, now) : null;
}
