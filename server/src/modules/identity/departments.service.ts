import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { record } from '../audit/index.ts';
import type { RequestContext } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import { checkUscc } from '../../kernel/ids/index.ts';
import { paging, type Page } from '../../kernel/pagination.ts';
import type { Actor } from './domain/actor.ts';
import { DEPARTMENT_KINDS, type DepartmentKind } from './domain/department-kinds.ts';
import type { IdentityDeps } from './identity.deps.ts';
import { assertCovers, departmentTarget, requireActor, scopeCondition } from './identity.policy.ts';

type Ctx = RequestContext<Actor>;

const LEGACY_WARNING = '统一社会信用代码校验位不符，按历史代码登记 / legacy code: the check character does not match';

function baseQuery(db: Kysely<DB> | Transaction<DB>) {
  return db
    .selectFrom('identity.department as d')
    .innerJoin('identity.division as v', 'v.code', 'd.division_code')
    .leftJoin('identity.department as p', 'p.id', 'd.parent_id')
    .select([
      'd.id',
      'd.name',
      'd.short_name',
      'd.uscc',
      'd.legacy_code',
      'd.division_code',
      'v.name as division_name',
      'v.path as division_path',
      'd.parent_id',
      'p.name as parent_name',
      'd.kind',
      'd.enabled',
      'd.created_at',
      'd.updated_at',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

export function toDepartmentDto(r: Row) {
  return {
    id: r.id,
    name: r.name,
    shortName: r.short_name,
    uscc: r.uscc,
    legacyCode: r.legacy_code,
    usccWarning: r.legacy_code ? LEGACY_WARNING : null,
    divisionCode: r.division_code,
    divisionName: r.division_name,
    parentId: r.parent_id,
    parentName: r.parent_name,
    kind: r.kind,
    kindName: DEPARTMENT_KINDS[r.kind as DepartmentKind]?.zh ?? r.kind,
    enabled: r.enabled,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
export type DepartmentDto = ReturnType<typeof toDepartmentDto>;

/**
 * A code that passes GB 32100 is stored as is. One that fails only its check character may exist
 * in older registers and is accepted with `legacyCode: true`, shown with a warning. Anything else
 * (length, characters) is refused.
 */
function validateUscc(raw: string, legacy: boolean | undefined): { uscc: string; legacy: boolean } {
  const uscc = raw.trim().toUpperCase();
  const result = checkUscc(uscc);
  if (result.valid) return { uscc, legacy: false };
  const onlyCheck = result.errors.every((e) => e.code === 'checkCharacter');
  if (onlyCheck && legacy) return { uscc, legacy: true };
  throw new AppError('USCC_INVALID', {
    fields: result.errors.map((e) => ({ field: '/body/uscc', message: e.message, messageZh: e.messageZh })),
    extra: { legacyAllowed: onlyCheck },
  });
}

export async function listDepartments(
  deps: IdentityDeps,
  ctx: Ctx,
  q: { page?: number; pageSize?: number; q?: string; divisionCode?: string; includeSubdivisions?: boolean; kind?: string; parentId?: string },
): Promise<Page<DepartmentDto>> {
  const actor = requireActor(ctx.actor);
  const inScope = scopeCondition(actor, 'org.department.read');
  const { page, pageSize, offset, limit } = paging(q);
  let query = inScope(baseQuery(deps.db), 'd.id', 'v.path');
  if (q.q) query = query.where((eb) => eb.or([eb('d.name', 'ilike', `%${q.q}%`), eb('d.uscc', 'ilike', `%${q.q}%`), eb('d.short_name', 'ilike', `%${q.q}%`)]));
  if (q.kind) query = query.where('d.kind', '=', q.kind);
  if (q.parentId) query = query.where('d.parent_id', '=', q.parentId);
  if (q.divisionCode) {
    if (q.includeSubdivisions === false) query = query.where('d.division_code', '=', q.divisionCode);
    else query = query.where('v.path', 'like', `%/${q.divisionCode}/%`);
  }
  const [items, count] = await Promise.all([
    query.orderBy('v.path').orderBy('d.name').offset(offset).limit(limit).execute(),
    query.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: items.map(toDepartmentDto), total: Number(count.n), page, pageSize };
}

export async function getDepartment(deps: IdentityDeps, ctx: Ctx, id: string): Promise<DepartmentDto> {
  const actor = requireActor(ctx.actor);
  const row = await baseQuery(deps.db).where('d.id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', { messageZh: '部门不存在', message: 'Department not found' });
  assertCovers(actor, 'org.department.read', { departmentId: row.id, divisionPath: row.division_path });
  return toDepartmentDto(row);
}

export interface CreateDepartmentInput {
  name: string;
  shortName?: string;
  uscc: string;
  legacyCode?: boolean;
  divisionCode: string;
  parentId?: string;
  kind: DepartmentKind;
}

export async function createDepartment(deps: IdentityDeps, ctx: Ctx, input: CreateDepartmentInput): Promise<DepartmentDto> {
  const actor = requireActor(ctx.actor);
  const { uscc, legacy } = validateUscc(input.uscc, input.legacyCode);
  const division = await deps.db.selectFrom('identity.division').select(['code', 'path']).where('code', '=', input.divisionCode).executeTakeFirst();
  if (!division) {
    throw new AppError('DIVISION_NOT_FOUND', {
      fields: [{ field: '/body/divisionCode', message: `division ${input.divisionCode} does not exist`, messageZh: `行政区划 ${input.divisionCode} 不存在` }],
    });
  }
  // A department-scoped admin may only add units under their own department; a division-scoped
  // admin anywhere in their division and below.
  assertCovers(actor, 'org.department.manage', { departmentId: input.parentId ?? '', divisionPath: division.path });
  if (input.parentId) {
    const parent = await departmentTarget(deps.db, input.parentId);
    if (!parent) {
      throw new AppError('RULE_VIOLATION', { fields: [{ field: '/body/parentId', message: 'parent department does not exist', messageZh: '上级部门不存在' }] });
    }
    // A new unit under a department changes that department too: it must be in scope as well.
    assertCovers(actor, 'org.department.manage', parent);
    if (!division.path.startsWith(parent.divisionPath)) {
      throw new AppError('RULE_VIOLATION', {
        fields: [{ field: '/body/parentId', message: "the parent department's division must contain this one", messageZh: '上级部门所在区划必须包含本部门所在区划' }],
      });
    }
  }
  return deps.db.transaction().execute(async (trx) => {
    const dup = await trx.selectFrom('identity.department').select('id').where('uscc', '=', uscc).executeTakeFirst();
    if (dup) throw duplicateUscc(uscc);
    const inserted = await trx
      .insertInto('identity.department')
      .values({
        name: input.name.trim(),
        short_name: input.shortName?.trim() || null,
        uscc,
        legacy_code: legacy,
        division_code: input.divisionCode,
        parent_id: input.parentId ?? null,
        kind: input.kind,
        created_at: ctx.now,
        updated_at: ctx.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
      .catch((e) => {
        throw (e as { code?: string }).code === '23505' ? duplicateUscc(uscc) : e;
      });
    const dto = toDepartmentDto(await baseQuery(trx).where('d.id', '=', inserted.id).executeTakeFirstOrThrow());
    await record(trx, ctx, {
      action: 'identity.department.create',
      target: { type: 'department', id: dto.id, label: dto.name },
      departmentId: dto.id,
      summary: { after: { name: dto.name, uscc: dto.uscc, legacyCode: dto.legacyCode, divisionCode: dto.divisionCode, kind: dto.kind, parentId: dto.parentId } },
    });
    return dto;
  });
}

const duplicateUscc = (uscc: string) =>
  new AppError('DUPLICATE', {
    message: `A department with credit code ${uscc} already exists`,
    messageZh: `统一社会信用代码 ${uscc} 已被其他部门使用`,
    fields: [{ field: '/body/uscc', message: 'already registered', messageZh: '已被登记' }],
  });

export async function updateDepartment(
  deps: IdentityDeps,
  ctx: Ctx,
  id: string,
  input: { name?: string; shortName?: string; uscc?: string; legacyCode?: boolean; kind?: DepartmentKind; enabled?: boolean },
): Promise<DepartmentDto> {
  const actor = requireActor(ctx.actor);
  const target = await departmentTarget(deps.db, id);
  if (!target) throw new AppError('NOT_FOUND', { messageZh: '部门不存在', message: 'Department not found' });
  assertCovers(actor, 'org.department.manage', target);
  const usccChange = input.uscc !== undefined ? validateUscc(input.uscc, input.legacyCode) : null;
  return deps.db.transaction().execute(async (trx) => {
    const before = toDepartmentDto(await baseQuery(trx).where('d.id', '=', id).executeTakeFirstOrThrow());
    if (usccChange && usccChange.uscc !== before.uscc) {
      const dup = await trx.selectFrom('identity.department').select('id').where('uscc', '=', usccChange.uscc).executeTakeFirst();
      if (dup) throw duplicateUscc(usccChange.uscc);
    }
    await trx
      .updateTable('identity.department')
      .set({
        ...(input.name !== undefined ? { name: input.name.trim() } : {}),
        ...(input.shortName !== undefined ? { short_name: input.shortName.trim() || null } : {}),
        ...(usccChange ? { uscc: usccChange.uscc, legacy_code: usccChange.legacy } : {}),
        ...(input.kind !== undefined ? { kind: input.kind } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        updated_at: ctx.now,
      })
      .where('id', '=', id)
      .execute();
    const after = toDepartmentDto(await baseQuery(trx).where('d.id', '=', id).executeTakeFirstOrThrow());
    await record(trx, ctx, {
      action: 'identity.department.update',
      target: { type: 'department', id, label: after.name },
      departmentId: id,
      summary: { before: changed(before, after, 'before'), after: changed(before, after, 'after') },
    });
    return after;
  });
}

/** Only the fields that changed, so the audit summary says what happened. */
export function changed<T extends Record<string, unknown>>(before: T, after: T, side: 'before' | 'after') {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(after)) {
    if (k === 'updatedAt') continue;
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) out[k] = side === 'before' ? before[k] : after[k];
  }
  return out;
}
