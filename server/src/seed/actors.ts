import type { Database } from '../db/database.ts';
import type { Actor, RoleGrant } from '../modules/identity/index.ts';

/**
 * A demo account as an actor, so the seeds act through the services with that account's own
 * roles and scope and leave the audit trail the console would. Null when the account is gone.
 */
export async function demoActor(database: Database, username: string): Promise<Actor | null> {
  const db = database.db;
  const user = await db
    .selectFrom('identity.user as u')
    .innerJoin('identity.department as d', 'd.id', 'u.department_id')
    .innerJoin('identity.division as v', 'v.code', 'd.division_code')
    .select(['u.id', 'u.display_name', 'd.id as departmentId', 'd.name as departmentName', 'v.code as divisionCode', 'v.path as divisionPath'])
    .where('u.username', '=', username)
    .where('u.enabled', '=', true)
    .executeTakeFirst();
  if (!user) return null;
  const grants = (await db.selectFrom('identity.user_role').select(['role', 'scope']).where('user_id', '=', user.id).execute()) as RoleGrant[];
  return { kind: 'user', id: user.id, name: user.display_name, departmentId: user.departmentId, departmentName: user.departmentName, divisionCode: user.divisionCode, divisionPath: user.divisionPath, grants };
}
