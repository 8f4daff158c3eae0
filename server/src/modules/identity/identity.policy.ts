import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { AppError } from '../../kernel/errors.ts';
import { covers, scopeFor, type Actor, type ScopeTarget } from './domain/actor.ts';
import type { Permission, Scope } from './domain/permissions.ts';

/** Who may do what, where. Every identity use case goes through these before it touches data. */

export function requireActor(actor: Actor | null): Actor {
  if (!actor) throw new AppError('AUTH_REQUIRED');
  return actor;
}

export function requireScope(actor: Actor, permission: Permission): Scope {
  const scope = scopeFor(actor, permission);
  if (!scope) throw new AppError('FORBIDDEN', { extra: { permission } });
  return scope;
}

export function assertCovers(actor: Actor, permission: Permission, target: ScopeTarget) {
  const scope = requireScope(actor, permission);
  if (!covers(actor, scope, target)) throw new AppError('OUT_OF_SCOPE', { extra: { permission } });
}

/** The scope target of a department: its id and its division's path. */
export async function departmentTarget(db: Kysely<DB>, departmentId: string): Promise<(ScopeTarget & { name: string }) | null> {
  const row = await db
    .selectFrom('identity.department as d')
    .innerJoin('identity.division as v', 'v.code', 'd.division_code')
    .select(['d.id', 'd.name', 'v.path'])
    .where('d.id', '=', departmentId)
    .executeTakeFirst();
  return row ? { departmentId: row.id, divisionPath: row.path, name: row.name } : null;
}

/**
 * Narrows a query over rows that carry a department id (`deptColumn`) to what the actor's scope
 * for `permission` covers. Needs `identity.division as scope_v` joinable through the department.
 */
export function scopeCondition(actor: Actor, permission: Permission) {
  const scope = requireScope(actor, permission);
  return <QB extends SelectQueryBuilder<any, any, any>>(qb: QB, deptColumn: string, divisionPathColumn: string): QB => {
    if (scope === 'platform') return qb;
    if (scope === 'division') return qb.where(divisionPathColumn as any, 'like', `${actor.divisionPath}%`) as QB;
    return qb.where(deptColumn as any, '=', actor.departmentId) as QB;
  };
}

/**
 * The ids of the departments the actor's scope for `permission` covers, as a subquery other
 * modules can use in `where('x.department_id', 'in', …)` without reading identity's tables.
 */
export function departmentIdsInScope(db: Kysely<DB>, actor: Actor, permission: Permission) {
  const scope = requireScope(actor, permission);
  let q = db.selectFrom('identity.department as sd').innerJoin('identity.division as sv', 'sv.code', 'sd.division_code').select('sd.id');
  if (scope === 'division') q = q.where('sv.path', 'like', `${actor.divisionPath}%`);
  if (scope === 'department') q = q.where('sd.id', '=', actor.departmentId);
  return q;
}

export interface DepartmentInfo {
  id: string;
  name: string;
  uscc: string;
  divisionCode: string;
  divisionPath: string;
}

/** Names and codes of departments, for modules that show who provides or consumes something. */
export async function departmentsById(db: Kysely<DB>, ids: string[]): Promise<Map<string, DepartmentInfo>> {
  if (!ids.length) return new Map();
  const rows = await db
    .selectFrom('identity.department as d')
    .innerJoin('identity.division as v', 'v.code', 'd.division_code')
    .select(['d.id', 'd.name', 'd.uscc', 'v.code as divisionCode', 'v.path as divisionPath'])
    .where('d.id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}
