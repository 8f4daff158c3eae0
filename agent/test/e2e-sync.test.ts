// End to end: the exchange center (in this process, listening on a real port) and two agents as
// real child processes, PostgreSQL source and target databases. Full incremental sync, a change
// picked up while running, a target agent that was away catching up with `sync --once`, status.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../server/test/harness.ts';
import { exchangeCast, taskBody } from '../../server/test/exchange/helpers.ts';
import { createPgDatabase } from './connectors/scratch.ts';

const repo = resolve(import.meta.dirname, '../..');
const NODE = join(repo, 'node_modules/.bin/node');
const BIN = join(repo, 'agent/bin/zhengtong-agent.js');
const ROWS = 2500;

let t: TestApp;
let centerUrl: string;
let tick: NodeJS.Timeout;
let cast: Awaited<ReturnType<typeof exchangeCast>>;
let srcDb: { url: string; drop: () => Promise<void> };
let dstDb: { url: string; drop: () => Promise<void> };
let src: pg.Client;
let dst: pg.Client;
let taskId: string;
const dir = mkdtempSync(join(tmpdir(), 'zt-agent-e2e-'));
const running: ChildProcess[] = [];

interface Done {
  code: number | null;
  out: string;
  err: string;
}

/** The agent command, asynchronously: the center answers from this same process. */
function agent(config: string, ...args: string[]): { child: ChildProcess; done: Promise<Done> } {
  const child = spawn(NODE, [BIN, '--config', config, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  running.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const done = new Promise<Done>((res) => child.on('close', (code) => res({ code, out, err })));
  return { child, done };
}

async function until<T>(what: string, fn: () => Promise<T | null | false>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const digest = async (c: pg.Client, sql: string) => (await c.query(sql)).rows[0];
const SRC_SUM = `SELECT count(*)::int AS n, md5(coalesce(string_agg(uscc || '|' || coalesce(ent_name, '<null>'), ',' ORDER BY uscc), '')) AS h FROM enterprise`;
const DST_SUM = `SELECT count(*)::int AS n, md5(coalesce(string_agg(uscc || '|' || coalesce(name, '<null>'), ',' ORDER BY uscc), '')) AS h FROM enterprise_copy`;

function writeConfig(name: string, connection: string, url: string) {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `center:\n  url: ${centerUrl}\nstateDir: ./${name}-state\nheartbeatSeconds: 1\nconnections:\n  ${connection}:\n    kind: postgres\n    url: \${${name.toUpperCase()}_DB}\n`);
  process.env[`${name.toUpperCase()}_DB`] = url;
  return file;
}

let srcConf: string;
let dstConf: string;

beforeAll(async () => {
  t = await createTestApp();
  // Signed requests are checked against the center's clock: keep it on real time.
  tick = setInterval(() => t.clock.set(new Date()), 200);
  await t.app.http.listen({ port: 0, host: '127.0.0.1' });
  const addr = t.app.http.server.address() as { port: number };
  centerUrl = `http://127.0.0.1:${addr.port}`;
  cast = await exchangeCast(t);

  srcDb = await createPgDatabase('zt_agent_e2e_src');
  dstDb = await createPgDatabase('zt_agent_e2e_dst');
  src = new pg.Client({ connectionString: srcDb.url });
  dst = new pg.Client({ connectionString: dstDb.url });
  await src.connect();
  await dst.connect();
  await src.query(`CREATE TABLE enterprise (uscc text PRIMARY KEY, ent_name text, updated_at timestamptz NOT NULL DEFAULT clock_timestamp())`);
  await src.query(
    `INSERT INTO enterprise (uscc, ent_name, updated_at) SELECT '9136010' || lpad(g::text, 11, '0'), CASE WHEN g % 97 = 0 THEN NULL ELSE '企业 "' || g || '", 南昌' END, '2026-01-01'::timestamptz + g * interval '1 second' FROM generate_series(1, ${ROWS}) g`,
  );
  await dst.query(`CREATE TABLE enterprise_copy (uscc text PRIMARY KEY, name text)`);
  srcConf = writeConfig('src', 'main', srcDb.url);
  dstConf = writeConfig('dst', 'warehouse', dstDb.url);
}, 180_000);

afterAll(async () => {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  clearInterval(tick);
  await src?.end();
  await dst?.end();
  await srcDb?.drop();
  await dstDb?.drop();
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('exchange end to end with agent processes', () => {
  it('enrols both agents with their one-time tokens', async () => {
    const a = await agent(srcConf, 'enrol', '--center', centerUrl, '--token', cast.source.token).done;
    expect(a.code, a.err).toBe(0);
    expect(a.out).toMatch(/Enrolled as/);
    const b = await agent(dstConf, 'enrol', '--center', centerUrl, '--token', cast.target.token).done;
    expect(b.code, b.err).toBe(0);
    // The token is spent.
    const again = await agent(join(dir, 'nowhere.yaml'), 'enrol', '--center', centerUrl, '--token', cast.source.token).done;
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/EXCHANGE_ENROL_TOKEN_INVALID/);

    const res = await cast.provider.post('/api/exchange/tasks', taskBody(cast, { strategy: { batchSize: 1000, maxInFlight: 2 } }));
    expect(res.status, res.text).toBe(201);
    taskId = res.body.id;
  });

  it('moves every row from source to target and picks up changes while running', async () => {
    const s = agent(srcConf, 'run');
    const d = agent(dstConf, 'run');
    const want = await digest(src, SRC_SUM);
    await until('the full load at the target', async () => {
      const got = await digest(dst, DST_SUM);
      return got.n === want.n && got.h === want.h;
    });

    await src.query(`UPDATE enterprise SET ent_name = 'renamed', updated_at = clock_timestamp() WHERE uscc IN ('913601000000000007', '913601000000000008')`);
    await src.query(`INSERT INTO enterprise (uscc, ent_name) VALUES ('913601099999999999', 'new one')`);
    const want2 = await digest(src, SRC_SUM);
    await until('the changes at the target', async () => {
      const got = await digest(dst, DST_SUM);
      return got.n === want2.n && got.h === want2.h;
    });

    s.child.kill('SIGTERM');
    d.child.kill('SIGTERM');
    const [sd, dd] = await Promise.all([s.done, d.done]);
    expect(sd.code, sd.err).toBe(0);
    expect(dd.code, dd.err).toBe(0);
    expect(sd.err).toMatch(/batch uploaded/);
    expect(dd.err).toMatch(/batch applied/);

    const status = await agent(srcConf, 'status', '--json').done;
    expect(status.code, status.err).toBe(0);
    const report = JSON.parse(status.out);
    expect(report.center.reachable).toBe(true);
    expect(report.outbox.depth).toBe(0);
    const task = report.sources.find((x: { taskId: string }) => x.taskId === taskId);
    expect(task).toMatchObject({ status: 'active', outboxDepth: 0, lastError: null });
    expect(task.rowsSent).toBe(ROWS + 3);
    expect(JSON.parse(task.checkpoint)[1]).toBe('913601099999999999');
  });

  it('a target agent that was away catches up with sync --once', async () => {
    await src.query(`INSERT INTO enterprise (uscc, ent_name) SELECT '9136012' || lpad(g::text, 11, '0'), 'batch two ' || g FROM generate_series(1, 1500) g`);
    const up = await agent(srcConf, 'sync', '--task', taskId, '--once').done;
    expect(up.code, up.err).toBe(0);
    expect(up.out).toMatch(/1500 row\(s\) uploaded/);
    // stderr is not a terminal here: plain progress lines.
    expect(up.err).toMatch(/1,500\/1,500 rows {2}100\.0%/);

    const down = await agent(dstConf, 'sync', '--task', taskId, '--once').done;
    expect(down.code, down.err).toBe(0);
    expect(down.out).toMatch(/1500 row\(s\) applied/);
    const want = await digest(src, SRC_SUM);
    expect(await digest(dst, DST_SUM)).toEqual(want);

    const table = await agent(dstConf, 'status').done;
    expect(table.code, table.err).toBe(0);
    expect(table.out).toMatch(/Target tasks/);
    expect(table.out).toMatch(/reachable/);
  });
});
