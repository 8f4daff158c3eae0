import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { AppError } from '../../kernel/errors.ts';
import { paging, type Page } from '../../kernel/pagination.ts';
import { record } from '../audit/index.ts';
import { resourceShareInfo } from '../catalog/index.ts';
import { allows, departmentIdsInScope, departmentsById, departmentTarget, requireActor } from '../identity/index.ts';
import { notify } from '../notifications/index.ts';
import { blank, rule, type Ctx } from './sharing.service.ts';
import { FAILING_KIND_ZH, parsePeriod, type FailingKind } from './sharing.stats.ts';

/**
 * Failings (五类问题, R-SHR-7) the sharing authority records by hand: misuse of shared data, other
 * failings, or any of the five kinds the figures do not show. The computed ones live in
 * sharing.stats.ts; both are counted in the statistics and the yearly report.
 */

type Db = Kysely<DB> | Transaction<DB>;
const findFailing = (db: Db, id: string) => db.selectFrom('sharing.failing').selectAll().where('id', '=', id).executeTakeFirst();
type FailingRow = NonNullable<Awaited<ReturnType<typeof findFailing>>>;

async function failingDtos(db: Db, rows: FailingRow[]) {
  const depts = await departmentsById(db as Kysely<DB>, rows.flatMap((r) => [r.department_id, r.recorded_by_department_id]));
  return rows.map((r) => ({
    id: r.id,
    departmentId: r.department_id,
    departmentName: depts.get(r.department_id)?.name ?? '',
    kind: r.kind,
    kindZh: FAILING_KIND_ZH[r.kind],
    description: r.description,
    evidence: r.evidence,
    resourceId: r.resource_id,
    resourceCode: r.resource_code,
    resourceName: r.resource_name,
    recordedBy: r.recorded_by,
    recordedByDepartmentId: r.recorded_by_department_id,
    recordedByDepartmentName: depts.get(r.recorded_by_department_id)?.name ?? '',
    recordedAt: r.recorded_at.toISOString(),
  }));
}
export type FailingDto = Awaited<ReturnType<typeof failingDtos>>[number];

export interface RecordFailingInput {
  departmentId: string;
  kind: FailingKind;
  description: string;
  evidence: string;
  resourceId?: string;
}

/** The sharing authority over the department records a failing; the department gets a notice. */
export async function recordFailing(db: Kysely<DB>, ctx: Ctx, input: RecordFailingInput): Promise<FailingDto> {
  const actor = requireActor(ctx.actor);
  const missing = (['description', 'evidence'] as const).filter((k) => blank(input[k]));
  if (missing.length) throw new AppError('RULE_VIOLATION', { fields: missing.map((k) => ({ field: `/body/${k}`, message: 'is required', messageZh: '必填' })) });
  const row = await db.transaction().execute(async (trx) => {
    // One query after the other: inside a transaction they share one session.
    const dept = await departmentTarget(trx as unknown as Kysely<DB>, input.departmentId);
    if (!dept) throw rule('/body/departmentId', 'department does not exist', '部门不存在');
    if (!allows(actor, 'sharing.arbitrate', dept)) throw new AppError('OUT_OF_SCOPE', { messageZh: '只有该部门所在层级（或上级）的共享主管部门可以登记问题' });
    let resource: { id: string; code: string; name: string } | null = null;
    if (input.resourceId) {
      const info = await resourceShareInfo(trx, input.resourceId);
      if (!info) throw rule('/body/resourceId', 'catalog entry does not exist', '目录条目不存在');
      if (info.providerDepartmentId !== input.departmentId) throw rule('/body/resourceId', 'the resource is not the department’s', '该信息资源不属于该部门');
      resource = { id: info.id, code: info.code, name: info.name };
    }
    const f = await trx
      .insertInto('sharing.failing')
      .values({
        department_id: input.departmentId,
        kind: input.kind,
        description: input.description.trim(),
        evidence: input.evidence.trim(),
        resource_id: resource?.id ?? null,
        resource_code: resource?.code ?? null,
        resource_name: resource?.name ?? null,
        recorded_by: actor.name,
        recorded_by_department_id: actor.departmentId,
        recorded_at: ctx.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await notify(
      trx,
      {
        departmentId: f.department_id,
        kind: 'sharing.failing.recorded',
        title: `共享主管部门登记问题：${FAILING_KIND_ZH[f.kind]}`,
        body: `${f.description}${f.resource_name ? `（${f.resource_code} ${f.resource_name}）` : ''}。请及时整改。`,
        link: '/stats?tab=failings',
        resourceId: f.resource_id,
      },
      ctx.now,
    );
    await record(trx, ctx, {
      action: 'sharing.failing.create',
      target: { type: 'sharing_failing', id: f.id, label: `${FAILING_KIND_ZH[f.kind]} ${dept.name}` },
      departmentId: f.department_id,
      summary: { after: { departmentId: f.department_id, kind: f.kind, description: f.description, evidence: f.evidence, resourceId: f.resource_id } },
    });
    return f;
  });
  return (await failingDtos(db, [row]))[0];
}

export interface ListFailingsQuery {
  page?: number;
  pageSize?: number;
  departmentId?: string;
  kind?: FailingKind;
  from?: string;
  to?: string;
}

/** Recorded failings of the departments in the actor's catalog.read scope, newest first; the period filters the recording day. */
export async function listFailings(db: Kysely<DB>, ctx: Ctx, q: ListFailingsQuery): Promise<Page<FailingDto>> {
  const actor = requireActor(ctx.actor);
  const { page, pageSize, offset, limit } = paging(q);
  let query = db.selectFrom('sharing.failing').where('department_id', 'in', departmentIdsInScope(db, actor, 'catalog.read'));
  if (q.from || q.to) {
    const { range } = parsePeriod({ from: q.from ?? '2000-01-01', to: q.to ?? '2999-12-31' }, ctx.now, { maxYears: Infinity });
    query = query.where('recorded_at', '>=', range.from).where('recorded_at', '<', range.to);
  }
  if (q.departmentId) query = query.where('department_id', '=', q.departmentId);
  if (q.kind) query = query.where('kind', '=', q.kind);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('recorded_at', 'desc').orderBy('id').offset(offset).limit(limit).execute(),
    query.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await failingDtos(db, rows), total: Number(count.n), page, pageSize };
}
