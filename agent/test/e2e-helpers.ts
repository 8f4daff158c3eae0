// Shared by the end-to-end tests: the exchange center in this process on a real port, agent
// child processes, PostgreSQL scratch databases, and a TCP relay that can cut the network.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { createTestApp, type TestApp } from '../../server/test/harness.ts';
import { exchangeCast } from '../../server/test/exchange/helpers.ts';
import { createPgDatabase } from './connectors/scratch.ts';

const repo = resolve(import.meta.dirname, '../..');
const NODE = join(repo, 'node_modules/.bin/node');
const BIN = join(repo, 'agent/bin/zhengtong-agent.js');

export interface Done {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

export interface AgentProcess {
  child: ChildProcess;
  done: Promise<Done>;
  /** stderr so far (the agent logs there). */
  log(): string;
}

export async function until<T>(what: string, fn: () => Promise<T | null | false>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const SRC_SUM = `SELECT count(*)::int AS n, md5(coalesce(string_agg(uscc || '|' || coalesce(ent_name, '<null>'), ',' ORDER BY uscc), '')) AS h FROM enterprise`;
export const DST_SUM = `SELECT count(*)::int AS n, md5(coalesce(string_agg(uscc || '|' || coalesce(name, '<null>'), ',' ORDER BY uscc), '')) AS h FROM enterprise_copy`;

export async function digest(c: pg.Client, sql: string): Promise<{ n: number; h: string }> {
  return (await c.query(sql)).rows[0];
}

/** Rows from `from` (exclusive offset) to `to`, with some NULL names and awkward characters. */
export async function insertEnterprises(c: pg.Client, prefix: string, count: number) {
  await c.query(
    `INSERT INTO enterprise (uscc, ent_name) SELECT $1 || lpad(g::text, 11, '0'), CASE WHEN g % 97 = 0 THEN NULL ELSE '企业 "' || g || E'",\\n南昌' END FROM generate_series(1, $2::int) g`,
    [prefix, count],
  );
}

export class World {
  readonly dir = mkdtempSync(join(tmpdir(), 'zt-agent-e2e-'));
  t!: TestApp;
  centerUrl = '';
  cast!: Awaited<ReturnType<typeof exchangeCast>>;
  srcDb!: { url: string; drop: () => Promise<void> };
  dstDb!: { url: string; drop: () => Promise<void> };
  src!: pg.Client;
  dst!: pg.Client;
  readonly #children: { name: string; child: ChildProcess; log: () => string }[] = [];
  /** More logs to show when until() times out, e.g. a center running as a child process. */
  readonly extraLogs: { name: string; log: () => string }[] = [];
  #tick: NodeJS.Timeout | null = null;

  /** `env` configures the center, e.g. a short EXCHANGE_LEASE_SECONDS for crash tests. */
  async start(env: Record<string, string> = {}) {
    await this.startCenter(env);
    this.cast = await exchangeCast(this.t);
    await this.startDatabases();
  }

  /** The center alone, listening on a free port, with nothing registered yet. */
  async startCenter(env: Record<string, string> = {}) {
    this.t = await createTestApp({ env });
    // Signed requests are checked against the center's clock: keep it on real time.
    this.#tick = setInterval(() => this.t.clock.set(new Date()), 200);
    await this.t.app.http.listen({ port: 0, host: '127.0.0.1' });
    this.centerUrl = `http://127.0.0.1:${(this.t.app.http.server.address() as { port: number }).port}`;
  }

  /** The source and target databases with their tables (also for a center run as a child process). */
  async startDatabases() {
    this.srcDb = await createPgDatabase('zt_agent_e2e_src');
    this.dstDb = await createPgDatabase('zt_agent_e2e_dst');
    this.src = new pg.Client({ connectionString: this.srcDb.url });
    this.dst = new pg.Client({ connectionString: this.dstDb.url });
    await this.src.connect();
    await this.dst.connect();
    await this.src.query(`CREATE TABLE enterprise (uscc text PRIMARY KEY, ent_name text, updated_at timestamptz NOT NULL DEFAULT clock_timestamp())`);
    await this.dst.query(`CREATE TABLE enterprise_copy (uscc text PRIMARY KEY, name text)`);
  }

  /** Kills the agents still running, so a test that failed midway does not hold the next one's state. */
  async killAgents() {
    const running = this.#children.map(({ child: c }) => c).filter((c) => c.exitCode === null && c.signalCode === null);
    await Promise.all(running.map((c) => new Promise((res) => c.once('close', res).kill('SIGKILL'))));
  }

  async stop() {
    await this.killAgents();
    if (this.#tick) clearInterval(this.#tick);
    await this.src?.end();
    await this.dst?.end();
    await this.srcDb?.drop();
    await this.dstDb?.drop();
    await this.t?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** An agent config; the database URL travels in an environment variable as in production. */
  writeConfig(name: string, connection: string, dbUrl: string, centerUrl = this.centerUrl, kind: 'postgres' | 'mysql' = 'postgres'): string {
    const file = join(this.dir, `${name}.yaml`);
    const env = `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_DB`;
    writeFileSync(file, `center:\n  url: ${centerUrl}\nstateDir: ./${name}-state\nheartbeatSeconds: 1\nconnections:\n  ${connection}:\n    kind: ${kind}\n    url: \${${env}}\n`);
    process.env[env] = dbUrl;
    return file;
  }

  /** Like until(), but a timeout shows the end of every agent's log. */
  async until<T>(what: string, fn: () => Promise<T | null | false>, timeoutMs = 60_000): Promise<T> {
    try {
      return await until(what, fn, timeoutMs);
    } catch (err) {
      const logs = [...this.#children, ...this.extraLogs].map((c) => `--- ${c.name}\n${c.log().slice(-1500)}`).join('\n');
      throw new Error(`${(err as Error).message}\n${logs}`);
    }
  }

  /** The agent command, asynchronously: the center answers from this same process. */
  agent(config: string, ...args: string[]): AgentProcess {
    const child = spawn(NODE, [BIN, '--config', config, ...args], { cwd: this.dir, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    this.#children.push({ name: `${config} ${args.join(' ')}`, child, log: () => err });
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    const done = new Promise<Done>((res) => child.on('close', (code, signal) => res({ code, signal, out, err })));
    return { child, done, log: () => err };
  }
}

/** A TCP relay in front of the center that can drop every connection and refuse new ones. */
export class Relay {
  readonly #target: number;
  #server: Server | null = null;
  readonly #sockets = new Set<Socket>();
  port = 0;

  constructor(targetPort: number) {
    this.#target = targetPort;
  }

  async up(): Promise<void> {
    if (this.#server) return;
    const server = createServer((client) => {
      const upstream = connect(this.#target, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((res) => server.listen(this.port, '127.0.0.1', () => res()));
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  async down(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const s of this.#sockets) s.destroy();
    if (server) await new Promise<void>((res) => server.close(() => res()));
  }
}
