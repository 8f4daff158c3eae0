import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalogDemo } from '../../src/seed/catalog-demo.ts';
import { DEMO_NODES, DEMO_TASK_NAME, DEMO_TOPIC_CODE, seedExchangeDemo, type ExchangeDemoResult } from '../../src/seed/exchange-demo.ts';
import { auditEntries, createTestApp, type Agent, type TestApp } from '../harness.ts';
import { NodeClient } from './helpers.ts';

/** The demo exchange that `zhengtong serve` loads after the demo catalog (the harness loads neither). */
let t: TestApp;
let admin: Agent;
let provider: Agent;
let consumer: Agent;
let seeded: ExchangeDemoResult;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('nc_admin');
  provider = await t.login('nc_officer');
  consumer = await t.login('ncsp_officer');
});
afterAll(async () => t?.close());

describe('demo exchange seed', () => {
  it('needs the demo catalog: without it, it does nothing and says why', async () => {
    expect(await seedExchangeDemo(t.database, t.app.exchange, t.clock.now())).toEqual({ seeded: false, enrolments: [], skipped: ['no published resource 市场监管行政处罚信息'] });
    expect((await admin.get('/api/exchange/nodes')).body.total).toBe(0);
  });

  it('registers two nodes, a grant, a task, a topic and a subscription, each by the account whose job it is', async () => {
    await seedCatalogDemo(t.database, t.clock.now());
    seeded = await seedExchangeDemo(t.database, t.app.exchange, t.clock.now());
    expect(seeded.seeded).toBe(true);
    expect(seeded.enrolments.map((e) => e.code)).toEqual(DEMO_NODES.map((n) => n.code));

    const nodes = (await admin.get('/api/exchange/nodes')).body.items as { code: string; status: string; departmentName: string }[];
    expect(nodes.map((n) => [n.code, n.status, n.departmentName]).sort()).toEqual([
      ['nc-amr-01', 'pending', '南昌市市场监督管理局'],
      ['nc-approval-01', 'pending', '南昌市行政审批局'],
    ]);
    const tasks = (await provider.get('/api/exchange/tasks')).body.items as { name: string; status: string; targets: { nodeCode: string; table: string; mode: string; purpose: string }[] }[];
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ name: DEMO_TASK_NAME, status: 'active' });
    expect(tasks[0].targets).toMatchObject([{ nodeCode: 'nc-approval-01', table: 'public.penalty_copy', mode: 'upsert' }]);
    const grants = (await consumer.get('/api/sharing/grants')).body.items as { resourceName: string; kind: string }[];
    expect(grants).toMatchObject([{ resourceName: '市场监管行政处罚信息', kind: 'unconditional' }]);
    const topics = (await consumer.get('/api/exchange/topics')).body.items as { code: string; eventTypes: string[] }[];
    expect(topics).toMatchObject([{ code: DEMO_TOPIC_CODE, eventTypes: ['penalty.decided', 'penalty.revoked'] }]);
    const subs = (await consumer.get('/api/exchange/subscriptions')).body.items as { table: string; mode: string; status: string }[];
    expect(subs).toMatchObject([{ table: 'public.penalty_events', mode: 'append', status: 'active' }]);

    // Acted by the demo accounts, with the console's audit entries.
    const actors = async (action: string) => (await auditEntries(t, action)).map((e) => e.actor_name);
    expect(await actors('exchange.node.create')).toEqual(['南昌市数据局管理员', '南昌市数据局管理员']);
    expect(await actors('exchange.task.create')).toEqual(['南昌市市场监管局数据专员']);
    expect(await actors('sharing.grant.create')).toEqual(['南昌市审批局数据专员']);
  });

  it('gives tokens the agents enrol with, and the source node then gets the task', async () => {
    const [amr, approval] = seeded.enrolments;
    const source = new NodeClient(t);
    const target = new NodeClient(t);
    await source.enrol(amr.token);
    await target.enrol(approval.token);
    const hb = await source.heartbeat();
    expect(hb.status, hb.text).toBe(200);
    expect(hb.body.sources).toMatchObject([{ name: DEMO_TASK_NAME, status: 'active', source: { table: 'public.penalty', keyColumns: ['decision_no'] } }]);
    expect(hb.body.publications).toMatchObject([{ topicCode: DEMO_TOPIC_CODE, keyField: 'uscc' }]);
    const targetHb = await target.heartbeat();
    expect(targetHb.body.targets).toMatchObject([{ name: DEMO_TASK_NAME, table: 'public.penalty_copy', mode: 'upsert' }]);
    expect(targetHb.body.subscriptions).toMatchObject([{ topicCode: DEMO_TOPIC_CODE, table: 'public.penalty_events', mode: 'append', status: 'active' }]);
    // The tokens were shown once: a later run has none to show.
    expect((await seedExchangeDemo(t.database, t.app.exchange, t.clock.now())).enrolments).toEqual([]);
  });

  it('is idempotent: a second run changes nothing, even without its marker row', async () => {
    const before = await counts();
    await sql`DELETE FROM public.zt_seed WHERE name = 'demo-exchange'`.execute(t.database.db);
    expect(await seedExchangeDemo(t.database, t.app.exchange, t.clock.now())).toEqual({ seeded: true, enrolments: [], skipped: [] });
    expect(await counts()).toEqual(before);
  });
});

async function counts() {
  const db = t.database.db;
  const n = async (table: 'exchange.node' | 'exchange.task' | 'exchange.topic' | 'exchange.subscription' | 'sharing.grant') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  return { nodes: await n('exchange.node'), tasks: await n('exchange.task'), topics: await n('exchange.topic'), subscriptions: await n('exchange.subscription'), grants: await n('sharing.grant') };
}
