import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import type { RequestContext } from '../kernel/context.ts';
import { createTask, createTopic, registerNode, subscribe, type ExchangeDeps } from '../modules/exchange/index.ts';
import type { Actor } from '../modules/identity/index.ts';
import { createUnconditionalGrant } from '../modules/sharing/index.ts';
import { demoActor } from './actors.ts';

/**
 * Demo exchange for `zhengtong serve` / `zhengtong seed`, after the demo catalog: 南昌市行政审批局
 * takes a grant on 南昌市市场监管局's published penalty records; nc_admin registers a front-end
 * processor node in each department; the provider's data officer creates a task that copies the
 * records to the approval bureau and a topic for penalty decisions, which the approval bureau
 * subscribes to. Each step goes through the same service, rules and audit as the console, acted by
 * the demo account whose job it is. The nodes wait for their agents: `agent/examples/demo/`
 * holds the agents' configurations and tables, and docs/exchange.md ("Try it") the steps.
 *
 * Runs once (marker row 'demo-exchange'); a step whose result already exists is skipped, so a run
 * that stopped half-way can simply be repeated.
 */

export const DEMO_EXCHANGE_SEED = 'demo-exchange';

const PROVIDER = '南昌市市场监督管理局';
const CONSUMER = '南昌市行政审批局';
const RESOURCE = '市场监管行政处罚信息';
const PURPOSE = '办理行政许可时核查申请企业的行政处罚记录';
export const DEMO_NODES = [
  { code: 'nc-amr-01', name: '南昌市市场监管局前置机', department: PROVIDER },
  { code: 'nc-approval-01', name: '南昌市行政审批局前置机', department: CONSUMER },
] as const;
export const DEMO_TASK_NAME = '行政处罚信息同步至市行政审批局';
export const DEMO_TOPIC_CODE = 'nc-amr.penalty';
const FIELDS = ['decision_no', 'party_name', 'uscc', 'violation_type', 'legal_basis', 'penalty', 'amount', 'decision_date'];

export interface ExchangeDemoResult {
  seeded: boolean;
  /** One-time enrolment tokens of the nodes registered by this run (shown once, like the console does). */
  enrolments: { code: string; name: string; token: string; expiresAt: string }[];
  skipped: string[];
}

export async function seedExchangeDemo(database: Database, deps: ExchangeDeps, now = new Date()): Promise<ExchangeDemoResult> {
  const db = database.db;
  const done = await sql<{ name: string }>`SELECT name FROM public.zt_seed WHERE name = ${DEMO_EXCHANGE_SEED}`.execute(db);
  if (done.rows.length) return { seeded: false, enrolments: [], skipped: [] };
  const cast = { admin: await demoActor(database, 'nc_admin'), provider: await demoActor(database, 'nc_officer'), consumer: await demoActor(database, 'ncsp_officer') };
  const resource = await db
    .selectFrom('catalog.resource as r')
    .innerJoin('identity.department as d', 'd.id', 'r.provider_department_id')
    .select(['r.id', 'd.id as providerId'])
    .where('r.name', '=', RESOURCE)
    .where('d.name', '=', PROVIDER)
    .where('r.status', '=', 'published')
    .executeTakeFirst();
  const consumerDept = await db.selectFrom('identity.department').select('id').where('name', '=', CONSUMER).executeTakeFirst();
  const missing = [!cast.admin && 'account nc_admin', !cast.provider && 'account nc_officer', !cast.consumer && 'account ncsp_officer', !resource && `published resource ${RESOURCE}`, !consumerDept && `department ${CONSUMER}`].filter(
    (x): x is string => !!x,
  );
  if (missing.length) return { seeded: false, enrolments: [], skipped: missing.map((m) => `no ${m}`) };
  const as = (actor: Actor | null): RequestContext<Actor> => ({ actor: actor!, ip: null, requestId: null, now });

  const grantId = await ensureGrant(deps, as(cast.consumer), resource!.id);
  const enrolments: ExchangeDemoResult['enrolments'] = [];
  const nodeIds: string[] = [];
  for (const n of DEMO_NODES) {
    const existing = await db.selectFrom('exchange.node').select('id').where('code', '=', n.code).executeTakeFirst();
    if (existing) {
      nodeIds.push(existing.id);
      continue;
    }
    const departmentId = n.department === PROVIDER ? resource!.providerId : consumerDept!.id;
    const r = await registerNode(deps, as(cast.admin), { code: n.code, name: n.name, departmentId });
    nodeIds.push(r.node.id);
    enrolments.push({ code: n.code, name: n.name, token: r.enrolToken, expiresAt: r.enrolTokenExpiresAt });
  }
  const [sourceNodeId, targetNodeId] = nodeIds;

  const task = await db.selectFrom('exchange.task').select('id').where('name', '=', DEMO_TASK_NAME).where('resource_id', '=', resource!.id).executeTakeFirst();
  if (!task) {
    await createTask(deps, as(cast.provider), {
      name: DEMO_TASK_NAME,
      resourceId: resource!.id,
      sourceNodeId,
      source: { connection: 'main', table: 'public.penalty', query: null, keyColumns: ['decision_no'], incremental: { column: 'updated_at', kind: 'timestamp' } },
      fields: FIELDS.map((field) => ({ field })),
      schedule: { kind: 'continuous', pollSeconds: 5 },
      strategy: { batchSize: 10_000, priority: 5, maxInFlight: 4 },
      targets: [{ nodeId: targetNodeId, grantId, connection: 'main', table: 'public.penalty_copy', mode: 'upsert' }],
    });
  }

  let topic = await db.selectFrom('exchange.topic').select('id').where('code', '=', DEMO_TOPIC_CODE).executeTakeFirst();
  topic ??= await createTopic(deps, as(cast.provider), {
    code: DEMO_TOPIC_CODE,
    name: '行政处罚决定',
    resourceId: resource!.id,
    keyField: 'uscc',
    fields: ['decision_no', 'party_name', 'uscc', 'penalty', 'decision_date'],
    eventTypes: ['penalty.decided', 'penalty.revoked'],
    retentionHours: 720,
  });
  const subscribed = await db.selectFrom('exchange.subscription').select('id').where('topic_id', '=', topic.id).where('node_id', '=', targetNodeId).executeTakeFirst();
  if (!subscribed) {
    await subscribe(deps, as(cast.consumer), topic.id, { nodeId: targetNodeId, grantId, connection: 'main', table: 'public.penalty_events', mode: 'append', from: 'earliest' });
  }
  await sql`INSERT INTO public.zt_seed (name) VALUES (${DEMO_EXCHANGE_SEED}) ON CONFLICT (name) DO NOTHING`.execute(db);
  return { seeded: true, enrolments, skipped: [] };
}

/** The approval bureau's grant on the whole resource: the unconditional kind it takes itself (R-SHR-1). */
async function ensureGrant(deps: ExchangeDeps, ctx: RequestContext<Actor>, resourceId: string): Promise<string> {
  const existing = await deps.db
    .selectFrom('sharing.grant')
    .select('id')
    .where('resource_id', '=', resourceId)
    .where('consumer_department_id', '=', ctx.actor!.departmentId)
    .where('purpose', '=', PURPOSE)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (existing) return existing.id;
  const grant = await createUnconditionalGrant(deps.db, ctx, { resourceId, purpose: PURPOSE });
  return grant.id;
}
