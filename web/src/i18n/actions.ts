/** Audit action codes → readable names. Unknown codes are shown raw. */
export const ACTIONS: Record<string, { zh: string; en: string }> = {
  'identity.auth.login': { zh: '登录', en: 'Sign in' },
  'identity.auth.logout': { zh: '退出登录', en: 'Sign out' },
  'identity.auth.change_password': { zh: '修改密码', en: 'Change password' },
  'identity.session.revoke': { zh: '注销会话', en: 'Revoke session' },
  'identity.division.create': { zh: '新建行政区划', en: 'Create division' },
  'identity.division.update': { zh: '修改行政区划', en: 'Update division' },
  'identity.department.create': { zh: '新建部门', en: 'Create department' },
  'identity.department.update': { zh: '修改部门', en: 'Update department' },
  'identity.user.create': { zh: '新建用户', en: 'Create user' },
  'identity.user.update': { zh: '修改用户', en: 'Update user' },
  'identity.user.roles': { zh: '分配角色', en: 'Set roles' },
  'identity.user.roles.set': { zh: '分配角色', en: 'Set roles' },
  'identity.user.set_roles': { zh: '分配角色', en: 'Set roles' },
  'identity.user.reset_password': { zh: '重置密码', en: 'Reset password' },
  'identity.user.password.reset': { zh: '重置密码', en: 'Reset password' },
  'identity.user.unlock': { zh: '解锁用户', en: 'Unlock user' },
  'identity.client.create': { zh: '登记接入应用', en: 'Register API client' },
  'identity.client.revoke': { zh: '吊销接入应用', en: 'Revoke API client' },
  'audit.verify': { zh: '审计日志校验', en: 'Verify audit log' },
  'platform.seed': { zh: '加载演示数据', en: 'Load demo data' },
  'calendar.year.put': { zh: '维护节假日', en: 'Update holidays' },
};

/** The actions offered in the audit search form (one per meaning). */
export const SEARCHABLE_ACTIONS = [
  'identity.auth.login',
  'identity.auth.logout',
  'identity.auth.change_password',
  'identity.division.create',
  'identity.division.update',
  'identity.department.create',
  'identity.department.update',
  'identity.user.create',
  'identity.user.update',
  'identity.user.roles',
  'identity.user.reset_password',
  'identity.user.unlock',
  'identity.session.revoke',
  'identity.client.create',
  'identity.client.revoke',
  'audit.verify',
  'calendar.year.put',
  'platform.seed',
];

export function actionName(action: string, lang: 'zh' | 'en'): string {
  return ACTIONS[action]?.[lang] ?? action;
}
