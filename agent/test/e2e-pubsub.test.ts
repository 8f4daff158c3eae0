// End to end publish/subscribe (ADR 0012): the center in this process on a real port, agents as
// child processes, PostgreSQL tables as subscribers. A provider publishes from a JSON Lines file
// (twice: nothing doubles); an upsert subscriber keeps the last event per key; a subscriber
// created later replays the retention window into an append-mode event log (once its table
// exists: until then the cursor stays and `status` shows the error), each event once even after a
// rewind; a rewind refills an emptied table; a revoked grant stops the subscription and `status`
// says why.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { departmentId } from '../../server/test/harness.ts';
import { registerNode } from '../../server/test/exchange/helpers.ts';
import { World, type AgentProcess } from './e2e-helpers.ts';

const TOPIC = 'enterprise.changed';
const KEYS = 300;
const EVENTS = 2500;
const w = new World();
let topicId: string;
let pubConf: string;
let upConf: string;
let logConf: string;
let upSubId: string;
let logSubId: string;
let secondNode: { id: string; token: string };
const running: AgentProcess[] = [];

/** Event i is for key i % KEYS; names alternate, so many lines of the file are identical. */
const keyOf = (i: number) => `91360100MA${String(i % KEYS).padStart(8, '0')}`;
const nameOf = (i: number) => `企业 "${i % KEYS}", 南昌 v${Math.floor(i / KEYS) % 2}`;
const lines = Array.from({ length: EVENTS }, (_, i) =>
  JSON.stringify({ key: keyOf(i), type: i < KEYS ? 'licence.issued' : 'address.changed', payload: { uscc: keyOf(i), name: nameOf(i), legal_rep_id: '360102199001011234' } }),
);
/** What an upsert subscriber must end with: the last event of each key. */
const want = new Map<string, string>();
for (let i = 0; i < EVENTS; i++) want.set(keyOf(i), nameOf(i));

const consumerApi = () => w.cast.consumer;

beforeAll(async () => {
  await w.start();
  await w.dst.query(`CREATE TABLE ent_state (code text PRIMARY KEY, ent_name text)`);
  pubConf = w.writeConfig('pub', 'main', w.srcDb.url);
  upConf = w.writeConfig('up', 'warehouse', w.dstDb.url);
  logConf = w.writeConfig('log', 'warehouse', w.dstDb.url);
  secondNode = await registerNode(w.cast.admin, 'nc-approval-02', '审批局第二前置机', await departmentId(w.t, '南昌市行政审批局'));
  for (const [conf, token] of [[pubConf, w.cast.source.token], [upConf, w.cast.target.token], [logConf, secondNode.token]]) {
    const r = await w.agent(conf, 'enrol', '--center', w.centerUrl, '--token', token).done;
    if (r.code !== 0) throw new Error(r.err);
  }
  // Running before their subscriptions exist: they pick them up from the next heartbeat.
  running.push(w.agent(upConf, 'run'), w.agent(logConf, 'run'));
  const topic = await w.cast.provider.post('/api/exchange/topics', { code: TOPIC, name: '企业信息变更', resourceId: w.cast.resourceId, keyField: 'uscc', fields: ['uscc', 'name', 'legal_rep_id'], eventTypes: ['licence.issued', 'address.changed'] });
  if (topic.status !== 201) throw new Error(topic.text);
  topicId = topic.body.id;
}, 180_000);

afterAll(async () => {
  for (const a of running) if (a.child.exitCode === null) a.child.kill('SIGKILL');
  await w.stop();
});

async function stateRows(): Promise<Map<string, string>> {
  return new Map((await w.dst.query<{ code: string; ent_name: string }>('SELECT code, ent_name FROM ent_state')).rows.map((r) => [r.code, r.ent_name]));
}

async function subscription(id: string) {
  const res = await consumerApi().get(`/api/exchange/subscriptions?topicId=${topicId}&pageSize=100`);
  return (res.body.items as { id: string; cursor: number; backlog: number; agentError: string | null }[]).find((s) => s.id === id)!;
}

