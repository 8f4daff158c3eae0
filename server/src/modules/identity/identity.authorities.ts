import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { ROLES, type Permission, type Role } from './domain/permissions.ts';

/**
 * The departments that act as the authority for `permission` at a department's level: those whose
 * enabled users hold the permission with division scope over the department's division, keeping
 * only the nearest (the deepest division), so 南昌市's authority, not the province's, is told about
 * a 南昌市 department. When no division-scope holder exists, the platform-scope holders'.
 * Background jobs use it to address notices to "the sharing authority at its level".
 */
export async function authorityDepartmentIds(db: Kysely<DB> | Transaction<DB>, departmentId: string, permission: Permission): Promise<string[]> {
  const roles = (Object.keys(ROLES) as Role[]).filter((r) => (ROLES[r].permissions as readonly Permission[]).includes(permission));
  const target = await db
    .selectFrom('identity.department as d')
    .innerJoin('identity.division as v', 'v.code', 'd.division_code')
    .select('v.path')
    .where('d.id', '=', departmentId)
    .executeTakeFirst();
  if (!target || !roles.length) return [];
  const holders = await db
    .selectFrom('identity.user_role as r')
    .innerJoin('identity.user as u', 'u.id', 'r.user_id')
    .innerJoin('identity.department as d', 'd.id', 'u.department_id')
    .innerJoin('identity.division as v', 'v.code', 'd.division_code')
    .select(['d.id', 'v.path', 'r.scope'])
    .where('r.role', 'in', roles)
    .where('r.scope', 'in', ['division', 'platform'])
    .where('u.enabled', '=', true)
    .where('d.enabled', '=', true)
    .execute();
  const division = holders.filter((h) => h.scope === 'division' && target.path.startsWith(h.path));
  const pool = division.length ? division : holders.filter((h) => h.scope === 'platform');
  const depth = Math.max(0, ...pool.map((h) => h.path.length));
  return [...new Set(pool.filter((h) => h.scope === 'platform' || h.path.length === depth).map((h) => h.id))].sort();
}
