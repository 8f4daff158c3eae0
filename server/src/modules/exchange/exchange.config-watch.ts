import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { canonicalJson, sm3Hex } from '../../kernel/crypto/index.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import { agentConfig } from './exchange.tasks.ts';

type Node = { id: string; department_id: string };

/** Other center processes' changes are found by looking again this often (wake-ups are per process). */
const RECHECK_MS = 5000;

/**
 * A fingerprint of what a node's agent runs: its source tasks and targets, its subscriptions and
 * its department's topics, without what moves on its own (cursors, heartbeats). Read-only: the
 * grant checks that may stop a task run when the agent then fetches its configuration.
 */
export async function configVersion(db: Kysely<DB>, node: Node): Promise<string> {
  const tasks = await agentConfig(db, node.id);
  const subscriptions = await db
    .selectFrom('exchange.subscription')
    .select(['id', 'status', 'status_reason', 'connection', 'table_name', 'mode', 'column_map', 'fields'])
    .where('node_id', '=', node.id)
    .orderBy('id')
    .execute();
  const topics = await db.selectFrom('exchange.topic').select(['code', 'key_field', 'fields', 'event_types']).where('provider_department_id', '=', node.department_id).orderBy('code').execute();
  return sm3Hex(canonicalJson({ tasks, subscriptions, topics })).slice(0, 32);
}

/**
 * Long poll for an agent (protocol §2): answers at once when the node's configuration is not the
 * `version` the agent holds, else when it changes, else after `wait` seconds. The agent then
 * fetches it with a heartbeat, so a task created, changed, paused or stopped reaches it at once
 * instead of at its next heartbeat.
 */
export async function waitForConfigChange(deps: ExchangeDeps, node: Node, q: { version?: string; wait: number }, signal?: AbortSignal) {
  const deadline = Date.now() + q.wait * 1000;
  for (;;) {
    const mark = deps.waker.mark(`config:${node.id}`);
    const version = await configVersion(deps.db, node);
    if (version !== q.version) return { version, changed: true };
    const left = deadline - Date.now();
    if (left <= 0 || signal?.aborted) return { version, changed: false };
    await deps.waker.waitConfig(node.id, Math.min(left, RECHECK_MS), signal, mark);
  }
}
