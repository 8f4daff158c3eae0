// The walk-through of docs/exchange.md "Try it on the demo", as a user runs it: the demo seed's
// nodes, task, topic and subscription (what `npm start` loads), the example configurations, tables
// and events in agent/examples/demo, and the two agents as real child processes.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalogDemo } from '../../server/src/seed/catalog-demo.ts';
import { DEMO_TOPIC_CODE, seedExchangeDemo, type ExchangeDemoResult } from '../../server/src/seed/exchange-demo.ts';
import { createPgDatabase } from './connectors/scratch.ts';
import { World } from './e2e-helpers.ts';

const DEMO = resolve(import.meta.dirname, '../examples/demo');
const w = new World();
let seeded: ExchangeDemoResult;

const COLUMNS = `decision_no || '|' || party_name || '|' || uscc || '|' || violation_type || '|' || legal_basis || '|' || penalty || '|' || coalesce(amount::text, '-') || '|' || decision_date`;
const digest = async (c: pg.Client, table: string) =>
  (await c.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(${COLUMNS}, ',' ORDER BY decision_no), '')) AS h FROM ${table}`)).rows[0] as { n: number; h: string };
const converged = async () => {
  const [a, b] = [await digest(w.src, 'penalty'), await digest(w.dst, 'penalty_copy')];
  return a.n > 0 && a.n === b.n && a.h === b.h ? a : null;
};

beforeAll(async () => {
  await w.startCenter();
  await seedCatalogDemo(w.t.database, w.t.clock.now());
  seeded = await seedExchangeDemo(w.t.database, w.t.app.exchange, w.t.clock.now());
  w.srcDb = await createPgDatabase('zt_demo_amr');
  w.dstDb = await createPgDatabase('zt_demo_approval');
  w.src = new pg.Client({ connectionString: w.srcDb.url });
  w.dst = new pg.Client({ connectionString: w.dstDb.url });
  await w.src.connect();
  await w.dst.connect();
  // psql -f does the same in the docs.
  await w.src.query(readFileSync(join(DEMO, 'amr.sql'), 'utf8'));
  await w.dst.query(readFileSync(join(DEMO, 'approval.sql'), 'utf8'));
  // The configurations as shipped, but for the center's port.
  for (const f of ['amr.yaml', 'approval.yaml']) writeFileSync(join(w.dir, f), readFileSync(join(DEMO, f), 'utf8').replace('http://localhost:8080', w.centerUrl));
  copyFileSync(join(DEMO, 'penalty-events.jsonl'), join(w.dir, 'penalty-events.jsonl'));
  process.env.AMR_DB = w.srcDb.url;
  process.env.APPROVAL_DB = w.dstDb.url;
}, 180_000);
afterEach(() => w.killAgents());
afterAll(() => w.stop());

describe('the demo exchange, as docs/exchange.md walks through it', () => {
  it('the agents enrol with the printed tokens, copy the penalty records, follow a change and receive the events', async () => {
    const amrYaml = join(w.dir, 'amr.yaml');
    const approvalYaml = join(w.dir, 'approval.yaml');
    const [amr, approval] = seeded.enrolments;
    for (const [conf, token] of [[amrYaml, amr.token], [approvalYaml, approval.token]]) {
      const enrolled = await w.agent(conf, 'enrol', '--center', w.centerUrl, '--token', token).done;
      expect(enrolled.code, enrolled.err).toBe(0);
    }
    const s = w.agent(amrYaml, 'run');
    const d = w.agent(approvalYaml, 'run');
    expect((await w.until('the copy to equal the source', converged, 90_000)).n).toBe(240);

    // A correction at the source arrives by the incremental column.
    await w.src.query(`UPDATE penalty SET penalty = '经复议变更为警告', amount = NULL, updated_at = clock_timestamp() WHERE decision_no = '洪市监处罚〔2026〕7号'`);
    await w.until('the correction to arrive', async () => (await w.dst.query(`SELECT penalty FROM penalty_copy WHERE decision_no = '洪市监处罚〔2026〕7号'`)).rows[0]?.penalty === '经复议变更为警告');
    expect(await converged()).toBeTruthy();

    const published = await w.agent(amrYaml, 'publish', '--topic', DEMO_TOPIC_CODE, '--file', 'penalty-events.jsonl').done;
    expect(published.code, published.err).toBe(0);
    expect(published.out).toMatch(/3 event\(s\), accepted 3, duplicates 0/);
    const events = await w.until('the events to reach the approval bureau', async () => {
      const rows = (await w.dst.query(`SELECT event_seq::int AS seq, event_type, event_key, penalty FROM penalty_events ORDER BY event_seq`)).rows;
      return rows.length === 3 ? rows : null;
    });
    expect(events.map((e) => [e.seq, e.event_type, e.event_key])).toEqual([
      [1, 'penalty.decided', '913601000073000131'],
      [2, 'penalty.decided', '913601000073000265'],
      [3, 'penalty.revoked', '913601000073000131'],
    ]);

    s.child.kill('SIGTERM');
    d.child.kill('SIGTERM');
    expect((await s.done).code).toBe(0);
    expect((await d.done).code).toBe(0);
  }, 240_000);
});
