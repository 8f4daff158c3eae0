// The exchange center as a real child process (`zhengtong serve`), so a test can kill -9 it and
// start it again on the same PostgreSQL database, data directory (audit key, batch store) and port.
// The database is prepared first in this process (demo organisation, the exchange cast, tasks),
// then closed and handed over to the child.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { buildApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { openDatabase } from '../../server/src/db/database.ts';
import { migrate } from '../../server/src/db/migrator.ts';
import { manualClock } from '../../server/src/kernel/clock.ts';
import { defaultKeyFile, loadOrCreateSigningKey } from '../../server/src/modules/audit/index.ts';
import { seedDemo } from '../../server/src/seed/seed.ts';
import { Agent, DEMO_PASSWORD, type TestApp } from '../../server/test/harness.ts';
import { exchangeCast } from '../../server/test/exchange/helpers.ts';
import { createPgDatabase } from './connectors/scratch.ts';
import { until } from './e2e-helpers.ts';

const repo = resolve(import.meta.dirname, '../..');
const NODE = join(repo, 'node_modules/.bin/node');
const SERVER_BIN = join(repo, 'server/bin/zhengtong.js');

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export class CenterProcess {
  readonly dataDir: string;
  readonly env: Record<string, string>;
  db!: { url: string; drop: () => Promise<void> };
  port = 0;
  child: ChildProcess | null = null;
  #log = '';
  #exited: Promise<void> = Promise.resolve();
  /** How many times the center was started, for the test's messages. */
  starts = 0;

  /** `env` configures the child center (EXCHANGE_LEASE_SECONDS, NATS_URL …). */
  constructor(dir: string, env: Record<string, string> = {}) {
    this.dataDir = join(dir, 'center-data');
    mkdirSync(this.dataDir, { recursive: true });
    this.env = env;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  log(): string {
    return this.#log;
  }

  /**
   * Prepares the center's database in this process and runs `setup` against it (the cast, tasks),
   * with a real clock: agents sign with their own. Then the in-process center is closed.
   */
  async prepare<T>(setup: (t: TestApp, cast: Awaited<ReturnType<typeof exchangeCast>>) => Promise<T>): Promise<{ cast: Awaited<ReturnType<typeof exchangeCast>>; result: T }> {
    this.db = await createPgDatabase('zt_agent_e2e_center');
    const database = await openDatabase({ url: this.db.url, poolSize: 5 });
    await migrate(database);
    await seedDemo(database);
    // The same key the child loads from DATA_DIR/keys, so the audit chain stays one chain.
    const key = loadOrCreateSigningKey(defaultKeyFile(this.dataDir));
    const clock = manualClock(new Date());
    const tick = setInterval(() => clock.set(new Date()), 200);
    const config = loadConfig({ DATA_DIR: this.dataDir, WEB_DIST: join(this.dataDir, 'no-web') });
    const app = await buildApp({ config, database, signingKey: key, clock, logger: false });
    const t: TestApp = {
      app,
      database,
      clock,
      key,
      keyDir: this.dataDir,
      anonymous: () => new Agent(app),
      async login(username, password = DEMO_PASSWORD) {
        const agent = new Agent(app);
        const res = await agent.post('/api/auth/login', { username, password });
        if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${res.text}`);
        const setCookie = res.headers['set-cookie'];
        agent.cookie = (Array.isArray(setCookie) ? setCookie[0] : String(setCookie)).split(';')[0];
        agent.csrf = res.body.csrfToken;
        return agent;
      },
      close: async () => {},
    };
    try {
      const cast = await exchangeCast(t);
      const result = await setup(t, cast);
      return { cast, result };
    } finally {
      clearInterval(tick);
      await app.close();
      await database.close();
    }
  }

  /** Starts `zhengtong serve` on the same port every time and waits until it is ready. */
  async up(): Promise<void> {
    if (!this.port) this.port = await freePort();
    this.starts++;
    const child = spawn(NODE, [SERVER_BIN, 'serve', '--port', String(this.port), '--no-seed'], {
      cwd: this.dataDir,
      env: {
        ...process.env,
        DATABASE_URL: this.db.url,
        DATA_DIR: this.dataDir,
        HOST: '127.0.0.1',
        WEB_DIST: join(this.dataDir, 'no-web'),
        LOG_LEVEL: 'warn',
        NO_COLOR: '1',
        ...this.env,
      },
    });
    this.child = child;
    const mark = `\n=== center start #${this.starts} (pid ${child.pid})\n`;
    this.#log += mark;
    child.stdout!.on('data', (d) => (this.#log += d));
    child.stderr!.on('data', (d) => (this.#log += d));
    this.#exited = new Promise((res) => child.on('close', () => res()));
    await until(
      `the center (start #${this.starts}) to be ready`,
      async () => {
        if (child.exitCode !== null) throw new Error(`the center exited with ${child.exitCode}:\n${this.#log.slice(-3000)}`);
        try {
          const res = await fetch(`${this.url}/readyz`);
          return res.status === 200;
        } catch {
          return false;
        }
      },
      60_000,
    );
  }

  /** A one-shot `zhengtong` command on the center's database and data directory. */
  run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
    const child = spawn(NODE, [SERVER_BIN, ...args], { cwd: this.dataDir, env: { ...process.env, DATABASE_URL: this.db.url, DATA_DIR: this.dataDir, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    return new Promise((res) => child.on('close', (code) => res({ code, out, err })));
  }

  /** kill -9: no graceful close, no nak of held NATS heads, leases left as they are. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await this.#exited;
    this.child = null;
  }

  async stop(): Promise<void> {
    await this.kill9();
    // For a look at what the center logged across its restarts: ZT_E2E_CENTER_LOG=/tmp/center.log
    if (process.env.ZT_E2E_CENTER_LOG) writeFileSync(process.env.ZT_E2E_CENTER_LOG, this.#log);
    await this.db?.drop();
  }
}
