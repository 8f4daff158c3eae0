import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { RequestContext } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import { paging, type Page } from '../../kernel/pagination.ts';
import { record } from '../audit/index.ts';
import { allows, departmentIdsInScope, departmentsById, departmentTarget, requireActor, requireScope, scopeFor, type Actor } from '../identity/index.ts';
import { diffContent, submissionErrors, type EntryContent } from './domain/entry.ts';
import * as repo from './catalog.repository.ts';
import { pageOfMatches, whereMatches } from './catalog.search.ts';
import { notifySubscribers } from './catalog.subscriptions.ts';

type Ctx = RequestContext<Actor>;
type Row = NonNullable<Awaited<ReturnType<typeof repo.findResource>>>;
type VersionRow = NonNullable<Awaited<ReturnType<typeof repo.findVersion>>>;

const notFound = () => new AppError('NOT_FOUND', { message: 'Catalog entry not found', messageZh: '目录条目不存在' });

/** Owners (catalog.manage over the provider) and reviewers (catalog.review) see every version. */
async function insiderOf(db: Kysely<DB>, actor: Actor, providerId: string): Promise<{ manage: boolean; review: boolean }> {
  const target = await departmentTarget(db, providerId);
  if (!target) return { manage: false, review: false };
  return { manage: allows(actor, 'catalog.manage', target), review: allows(actor, 'catalog.review', target) };
}

const isPublic = (r: Row) => r.published_version !== null && r.status !== 'withdrawn';

async function toDtos(db: Kysely<DB> | Transaction<DB>, rows: Omit<Row, 'search_tokens'>[]) {
  const depts = await departmentsById(db as Kysely<DB>, rows.map((r) => r.provider_department_id));
  const classes = rows.length
    ? await db.selectFrom('catalog.classification').select(['code', 'name']).where('code', 'in', [...new Set(rows.map((r) => r.classification_code))]).execute()
    : [];
  const className = new Map(classes.map((c) => [c.code, c.name]));
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    status: r.status,
    latestVersion: r.latest_version,
    publishedVersion: r.published_version,
    providerDepartmentId: r.provider_department_id,
    providerDepartmentName: depts.get(r.provider_department_id)?.name ?? '',
    providerCode: depts.get(r.provider_department_id)?.uscc ?? '',
    classificationCode: r.classification_code,
    classificationName: className.get(r.classification_code) ?? '',
    isBase: r.is_base,
    name: r.name,
    summary: r.summary,
    shareType: r.share_type,
    openType: r.open_type,
    updateCycle: r.update_cycle,
    format: r.format,
    publishedAt: r.published_at ? r.published_at.toISOString() : null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  }));
}
export type ResourceDto = Awaited<ReturnType<typeof toDtos>>[number];

const versionDto = (v: VersionRow) => ({
  version: v.version,
  state: v.state,
  content: v.content as EntryContent,
  createdBy: v.created_by,
  createdAt: v.created_at.toISOString(),
  submittedAt: v.submitted_at ? v.submitted_at.toISOString() : null,
  reviewedBy: v.reviewed_by,
  reviewedAt: v.reviewed_at ? v.reviewed_at.toISOString() : null,
  reviewNote: v.review_note,
});

export interface ListQuery {
  page?: number;
  pageSize?: number;
  q?: string;
  status?: string;
  providerDepartmentId?: string;
  /** Providers in this division and below. */
  divisionCode?: string;
  classificationCode?: string;
  shareType?: string;
  openType?: string;
  updateCycle?: string;
}

/**
 * Published entries for everyone with catalog.read; the rest (drafts, submissions, withdrawn) only
 * for the departments whose entries the actor manages or reviews.
 */
