import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { AppError } from '../../kernel/errors.ts';
import { record } from '../audit/index.ts';
import { notifyMany } from '../notifications/index.ts';
import { cstDate, isRealDate } from './domain/rules.ts';
import { insertDuty } from './sharing.duties.ts';
import * as repo from './sharing.repository.ts';
import { auditResource, blank, escalationDtos, relation, requireSharingActor, rule, type Ctx } from './sharing.service.ts';

/**
 * The sharing authority answers a consumer's escalation about a not-shared resource:
 *  - `upheld`: the resource stays not shared, with reasons;
 *  - `share_ordered`: the authority orders the provider to share. The escalation names no purpose,
 *    fields or period, so no grant can be made from it (purpose limitation, R-SHR-4): the order is
 *    recorded as a sharing duty (共享责任) of the provider towards the consumer, due on `dueDate`.
 *    The provider fulfils it by reclassifying its entry (a catalog revision the authority reviews)
 *    and granting the consumer's request; the duty shows fulfilled once such a grant is in force.
 * Only the authority over the provider answers (sharing.arbitrate), once (409 after); the consumer
 * and the provider are notified.
 */

const notFound = () => new AppError('NOT_FOUND', { message: 'Escalation not found', messageZh: '不予共享异议不存在' });

export async function getEscalation(db: Kysely<DB>, ctx: Ctx, id: string) {
  const actor = requireSharingActor(ctx);
  const row = await repo.findEscalation(db, id);
  if (!row) throw notFound();
  if (!(await relation(db, actor, row)).sees) throw new AppError('OUT_OF_SCOPE', { messageZh: '只能查看本部门（或管辖范围内）的异议' });
  return (await escalationDtos(db, [row]))[0];
}

export interface AnswerEscalationInput {
  decision: 'upheld' | 'share_ordered';
  reasons?: string;
  dueDate?: string;
}

export async function answerEscalation(db: Kysely<DB>, ctx: Ctx, id: string, input: AnswerEscalationInput) {
  const actor = requireSharingActor(ctx);
  if (blank(input.reasons)) throw rule('/body/reasons', 'give the reasons for the answer', '答复必须说明理由');
  const reasons = input.reasons!.trim();
  if (input.decision === 'share_ordered') {
    if (!input.dueDate) throw rule('/body/dueDate', 'ordering to share needs a due date', '责令共享须确定完成期限');
    if (!isRealDate(input.dueDate)) throw rule('/body/dueDate', 'must be a date YYYY-MM-DD', '日期格式应为 YYYY-MM-DD');
    if (input.dueDate < cstDate(ctx.now)) throw rule('/body/dueDate', 'the due date has already passed', '完成期限已过');
  } else if (input.dueDate) {
    throw rule('/body/dueDate', 'a due date only goes with share_ordered', '维持不予共享时无需完成期限');
  }
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('sharing.escalation').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw notFound();
    const rel = await relation(trx, actor, row);
    if (!rel.arbitrator) throw new AppError(rel.sees ? 'FORBIDDEN' : 'OUT_OF_SCOPE', { messageZh: '只有提供部门所在层级的共享主管部门可以答复异议' });
    if (row.status !== 'open') {
      throw new AppError('CONFLICT', { message: 'The escalation is already answered', messageZh: '该异议已答复', extra: { status: row.status } });
    }
    let dutyId: string | null = null;
    if (input.decision === 'share_ordered') {
      const duty = await insertDuty(
        trx,
        ctx,
        actor.name,
        {
          providerDepartmentId: row.provider_department_id,
          resource: { id: row.resource_id, code: row.resource_code, name: row.resource_name },
          consumerDepartmentId: row.consumer_department_id,
          description: `共享主管部门答复不予共享异议，责令共享：${reasons}`,
          dueDate: input.dueDate!,
        },
        { escalationId: id },
      );
      dutyId = duty.id;
    }
    await trx
      .updateTable('sharing.escalation')
      .set({ status: input.decision, answered_at: ctx.now, answered_by: actor.name, answer_reasons: reasons, duty_id: dutyId })
      .where('id', '=', id)
      .execute();
    const ordered = input.decision === 'share_ordered';
    const title = ordered ? `共享主管部门责令共享“${row.resource_name}”` : `共享主管部门维持“${row.resource_name}”不予共享`;
    const body = ordered ? `理由：${reasons}。提供部门须于 ${input.dueDate} 前完成共享（已登记共享责任）。` : `理由：${reasons}。`;
    await notifyMany(
      trx,
      [
        { departmentId: row.consumer_department_id, kind: `sharing.escalation.${input.decision}`, title, body, link: `/sharing/escalations/${id}`, resourceId: row.resource_id },
        {
          departmentId: row.provider_department_id,
          kind: `sharing.escalation.${input.decision}`,
          title,
          body,
          link: dutyId ? `/sharing/duties/${dutyId}` : `/sharing/escalations/${id}`,
          resourceId: row.resource_id,
        },
      ],
      ctx.now,
    );
    await record(trx, ctx, {
      action: 'sharing.escalation.answer',
      target: { type: 'sharing_escalation', id, label: auditResource(row) },
      departmentId: row.provider_department_id,
      summary: { before: { status: row.status }, after: { status: input.decision, reasons, dutyId, dueDate: input.dueDate ?? null } },
    });
  });
  return getEscalation(db, ctx, id);
}
