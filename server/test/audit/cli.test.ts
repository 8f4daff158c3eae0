import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrator.ts';
import { loadOrCreateSigningKey } from '../../src/modules/audit/index.ts';
import { seedDemo } from '../../src/seed/seed.ts';
import { Agent, DEMO_PASSWORD } from '../harness.ts';
import { createScratchDatabase } from '../scratch-db.ts';
import { newDepartmentBody } from './helpers.ts';

/**
 * `zhengtong audit verify` as a real child process against a database this file built: a new
 * PostgreSQL database when DATABASE_URL is set, otherwise an embedded PGlite directory on disk.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const MAIN = join(ROOT, 'server/src/main.ts');

let dir: string;
let keyFile: string;
let pgUrl: string | null = null;
let dropPg: (() => Promise<void>) | null = null;
let seededEntryId: number;

const open = (): Promise<Database> => openDatabase(pgUrl ? { url: pgUrl, poolSize: 2 } : { dataDir: join(dir, 'db', 'pg') });

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: pgUrl ?? '', DATA_DIR: join(dir, 'db'), AUDIT_KEY_FILE: keyFile, LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zt-cli-'));
  keyFile = join(dir, 'keys', 'audit-sm2.pem');
  if (process.env.DATABASE_URL) {
    const fresh = await createScratchDatabase(process.env.DATABASE_URL, 'zt_cli');
    pgUrl = fresh.url;
    dropPg = fresh.drop;
  }
  const database = await open();
  await migrate(database);
  await seedDemo(database);
  const key = loadOrCreateSigningKey(keyFile);
  const config = loadConfig({ DATA_DIR: dir, WEB_DIST: join(dir, 'no-web'), AUDIT_BATCH_SIZE: '2' });
  const app = await buildApp({ config, database, signingKey: key, logger: false });
  try {
    const agent = new Agent(app);
    const login = await agent.post('/api/auth/login', { username: 'admin', password: DEMO_PASSWORD });
    expect(login.status).toBe(200);
    const setCookie = login.headers['set-cookie'];
    agent.cookie = String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0];
    agent.csrf = login.body.csrfToken;
    for (let i = 0; i < 3; i++) expect((await agent.post('/api/departments', newDepartmentBody('360100'))).status).toBe(201);
    expect(await app.sealNow()).toBe(5);
    const row = await database.db.selectFrom('audit.entry').select('id').where('action', '=', 'identity.department.create').orderBy('id').executeTakeFirstOrThrow();
    seededEntryId = row.id;
  } finally {
    await app.close();
    await database.close();
  }
}, 120_000);

afterAll(async () => {
  await dropPg?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('zhengtong audit verify (child process)', () => {
  it('exits 0 and says OK on an intact log', async () => {
    const r = await run(['audit', 'verify']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('checked 3 batch(es), 5 sealed entries; 0 not yet sealed');
    expect(r.stdout).toContain('OK');
    expect(r.stdout).toMatch(/chain head: batch 3, SM3 [0-9a-f]{64}/);
    expect(r.stderr).not.toContain('TAMPERED');
  });

  it('refuses to verify without the signing key instead of making a new one', async () => {
    const missing = join(dir, 'no-such-key.pem');
    const r = await run(['audit', 'verify', '--key', missing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('audit signing key not found');
    expect(existsSync(missing)).toBe(false);
  });

  it('exits 1 and names the altered entry on stderr', async () => {
    const database = await open();
    try {
      await sql`UPDATE audit.entry SET target_label = '伪造的部门' WHERE id = ${seededEntryId}`.execute(database.db);
    } finally {
      await database.close();
    }
    const r = await run(['audit', 'verify']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('OK');
    expect(r.stderr).toContain('TAMPERED');
    expect(r.stderr).toContain(`entry ${seededEntryId} `);
  });

  it('prints usage for every command with --help and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: zhengtong');
    for (const command of ['serve', 'migrate', 'seed', 'audit verify']) expect(r.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  it('refuses an unknown command with a non-zero exit code', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });
});