export async function listResources(db: Kysely<DB>, ctx: Ctx, q: ListQuery): Promise<Page<ResourceDto> & { totalIsEstimate: boolean }> {
  const actor = requireActor(ctx.actor);
  requireScope(actor, 'catalog.read');
  const { page, pageSize, offset, limit } = paging(q);
  const inside = [
    ...(allowsAny(actor, 'catalog.manage') ? [departmentIdsInScope(db, actor, 'catalog.manage')] : []),
    ...(allowsAny(actor, 'catalog.review') ? [departmentIdsInScope(db, actor, 'catalog.review')] : []),
  ];
  let query = db.selectFrom('catalog.resource as r').where((eb) =>
    eb.or([
      eb.and([eb('r.published_version', 'is not', null), eb('r.status', '!=', 'withdrawn')]),
      ...inside.map((sub) => eb('r.provider_department_id', 'in', sub)),
    ]),
  );
  // Every token of the query must be among the entry's tokens (GIN index); a resource code matches as is.
  if (q.q) query = whereMatches(query, q.q);
  if (q.status) query = query.where('r.status', '=', q.status as Row['status']);
  if (q.providerDepartmentId) query = query.where('r.provider_department_id', '=', q.providerDepartmentId);
  if (q.divisionCode) {
    const code = q.divisionCode;
    query = query.where('r.provider_department_id', 'in', (eb) =>
      eb
        .selectFrom('identity.department as fd')
        .innerJoin('identity.division as fv', 'fv.code', 'fd.division_code')
        .select('fd.id')
        .where('fv.path', 'like', eb.selectFrom('identity.division as tv').select(sql<string>`tv.path || '%'`.as('prefix')).where('tv.code', '=', code)),
    );
  }
  if (q.classificationCode) query = query.where('r.classification_code', 'like', `${q.classificationCode}%`);
  if (q.shareType) query = query.where('r.share_type', '=', q.shareType);
  if (q.openType) query = query.where('r.open_type', '=', q.openType);
  if (q.updateCycle) query = query.where('r.update_cycle', '=', q.updateCycle);
  // In code order; the total is exact up to SEARCH_COUNT_CAP, beyond it "1,000+" (docs/adr/0010).
  const { rows, total, totalIsEstimate } = await pageOfMatches(query, offset, limit);
  return { items: await toDtos(db, rows), total, totalIsEstimate, page, pageSize };
}

const allowsAny = (actor: Actor, p: 'catalog.manage' | 'catalog.review') => scopeFor(actor, p) !== null;

/** One entry with the version the actor may see: the newest for insiders, the published one otherwise. */
export async function getResource(db: Kysely<DB>, ctx: Ctx, id: string, version?: number) {
  const actor = requireActor(ctx.actor);
  requireScope(actor, 'catalog.read');
  const row = await repo.findResource(db, id);
  if (!row) throw notFound();
  const insider = await insiderOf(db, actor, row.provider_department_id);
  const isInsider = insider.manage || insider.review;
  if (!isInsider && !isPublic(row)) throw new AppError('OUT_OF_SCOPE', { message: 'This entry is not published', messageZh: '该目录条目尚未发布，仅提供部门和共享主管部门可见' });
  const wanted = version ?? (isInsider ? row.latest_version : row.published_version!);
  if (!isInsider && wanted !== row.published_version) throw new AppError('OUT_OF_SCOPE', { messageZh: '只能查看已发布的版本' });
  const v = await repo.findVersion(db, id, wanted);
  if (!v) throw new AppError('NOT_FOUND', { message: `Version ${wanted} does not exist`, messageZh: `版本 ${wanted} 不存在` });
  const [dto] = await toDtos(db, [row]);
  return { ...dto, version: versionDto(v), viewer: insider };
}

export async function listResourceVersions(db: Kysely<DB>, ctx: Ctx, id: string) {
  const actor = requireActor(ctx.actor);
  const row = await repo.findResource(db, id);
  if (!row) throw notFound();
  const insider = await insiderOf(db, actor, row.provider_department_id);
  const versions = await repo.listVersions(db, id);
  const visible = insider.manage || insider.review ? versions : versions.filter((v) => v.state === 'published' || v.state === 'superseded');
  if (!visible.length) throw new AppError('OUT_OF_SCOPE', { messageZh: '该目录条目尚未发布' });
  return visible.map(versionDto);
}

export async function diffVersions(db: Kysely<DB>, ctx: Ctx, id: string, from: number, to: number) {
  const a = await getResource(db, ctx, id, from);
  const b = await getResource(db, ctx, id, to);
  return { from, to, changes: diffContent(a.version.content, b.version.content) };
}

async function checkClassification(db: Kysely<DB> | Transaction<DB>, code: string) {
  const c = await repo.findClassification(db, code);
  if (!c) {
    throw new AppError('RULE_VIOLATION', { fields: [{ field: '/body/content/classificationCode', message: `classification ${code} does not exist`, messageZh: `分类 ${code} 不存在` }] });
  }
}