describe('publish/subscribe with agent processes', () => {
  it('an upsert subscriber ends with the last event of every key; publishing the file again adds nothing', async () => {
    const sub = await consumerApi().post(`/api/exchange/topics/${topicId}/subscriptions`, { nodeId: w.cast.target.id, grantId: w.cast.grantId, connection: 'warehouse', table: 'public.ent_state', mode: 'upsert', columnMap: { uscc: 'code', name: 'ent_name' }, from: 'earliest' });
    expect(sub.status, sub.text).toBe(201);
    expect(sub.body.fields).toEqual(['uscc', 'name']); // legal_rep_id is not granted
    upSubId = sub.body.id;

    const file = join(w.dir, 'events.jsonl');
    writeFileSync(file, lines.join('\n') + '\n\n');
    const first = await w.agent(pubConf, 'publish', '--topic', TOPIC, '--file', file).done;
    expect(first.code, first.err).toBe(0);
    // Identical lines are separate events: the id counts how often the same text came before.
    expect(first.out).toContain(`${EVENTS} event(s), accepted ${EVENTS}, duplicates 0, last seq ${EVENTS}`);
    const again = await w.agent(pubConf, 'publish', '--topic', TOPIC, '--file', file).done;
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain(`accepted 0, duplicates ${EVENTS}, last seq ${EVENTS}`);

    await w.until('the upsert subscriber to hold the last event of every key', async () => {
      const got = await stateRows();
      return got.size === KEYS && [...want].every(([k, v]) => got.get(k) === v);
    });
    await w.until('the cursor at the center to reach the end', async () => (await subscription(upSubId)).cursor === EVENTS);

    // One event from the command line, while the subscriber long-polls.
    const one = await w.agent(pubConf, 'publish', '--topic', TOPIC, '--type', 'address.changed', '--key', keyOf(7), '--payload', JSON.stringify({ uscc: keyOf(7), name: '最新名称' })).done;
    expect(one.code, one.err).toBe(0);
    expect(one.out).toContain('accepted 1, duplicates 0, last seq 2501');
    await w.until('the single event at the subscriber', async () => (await stateRows()).get(keyOf(7)) === '最新名称');
  }, 180_000);

  it('refuses a file with an unknown event type, naming the line', async () => {
    const bad = join(w.dir, 'bad.jsonl');
    writeFileSync(bad, `${lines[0]}\n${JSON.stringify({ key: 'K', type: 'closed', payload: { uscc: 'K' } })}\n`);
    const r = await w.agent(pubConf, 'publish', '--topic', TOPIC, '--file', bad).done;
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/line 2 type: unknown event type closed/);
    const notJson = join(w.dir, 'notjson.jsonl');
    writeFileSync(notJson, `${lines[0]}\n{oops\n`);
    const r2 = await w.agent(pubConf, 'publish', '--topic', TOPIC, '--file', notJson).done;
    expect(r2.code).toBe(1);
    expect(r2.err).toMatch(/line 2: not JSON/);
  });

  it('a subscriber created later replays the retention window into an event log, each event once', async () => {
    const sub = await consumerApi().post(`/api/exchange/topics/${topicId}/subscriptions`, { nodeId: secondNode.id, grantId: w.cast.grantId, connection: 'warehouse', table: 'public.ent_events', mode: 'append', from: 'earliest' });
    expect(sub.status, sub.text).toBe(201);
    expect(sub.body.cursor).toBe(0);
    logSubId = sub.body.id;
    // The event log table is missing at first: the agent keeps the cursor, says why, and retries.
    const failing = await w.until('the missing table in status', async () => {
      const r = await w.agent(logConf, 'status', '--json').done;
      const s = r.code === 0 ? JSON.parse(r.out).subscriptions?.[0] : null;
      return s?.lastError ? s : null;
    });
    expect(failing.lastError).toMatch(/ent_events/);
    expect((await subscription(logSubId)).cursor).toBe(0);
    // The console shows it at the center too, from the agent's heartbeat.
    await w.until('the error at the center', async () => /ent_events/.test((await subscription(logSubId)).agentError ?? ''));
    await w.dst.query(`CREATE TABLE ent_events (event_seq bigint PRIMARY KEY, event_id uuid NOT NULL, event_type text NOT NULL, event_key text NOT NULL, occurred_at timestamptz NOT NULL, uscc text, name text)`);
    const total = EVENTS + 1;
    const count = async () => (await w.dst.query<{ n: number; ids: number; first: number; last: number }>('SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS ids, min(event_seq)::int AS first, max(event_seq)::int AS last FROM ent_events')).rows[0];
    await w.until('the replay into the event log', async () => (await count()).n === total);
    await w.until('its cursor at the end', async () => (await subscription(logSubId)).cursor === total);
    expect(await count()).toEqual({ n: total, ids: total, first: 1, last: total });
    const rows = (await w.dst.query<{ event_seq: string; event_key: string; event_type: string; uscc: string; name: string }>('SELECT event_seq, event_key, event_type, uscc, name FROM ent_events WHERE event_seq <= $1 ORDER BY event_seq', [EVENTS])).rows;
    rows.forEach((r, i) => expect([r.event_key, r.uscc, r.name, r.event_type]).toEqual([keyOf(i), keyOf(i), nameOf(i), i < KEYS ? 'licence.issued' : 'address.changed']));

    // Replay again (重放): every page is written again, and each event is still there once.
    const rewound = await consumerApi().post(`/api/exchange/subscriptions/${logSubId}/rewind`, { from: 'earliest' });
    expect(rewound.body.cursor, rewound.text).toBe(0);
    await w.until('the rewound cursor back at the end', async () => (await subscription(logSubId)).cursor === total);
    expect(await count()).toEqual({ n: total, ids: total, first: 1, last: total });

    // A replay refills an emptied upsert table: pages seen before are applied again, not skipped.
    await w.dst.query('TRUNCATE ent_state');
    expect((await consumerApi().post(`/api/exchange/subscriptions/${upSubId}/rewind`, { from: 'earliest' })).body.cursor).toBe(0);
    const final = new Map([...want, [keyOf(7), '最新名称']]);
    await w.until('the upsert table refilled by the replay', async () => {
      const got = await stateRows();
      return got.size === KEYS && [...final].every(([k, v]) => got.get(k) === v);
    });

    const st = await w.until('a status report with the subscription', async () => {
      const r = await w.agent(logConf, 'status', '--json').done;
      const s = r.code === 0 ? JSON.parse(r.out).subscriptions?.[0] : null;
      return s && s.lastSeq === total ? s : null;
    });
    expect(st).toMatchObject({ subscriptionId: logSubId, topicCode: TOPIC, mode: 'append', status: 'active', lastError: null });
    await w.until('the error gone at the center', async () => (await subscription(logSubId)).agentError === null);
  }, 180_000);

  it('a revoked grant stops both subscriptions and status shows GRANT_REVOKED', async () => {
    const revoked = await w.cast.provider.post(`/api/sharing/grants/${w.cast.grantId}/revoke`, { reasons: '用途变更' });
    expect(revoked.status, revoked.text).toBe(200);
    for (const conf of [upConf, logConf]) {
      const s = await w.until(`${conf}: a stopped subscription in status`, async () => {
        const r = await w.agent(conf, 'status', '--json').done;
        const sub = r.code === 0 ? JSON.parse(r.out).subscriptions?.[0] : null;
        return sub?.status === 'stopped' ? sub : null;
      });
      expect(s.statusCode).toBe('GRANT_REVOKED');
      expect(s.statusReason).toMatch(/^GRANT_REVOKED: /);
    }
    const text = await w.agent(upConf, 'status').done;
    expect(text.out).toMatch(/Subscriptions/);
    expect(text.out).toMatch(/stopped \(GRANT_REVOKED/);

    // Publishing goes on; a file repeating an event's id in one chunk counts the repeat as a duplicate.
    const twice = join(w.dir, 'twice.jsonl');
    const ev = JSON.stringify({ id: '0195f3a8-7c1e-7b2a-9f00-000000000001', key: keyOf(1), type: 'address.changed', payload: { uscc: keyOf(1), name: '再次变更' } });
    writeFileSync(twice, `${ev}\n${ev}\n`);
    const r = await w.agent(pubConf, 'publish', '--topic', TOPIC, '--file', twice).done;
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`2 event(s), accepted 1, duplicates 1, last seq ${EVENTS + 2}`);

    for (const a of running) a.child.kill('SIGTERM');
    for (const a of running) {
      const d = await a.done;
      expect(d.code, d.err).toBe(0);
      expect(d.err).toMatch(/events applied/);
      expect(d.err).toMatch(/subscription rewound at the center; replaying/);
      expect(d.err).not.toMatch(/alreadyApplied=true/);
    }
  }, 180_000);
});
