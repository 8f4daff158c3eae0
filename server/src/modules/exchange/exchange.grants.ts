import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { RequestContext } from '../../kernel/context.ts';
import { record } from '../audit/index.ts';
import { grantById } from '../sharing/index.ts';

const STOP_REASON = {
  revoked: { code: 'GRANT_REVOKED', zh: '共享授权已撤销', en: 'the sharing grant was revoked' },
  expired: { code: 'GRANT_EXPIRED', zh: '共享授权已过期', en: 'the sharing grant has expired' },
  not_yet_valid: { code: 'GRANT_NOT_YET_VALID', zh: '共享授权尚未生效', en: 'the sharing grant is not valid yet' },
  missing: { code: 'GRANT_MISSING', zh: '共享授权不存在', en: 'the sharing grant no longer exists' },
} as const;

/**
 * Purpose binding (R-SHR-4): before anything travels, each active target's grant is checked. A
 * target whose grant is revoked or expired stops at once, with the reason; when no target is
 * left, the task stops too. Runs in the caller's transaction, audited; returns the task's status.
 */
export async function enforceGrants(trx: Transaction<DB>, ctx: RequestContext, taskId: string) {
  const task = await trx.selectFrom('exchange.task').select(['id', 'name', 'status', 'status_code', 'status_reason', 'provider_department_id']).where('id', '=', taskId).forUpdate().executeTakeFirstOrThrow();
  const targets = await trx.selectFrom('exchange.target').select(['id', 'grant_id', 'status', 'consumer_department_id', 'purpose']).where('task_id', '=', taskId).execute();
  let lastStop: (typeof STOP_REASON)[keyof typeof STOP_REASON] | null = null;
  for (const t of targets.filter((x) => x.status === 'active')) {
    const grant = await grantById(trx, t.grant_id, ctx.now);
    const state = grant ? grant.status : 'missing';
    if (state === 'active') continue;
    const why = STOP_REASON[state];
    lastStop = why;
    await trx.updateTable('exchange.target').set({ status: 'stopped', status_code: why.code, status_reason: `${why.zh} / ${why.en}` }).where('id', '=', t.id).execute();
    await record(trx, ctx, {
      action: 'exchange.target.stop',
      target: { type: 'exchange_target', id: t.id, label: task.name },
      departmentId: t.consumer_department_id,
      summary: { taskId, grantId: t.grant_id, purpose: t.purpose, reason: why.code },
    });
  }
  const remaining = await activeTargets(trx, taskId);
  if (task.status === 'stopped' || remaining > 0) return { status: task.status, statusCode: task.status_code, statusReason: task.status_reason };
  const why = lastStop ?? STOP_REASON.missing;
  const reason = `${why.zh} / ${why.en}`;
  await trx.updateTable('exchange.task').set({ status: 'stopped', status_code: why.code, status_reason: reason, updated_at: ctx.now }).where('id', '=', taskId).execute();
  await record(trx, ctx, { action: 'exchange.task.stop', target: { type: 'exchange_task', id: taskId, label: task.name }, departmentId: task.provider_department_id, summary: { reason: why.code } });
  return { status: 'stopped' as const, statusCode: why.code, statusReason: reason };
}

async function activeTargets(trx: Transaction<DB>, taskId: string) {
  const r = await trx.selectFrom('exchange.target').select((eb) => eb.fn.countAll<number>().as('n')).where('task_id', '=', taskId).where('status', '=', 'active').executeTakeFirstOrThrow();
  return Number(r.n);
}
