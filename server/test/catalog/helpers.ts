import type { Agent, TestApp } from '../harness.ts';
import { userId } from '../harness.ts';

/** A complete, submittable entry; override parts per test. */
export function entryContent(overrides: Record<string, unknown> = {}) {
  return {
    classificationCode: '207',
    name: '企业信用监管信息',
    providerUnit: '信用监管处',
    summary: '南昌市市场主体的行政许可、行政处罚和经营异常名录信息',
    format: { kind: 'database', detail: 'PostgreSQL 表' },
    fields: [
      { name: '统一社会信用代码', englishName: 'uscc', dataType: 'string', length: 18, personal: false, sensitive: false },
      { name: '企业名称', englishName: 'name', dataType: 'string', length: 200, personal: false, sensitive: false },
      { name: '法定代表人身份证号', englishName: 'legal_rep_id', dataType: 'string', length: 18, personal: true, sensitive: true, shareType: 'conditional', shareConditions: '仅用于身份核验', legalBasis: '《企业信息公示暂行条例》' },
    ],
    share: { type: 'unconditional', modes: ['interface', 'exchange'] },
    open: { type: 'closed' },
    updateCycle: 'daily',
    relatedResourceCodes: [],
    ...overrides,
  };
}

/** A sharing-authority reviewer for 南昌市 (division scope), created by the platform admin. */
export async function ncReviewer(t: TestApp, admin: Agent): Promise<Agent> {
  const dept = await t.database.db.selectFrom('identity.department').select('id').where('name', '=', '南昌市大数据发展管理局').executeTakeFirstOrThrow();
  const res = await admin.post('/api/users', {
    username: 'nc_reviewer',
    displayName: '南昌市数据局审核员',
    departmentId: dept.id,
    initialPassword: 'Reviewer#2026x',
    roles: [{ role: 'sharing_authority', scope: 'division' }],
  });
  if (res.status !== 201) throw new Error(res.text);
  await t.database.db.updateTable('identity.user').set({ must_change_password: false }).where('id', '=', await userId(t, 'nc_reviewer')).execute();
  return t.login('nc_reviewer', 'Reviewer#2026x');
}