/** A data officer catalogues a resource of their department: a draft, version 1, with a new code. */
export async function createResource(db: Kysely<DB>, ctx: Ctx, input: { providerDepartmentId?: string; content: EntryContent }) {
  const actor = requireActor(ctx.actor);
  const providerId = input.providerDepartmentId ?? actor.departmentId;
  const target = await departmentTarget(db, providerId);
  if (!target) throw new AppError('RULE_VIOLATION', { fields: [{ field: '/body/providerDepartmentId', message: 'department does not exist', messageZh: '部门不存在' }] });
  if (!allows(actor, 'catalog.manage', target)) throw new AppError('OUT_OF_SCOPE', { messageZh: '只能为本人管理范围内的部门编目' });
  await checkClassification(db, input.content.classificationCode);
  const isBase = await repo.isBaseClassification(db, input.content.classificationCode);
  return db.transaction().execute(async (trx) => {
    const code = await repo.nextResourceCode(trx, input.content.classificationCode);
    const row = await trx
      .insertInto('catalog.resource')
      .values({ code, provider_department_id: providerId, status: 'draft', latest_version: 1, is_base: isBase, created_at: ctx.now, updated_at: ctx.now, ...repo.summaryColumns(input.content) })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('catalog.resource_version')
      .values({ resource_id: row.id, version: 1, content: repo.contentJson(input.content), state: 'draft', created_by: actor.name, created_at: ctx.now, updated_at: ctx.now })
      .execute();
    await record(trx, ctx, { action: 'catalog.resource.create', target: { type: 'catalog_resource', id: row.id, label: `${code} ${row.name}` }, departmentId: providerId, summary: { after: { code, name: row.name, shareType: row.share_type } } });
    return row.id;
  });
}

/**
 * Runs one lifecycle step on a locked resource: checks who may act and from which states, applies
 * `change`, audits it. Every step is one transaction.
 */
async function step(
  db: Kysely<DB>,
  ctx: Ctx,
  id: string,
  opts: { action: string; permission: 'catalog.manage' | 'catalog.review' | 'either'; from: Row['status'][]; summary?: Record<string, unknown> },
  change: (trx: Transaction<DB>, row: Row) => Promise<void>,
) {
  const actor = requireActor(ctx.actor);
  await db.transaction().execute(async (trx) => {
    const row = await repo.lockResource(trx, id);
    if (!row) throw notFound();
    // Inside the transaction: on the embedded database another connection would wait for this one.
    const insider = await insiderOf(trx, actor, row.provider_department_id);
    const ok = opts.permission === 'either' ? insider.manage || insider.review : opts.permission === 'catalog.manage' ? insider.manage : insider.review;
    if (!ok) throw new AppError(isPublic(row) || insider.manage || insider.review ? 'FORBIDDEN' : 'OUT_OF_SCOPE');
    if (!opts.from.includes(row.status)) {
      throw new AppError('CONFLICT', {
        message: `Not possible while the entry is ${row.status}`,
        messageZh: `目录条目当前状态（${STATUS_ZH[row.status]}）不允许此操作`,
        extra: { status: row.status },
      });
    }
    await change(trx, row);
    await record(trx, ctx, { action: opts.action, target: { type: 'catalog_resource', id, label: `${row.code} ${row.name}` }, departmentId: row.provider_department_id, summary: { before: { status: row.status }, ...opts.summary } });
  });
  return getResource(db, ctx, id);
}

export const STATUS_ZH: Record<Row['status'], string> = { draft: '草稿', submitted: '待审核', returned: '已退回', published: '已发布', withdrawn: '已撤销' };

/** Edits the newest version while it is a draft or was returned. */
export function updateResource(db: Kysely<DB>, ctx: Ctx, id: string, content: EntryContent) {
  return step(db, ctx, id, { action: 'catalog.resource.update', permission: 'catalog.manage', from: ['draft', 'returned'] }, async (trx, row) => {
    // The code was derived from the classification: an entry keeps it once the code is out there.
    if (row.published_version !== null && content.classificationCode !== row.classification_code) {
      throw new AppError('RULE_VIOLATION', { fields: [{ field: '/body/content/classificationCode', message: 'a published entry keeps its classification', messageZh: '已发布的目录条目不能变更分类' }] });
    }
    await checkClassification(trx, content.classificationCode);
    const isBase = await repo.isBaseClassification(trx, content.classificationCode);
    await trx.updateTable('catalog.resource_version').set({ content: repo.contentJson(content), updated_at: ctx.now }).where('resource_id', '=', id).where('version', '=', row.latest_version).execute();
    await trx.updateTable('catalog.resource').set({ ...repo.summaryColumns(content), is_base: isBase, updated_at: ctx.now }).where('id', '=', id).execute();
  });
}

