/**
 * Permissions and the roles that bundle them. A role is granted with a scope: the actor's own
 * department, the actor's division and every division below it, or the whole platform. What a
 * route may touch is the permission's widest granted scope (see scope.ts).
 */
export const PERMISSIONS = [
  'org.division.read',
  'org.division.manage',
  'org.department.read',
  'org.department.manage',
  'org.user.read',
  'org.user.manage',
  'org.client.read',
  'org.client.manage',
  'audit.read',
  'audit.verify',
  'calendar.manage',
  'catalog.read',
  'catalog.manage',
  'catalog.review',
  'sharing.request',
  'sharing.decide',
  'sharing.arbitrate',
  'exchange.read',
  'exchange.node.manage',
  'exchange.task.manage',
  'exchange.agent',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const SCOPES = ['department', 'division', 'platform'] as const;
export type Scope = (typeof SCOPES)[number];

export const scopeRank: Record<Scope, number> = { department: 1, division: 2, platform: 3 };

const READ_ORG: Permission[] = ['org.division.read', 'org.department.read', 'org.user.read'];
/** Every government user may read published catalog entries; drafts stay with their department. */
const READ_CATALOG: Permission[] = ['catalog.read'];
/** A department applies for others' resources and answers the requests for its own. */
const SHARE: Permission[] = ['sharing.request', 'sharing.decide'];

export const ROLES = {
  platform_admin: {
    zh: '平台管理员',
    en: 'Platform administrator',
    // An administrator configures the exchange but is not a node: 'exchange.agent' belongs to agents.
    permissions: PERMISSIONS.filter((p) => p !== 'exchange.agent') as Permission[],
  },
  department_admin: {
    zh: '部门管理员',
    en: 'Department administrator',
    permissions: [...READ_ORG, ...READ_CATALOG, 'org.department.manage', 'org.user.manage', 'org.client.read', 'org.client.manage', 'audit.read', ...SHARE, 'exchange.read', 'exchange.node.manage'] as Permission[],
  },
  data_officer: {
    zh: '数据专员',
    en: 'Data officer',
    permissions: ['org.division.read', 'org.department.read', ...READ_CATALOG, 'catalog.manage', ...SHARE, 'exchange.read', 'exchange.task.manage'] as Permission[],
  },
  sharing_authority: {
    zh: '共享主管部门审核员',
    en: 'Sharing authority reviewer',
    permissions: ['org.division.read', 'org.department.read', ...READ_CATALOG, 'catalog.review', 'sharing.arbitrate', 'exchange.read', 'exchange.task.manage'] as Permission[],
  },
  approver: {
    zh: '审批人员',
    en: 'Approver',
    permissions: ['org.division.read', 'org.department.read', ...READ_CATALOG] as Permission[],
  },
  window_staff: {
    zh: '窗口人员',
    en: 'Window staff',
    permissions: ['org.division.read', 'org.department.read', ...READ_CATALOG] as Permission[],
  },
  supervisor: {
    zh: '监察员',
    en: 'Supervisor',
    permissions: [...READ_ORG, ...READ_CATALOG, 'audit.read', 'exchange.read'] as Permission[],
  },
  auditor: {
    zh: '审计员',
    en: 'Auditor',
    permissions: [...READ_ORG, ...READ_CATALOG, 'org.client.read', 'audit.read', 'audit.verify', 'exchange.read'] as Permission[],
  },
  exchange_agent: {
    zh: '前置机节点',
    en: 'Exchange node agent',
    // Only the agent API: its own configuration, uploads, deliveries. Given to node credentials at enrolment.
    permissions: ['exchange.agent'] as Permission[],
  },
} as const;

export type Role = keyof typeof ROLES;
export const ROLE_NAMES = Object.keys(ROLES) as Role[];

export interface RoleGrant {
  role: Role;
  scope: Scope;
}
