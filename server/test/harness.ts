import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type App } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase, type Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrator.ts';
import { manualClock } from '../src/kernel/clock.ts';
import { loadOrCreateSigningKey, type SigningKey } from '../src/modules/audit/index.ts';
import { DEMO_PASSWORD } from '../src/seed/jiangxi.ts';
import { seedDemo } from '../src/seed/seed.ts';
import { createScratchDatabase } from './scratch-db.ts';

/**
 * Each test file gets its own fresh database with the demo organisation: an in-memory PGlite by
 * default, or a new PostgreSQL database (dropped afterwards) when DATABASE_URL is set.
 */
export interface TestApp {
  app: App;
  database: Database;
  clock: ReturnType<typeof manualClock>;
  key: SigningKey;
  keyDir: string;
  login(username: string, password?: string): Promise<Agent>;
  anonymous(): Agent;
  close(): Promise<void>;
}

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
  text: string;
}

export class Agent {
  readonly #app: App;
  cookie: string | null;
  csrf: string | null;
  constructor(app: App, cookie: string | null = null, csrf: string | null = null) {
    this.#app = app;
    this.cookie = cookie;
    this.csrf = csrf;
  }

  async request<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res<T>> {
    const res = await this.#app.http.inject({
      method: method as 'GET',
      url,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const type = String(res.headers['content-type'] ?? '');
    const parsed = (type.includes("json") && res.body ? res.json() : res.body) as T;
    return { status: res.statusCode, body: parsed, headers: res.headers, text: res.body };
  }
  get<T = any>(url: string) {
    return this.request<T>('GET', url);
  }
  post<T = any>(url: string, body?: unknown) {
    return this.request<T>('POST', url, body);
  }
  put<T = any>(url: string, body?: unknown) {
    return this.request<T>('PUT', url, body);
  }
  patch<T = any>(url: string, body?: unknown) {
    return this.request<T>('PATCH', url, body);
  }
  delete<T = any>(url: string) {
    return this.request<T>('DELETE', url);
  }
}

export async function createTestApp(opts: { seed?: boolean; env?: Record<string, string> } = {}): Promise<TestApp> {
  const pgUrl = process.env.DATABASE_URL;
  const fresh = pgUrl ? await createScratchDatabase(pgUrl) : null;
  const database = await openDatabase(fresh ? { url: fresh.url, poolSize: 5 } : { dataDir: 'memory://' });
  await migrate(database);
  if (opts.seed !== false) await seedDemo(database);
  const keyDir = mkdtempSync(join(tmpdir(), 'zt-key-'));
  const key = loadOrCreateSigningKey(join(keyDir, 'audit-sm2.pem'));
  const clock = manualClock(new Date());
  const config = loadConfig({ DATA_DIR: keyDir, WEB_DIST: join(keyDir, 'no-web'), ...opts.env });
  const app = await buildApp({ config, database, signingKey: key, clock, logger: false });
  const t: TestApp = {
    app,
    database,
    clock,
    key,
    keyDir,
    anonymous: () => new Agent(app),
    async login(username, password = DEMO_PASSWORD) {
      const agent = new Agent(app);
      const res = await agent.post('/api/auth/login', { username, password });
      if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${res.text}`);
      const setCookie = res.headers['set-cookie'];
      const raw = Array.isArray(setCookie) ? setCookie[0] : String(setCookie);
      agent.cookie = raw.split(';')[0];
      agent.csrf = res.body.csrfToken;
      return agent;
    },
    async close() {
      await app.close();
      await database.close();
      await fresh?.drop();
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
  return t;
}

/** Department id by exact name, from the demo organisation. */
export async function departmentId(t: TestApp, name: string): Promise<string> {
  const row = await t.database.db.selectFrom('identity.department').select('id').where('name', '=', name).executeTakeFirstOrThrow();
  return row.id;
}

export async function userId(t: TestApp, username: string): Promise<string> {
  const row = await t.database.db.selectFrom('identity.user').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  return row.id;
}

export async function auditEntries(t: TestApp, action: string) {
  return t.database.db.selectFrom('audit.entry').selectAll().where('action', '=', action).orderBy('id').execute();
}

export { DEMO_PASSWORD };
export { demoUscc } from '../src/seed/seed.ts';
