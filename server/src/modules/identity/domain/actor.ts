import { scopeRank, ROLES, type Permission, type RoleGrant, type Scope } from './permissions.ts';

/** Who is acting: a logged-in user or a signed API client, with where they sit. */
export interface Actor {
  kind: 'user' | 'client';
  id: string;
  name: string;
  departmentId: string;
  departmentName: string;
  divisionCode: string;
  /** '/360000/360100/': the actor's division path; "division and below" = this prefix. */
  divisionPath: string;
  grants: RoleGrant[];
  sessionId?: string;
  mustChangePassword?: boolean;
}

/** Where a target sits: its department and that department's division path. */
export interface ScopeTarget {
  departmentId: string;
  divisionPath: string;
}

/** The widest scope in which the actor holds the permission, or null. */
export function scopeFor(actor: Actor, permission: Permission): Scope | null {
  let best: Scope | null = null;
  for (const g of actor.grants) {
    const perms = ROLES[g.role]?.permissions as readonly Permission[] | undefined;
    if (!perms?.includes(permission)) continue;
    if (!best || scopeRank[g.scope] > scopeRank[best]) best = g.scope;
  }
  return best;
}

export function covers(actor: Actor, scope: Scope, target: ScopeTarget): boolean {
  switch (scope) {
    case 'platform':
      return true;
    case 'division':
      return target.divisionPath.startsWith(actor.divisionPath);
    case 'department':
      return target.departmentId === actor.departmentId;
  }
}

/** Can the actor use `permission` on something in `target`'s department? */
export function allows(actor: Actor, permission: Permission, target: ScopeTarget): boolean {
  const scope = scopeFor(actor, permission);
  return scope !== null && covers(actor, scope, target);
}

export const isPlatformAdmin = (actor: Actor) => actor.grants.some((g) => g.role === 'platform_admin' && g.scope === 'platform');
