import type { Agent, TestApp } from '../harness.ts';
import { auditEntries, userId } from '../harness.ts';
import { entryContent } from '../catalog/helpers.ts';

export const CONSUMER_PASSWORD = 'Consumer#2026x';

/** A data officer of 南昌市行政审批局: the consumer department in these tests. */
export async function createConsumerOfficer(t: TestApp, admin: Agent): Promise<void> {
  const dept = await t.database.db.selectFrom('identity.department').select('id').where('name', '=', '南昌市行政审批局').executeTakeFirstOrThrow();
  const res = await admin.post('/api/users', {
    username: 'nca_officer',
    displayName: '南昌市审批局数据专员',
    departmentId: dept.id,
    initialPassword: CONSUMER_PASSWORD,
    roles: [{ role: 'data_officer', scope: 'department' }],
  });
  if (res.status !== 201) throw new Error(res.text);
  await t.database.db.updateTable('identity.user').set({ must_change_password: false }).where('id', '=', await userId(t, 'nca_officer')).execute();
}

export const conditionalShare = { type: 'conditional', conditions: '仅限市场监管和行政审批用途', legalBasis: '《企业信息公示暂行条例》第十八条', modes: ['query'] };
export const notShared = { type: 'none', legalBasis: '《中华人民共和国保守国家秘密法》第十三条', modes: [] };

/** Catalogues, submits and publishes an entry of 南昌市市场监管局; returns its id. */
export async function publish(officer: Agent, reviewer: Agent, overrides: Record<string, unknown> = {}): Promise<string> {
  const created = await officer.post('/api/catalog/resources', { content: entryContent(overrides) });
  if (created.status !== 201) throw new Error(created.text);
  const id = created.body.id as string;
  const submitted = await officer.post(`/api/catalog/resources/${id}/submit`);
  if (submitted.status !== 200) throw new Error(submitted.text);
  const reviewed = await reviewer.post(`/api/catalog/resources/${id}/review`, { decision: 'approve' });
  if (reviewed.status !== 200) throw new Error(reviewed.text);
  return id;
}

/** Successful audit entries of an action (refused and failed calls are audited under it too). */
export async function auditSuccesses(t: TestApp, action: string) {
  return (await auditEntries(t, action)).filter((e) => e.outcome === 'success');
}

/**
 * Logs in the cast of every sharing test at the test clock's current time (sessions expire when
 * the clock jumps): the provider's and the consumer's data officers, the 南昌市 sharing authority
 * and a foreign (上饶市) department admin.
 */
export async function loginCast(t: TestApp) {
  return {
    provider: await t.login('nc_officer'),
    consumer: await t.login('nca_officer', CONSUMER_PASSWORD),
    reviewer: await t.login('nc_reviewer', 'Reviewer#2026x'),
    srAdmin: await t.login('sr_admin'),
  };
}