/** Sends the newest version to the sharing authority, once it meets R-CAT-2 and R-CAT-3. */
export function submitResource(db: Kysely<DB>, ctx: Ctx, id: string) {
  return step(db, ctx, id, { action: 'catalog.resource.submit', permission: 'catalog.manage', from: ['draft', 'returned'] }, async (trx, row) => {
    const v = (await repo.findVersion(trx, id, row.latest_version))!;
    const errors = submissionErrors(v.content as EntryContent, row.is_base);
    if (errors.length) throw new AppError('RULE_VIOLATION', { message: 'The entry cannot be submitted yet', messageZh: '目录条目不满足提交条件', fields: errors });
    await trx.updateTable('catalog.resource_version').set({ state: 'submitted', submitted_at: ctx.now, updated_at: ctx.now }).where('resource_id', '=', id).where('version', '=', row.latest_version).execute();
    await repo.setStatus(trx, id, 'submitted', ctx.now);
  });
}

/** The sharing authority confirms (publishes) the version, or returns it with reasons. */
export function reviewResource(db: Kysely<DB>, ctx: Ctx, id: string, input: { decision: 'approve' | 'return'; reasons?: string }) {
  if (input.decision === 'return' && !input.reasons?.trim()) {
    throw new AppError('RULE_VIOLATION', { fields: [{ field: '/body/reasons', message: 'give the reasons for returning', messageZh: '退回时必须说明理由' }] });
  }
  const action = input.decision === 'approve' ? 'catalog.resource.publish' : 'catalog.resource.return';
  return step(db, ctx, id, { action, permission: 'catalog.review', from: ['submitted'], summary: { after: { decision: input.decision, reasons: input.reasons ?? null } } }, async (trx, row) => {
    const reviewer = ctx.actor!.name;
    const version = row.latest_version;
    if (input.decision === 'return') {
      await trx.updateTable('catalog.resource_version').set({ state: 'returned', reviewed_by: reviewer, reviewed_at: ctx.now, review_note: input.reasons!.trim(), updated_at: ctx.now }).where('resource_id', '=', id).where('version', '=', version).execute();
      await repo.setStatus(trx, id, 'returned', ctx.now);
      return;
    }
    if (row.published_version !== null) {
      await trx.updateTable('catalog.resource_version').set({ state: 'superseded', updated_at: ctx.now }).where('resource_id', '=', id).where('version', '=', row.published_version).execute();
    }
    await trx.updateTable('catalog.resource_version').set({ state: 'published', reviewed_by: reviewer, reviewed_at: ctx.now, review_note: input.reasons?.trim() || null, updated_at: ctx.now }).where('resource_id', '=', id).where('version', '=', version).execute();
    await repo.setStatus(trx, id, 'published', ctx.now, { published_version: version, published_at: ctx.now });
    if (version > 1) await notifySubscribers(trx, ctx, row, { kind: 'new_version', version });
  });
}

/** Starts a revision of a published entry: a new draft version; the published one stays visible. */
export function reviseResource(db: Kysely<DB>, ctx: Ctx, id: string) {
  return step(db, ctx, id, { action: 'catalog.resource.revise', permission: 'catalog.manage', from: ['published'] }, async (trx, row) => {
    const current = (await repo.findVersion(trx, id, row.latest_version))!;
    const next = row.latest_version + 1;
    await trx
      .insertInto('catalog.resource_version')
      .values({ resource_id: id, version: next, content: repo.contentJson(current.content as EntryContent), state: 'draft', created_by: ctx.actor!.name, created_at: ctx.now, updated_at: ctx.now })
      .execute();
    await repo.setStatus(trx, id, 'draft', ctx.now, { latest_version: next });
  });
}

/** Withdraws an entry (its code is never reused); the provider or the authority may do it. */
export function withdrawResource(db: Kysely<DB>, ctx: Ctx, id: string, reasons: string) {
  return step(db, ctx, id, { action: 'catalog.resource.withdraw', permission: 'either', from: ['published', 'draft', 'submitted', 'returned'], summary: { after: { status: 'withdrawn', reasons } } }, async (trx, row) => {
    if (row.published_version !== null) {
      await trx.updateTable('catalog.resource_version').set({ state: 'withdrawn', review_note: reasons, updated_at: ctx.now }).where('resource_id', '=', id).where('version', '=', row.published_version).execute();
    }
    await repo.setStatus(trx, id, 'withdrawn', ctx.now, { withdrawn_at: ctx.now });
    await notifySubscribers(trx, ctx, row, { kind: 'withdrawn', reasons });
  });
}
