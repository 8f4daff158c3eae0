import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { RequestContext } from '../../kernel/context.ts';

export type Outcome = 'success' | 'failure' | 'denied';

export interface AuditInput {
  /** `<module>.<thing>.<verb>`, e.g. `identity.department.create`. */
  action: string;
  target?: { type: string; id?: string | null; label?: string | null };
  /** A short before/after summary; never secrets (password hashes, tokens). */
  summary?: { before?: unknown; after?: unknown; [k: string]: unknown };
  outcome?: Outcome;
  errorCode?: string;
  /** The department the action concerns, when there is no actor (a failed login). */
  departmentId?: string | null;
  actorName?: string | null;
  /** The platform itself acted (seeding, background jobs), not an anonymous caller. */
  system?: boolean;
}

/**
 * Writes one audit entry inside the caller's transaction, so the entry exists exactly when the
 * change does. No lock is taken: sealing happens later, in batches (audit.sealer.ts).
 */
export async function record(trx: Transaction<DB> | Kysely<DB>, ctx: RequestContext, input: AuditInput): Promise<void> {
  const actor = ctx.actor;
  await trx
    .insertInto('audit.entry')
    .values({
      occurred_at: ctx.now,
      actor_kind: actor ? actor.kind : input.system ? 'system' : 'anonymous',
      actor_id: actor?.id ?? null,
      actor_name: actor?.name ?? input.actorName ?? null,
      department_id: input.departmentId !== undefined ? input.departmentId : (actor?.departmentId ?? null),
      action: input.action,
      target_type: input.target?.type ?? null,
      target_id: input.target?.id ?? null,
      target_label: input.target?.label ?? null,
      summary: input.summary === undefined ? null : JSON.stringify(input.summary),
      ip: ctx.ip,
      request_id: ctx.requestId,
      outcome: input.outcome ?? 'success',
      error_code: input.errorCode ?? null,
    })
    .execute();
  ctx.audited = true;
}
