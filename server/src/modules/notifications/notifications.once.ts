import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { notifyMany, type NoticeInput } from './notifications.service.ts';

/** Names one stage of one object, e.g. `{ objectType: 'sharing_request', objectId, stage: 'overdue' }`. */
export interface StageKey {
  objectType: string;
  objectId: string;
  stage: string;
}

/**
 * Sends the notices of a stage once: records the stage (its primary key refuses a second record)
 * and sends only when this call recorded it. Restarts, a second run or a second worker send
 * nothing more: a concurrent insert of the same key waits for the first transaction and then
 * inserts nothing. Call it in the transaction that writes the audit entry of the sending.
 */
export async function notifyOnce(trx: Transaction<DB>, key: StageKey, notices: NoticeInput[], at: Date): Promise<boolean> {
  const inserted = await trx
    .insertInto('notifications.sent_stage')
    .values({ object_type: key.objectType, object_id: key.objectId, stage: key.stage, sent_at: at })
    .onConflict((oc) => oc.columns(['object_type', 'object_id', 'stage']).doNothing())
    .returning('stage')
    .executeTakeFirst();
  if (!inserted) return false;
  await notifyMany(trx, notices, at);
  return true;
}
