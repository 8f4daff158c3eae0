import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { authorityDepartmentIds } from '../identity/index.ts';
import { notifyMany, type NoticeInput } from '../notifications/index.ts';
import type { RequestRow } from './sharing.repository.ts';

/**
 * The console notices of a request's steps, sent in the step's transaction: the provider when a
 * request arrives, the consumer when it is answered, the sharing authority at the provider's level
 * (and the provider) when it is escalated, both sides when it is arbitrated.
 */
export async function requestNotices(trx: Transaction<DB>, action: string, row: RequestRow, reasons: string | null, at: Date): Promise<void> {
  const link = `/sharing/requests/${row.id}`;
  const base = { link, resourceId: row.resource_id };
  const why = reasons ? `理由：${reasons}` : '';
  const notices: NoticeInput[] = [];
  switch (action) {
    case 'sharing.request.create':
      notices.push({ ...base, departmentId: row.provider_department_id, kind: 'sharing.request.received', title: `收到共享申请：${row.resource_name}`, body: `请于 ${row.deadline_date} 前答复（10 个工作日）。用途：${row.purpose}` });
      break;
    case 'sharing.request.approve':
      notices.push({ ...base, departmentId: row.consumer_department_id, kind: 'sharing.request.approved', title: `共享申请已同意：${row.resource_name}`, body: `提供部门同意共享，授权已生效。${why}` });
      break;
    case 'sharing.request.refuse':
      notices.push({ ...base, departmentId: row.consumer_department_id, kind: 'sharing.request.refused', title: `共享申请被拒绝：${row.resource_name}`, body: `${why}。如有异议，可提请共享主管部门裁决。` });
      break;
    case 'sharing.request.escalate': {
      const authorities = await authorityDepartmentIds(trx, row.provider_department_id, 'sharing.arbitrate');
      for (const departmentId of new Set([...authorities, row.provider_department_id])) {
        notices.push({ ...base, departmentId, kind: 'sharing.request.escalated', title: `共享申请提请裁决：${row.resource_name}`, body: why });
      }
      break;
    }
    case 'sharing.request.arbitrate':
      for (const departmentId of [row.consumer_department_id, row.provider_department_id]) {
        notices.push({ ...base, departmentId, kind: 'sharing.request.arbitrated', title: `共享主管部门已裁决：${row.resource_name}`, body: why });
      }
      break;
  }
  await notifyMany(trx, notices, at);
}
