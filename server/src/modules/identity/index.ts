/** The identity module's public API: other modules import only from here. */
export type { Actor, ScopeTarget } from './domain/actor.ts';
export { allows, covers, scopeFor, isPlatformAdmin } from './domain/actor.ts';
export { PERMISSIONS, ROLES, type Permission, type Role, type Scope, type RoleGrant } from './domain/permissions.ts';
export { requireActor, requireScope, assertCovers, departmentTarget, scopeCondition, departmentIdsInScope, departmentsById, type DepartmentInfo } from './identity.policy.ts';
export { authorityDepartmentIds } from './identity.authorities.ts';
export { identityHttp } from './identity.http.ts';
export { identityRoutes } from './identity.routes.ts';
export type { IdentityDeps } from './identity.deps.ts';
export { createAgentClient, revokeClientIn, clientPublicKey } from './clients.service.ts';
