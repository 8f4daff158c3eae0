/**
 * Benchmark (issue #2): audited writes per second through the HTTP API — create a department,
 * with its audit entry in the same transaction — against the same insert without audit, sent
 * through the same HTTP server, authentication and JSON handling. Run on the embedded PGlite and
 * on PostgreSQL (BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres as admin DB).
 *
 *   npm run bench            # both databases
 *   BENCH_REQUESTS=4000 BENCH_CONCURRENCY=16 npm run bench
 *
 * Goal: ratio ≥ 0.7 on PostgreSQL. Prints figures; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { buildApp } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { openDatabase, type Database } from '../server/src/db/database.ts';
import { migrate } from '../server/src/db/migrator.ts';
import { makeUscc } from '../server/src/kernel/ids/index.ts';
import { loadOrCreateSigningKey } from '../server/src/modules/audit/index.ts';
import { DEMO_PASSWORD } from '../server/src/seed/jiangxi.ts';
import { seedDemo } from '../server/src/seed/seed.ts';
import { createScratchDatabase } from '../server/test/scratch-db.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let seq = 0;
/** A fresh, valid credit code for every request (unique across both runs). */
function nextUscc(): string {
  seq++;
  const org = String(20_000_000 + seq).padStart(8, '0') + String(seq % 10);
  return makeUscc(`11360100${org}`);
}

async function run(kind: 'pglite' | 'postgres') {
  let database: Database;
  let drop = async () => {};
  if (kind === 'postgres') {
    const scratch = await createScratchDatabase(ADMIN_URL, 'zt_bench');
    database = await openDatabase({ url: scratch.url, poolSize: 10 });
    drop = scratch.drop;
  } else {
    database = await openDatabase({ dataDir: 'memory://' });
  }
  await migrate(database);
  await seedDemo(database);
  const dir = mkdtempSync(join(tmpdir(), 'zt-bench-'));
  const key = loadOrCreateSigningKey(join(dir, 'key.pem'));
  const config = loadConfig({ DATA_DIR: dir, WEB_DIST: join(dir, 'none'), LOG_LEVEL: 'warn' });
  // The peer: the same department insert through the same server, auth hook and body parsing,
  // but without the audit entry. It lives here, in the benchmark, never in the product.
  const peer = async (http: FastifyInstance) => {
    http.post(
      '/api/bench/departments-unaudited',
      {
        config: { access: 'org.department.manage' },
        schema: { body: Type.Object({ name: Type.String(), uscc: Type.String(), divisionCode: Type.String(), kind: Type.String() }, { additionalProperties: false }) },
      },
      async (req, reply) => {
        const body = req.body as { name: string; uscc: string; divisionCode: string; kind: string };
        const row = await database.db.transaction().execute(async (trx) => {
          await trx.selectFrom('identity.division').select('path').where('code', '=', body.divisionCode).executeTakeFirstOrThrow();
          await trx.selectFrom('identity.department').select('id').where('uscc', '=', body.uscc).executeTakeFirst();
          return trx
            .insertInto('identity.department')
            .values({ name: body.name, uscc: body.uscc, division_code: body.divisionCode, kind: body.kind })
            .returningAll()
            .executeTakeFirstOrThrow();
        });
        return reply.code(201).send({ id: row.id });
      },
    );
  };
  const app = await buildApp({ config, database, signingKey: key, logger: false, plugins: [peer] });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.http.server.address() as { port: number }).port}`;

  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const headers = { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken };

  async function measure(path: string): Promise<number> {
    let next = 0;
    let failures = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        const i = next++;
        const res = await fetch(`${base}${path}`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ name: `基准测试部门 ${i}`, uscc: nextUscc(), divisionCode: '360100', kind: 'other' }),
        });
        await res.arrayBuffer();
        if (res.status !== 201) failures++;
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - started) / 1000;
    if (failures) throw new Error(`${failures} of ${REQUESTS} requests to ${path} failed`);
    return REQUESTS / seconds;
  }

  // Warm up both paths (JIT, connection pool, statement caches), then alternate the measurements.
  await measure('/api/departments').catch(() => {});
  const plain1 = await measure('/api/bench/departments-unaudited');
  const audited1 = await measure('/api/departments');
  const plain2 = await measure('/api/bench/departments-unaudited');
  const audited2 = await measure('/api/departments');
  const audited = (audited1 + audited2) / 2;
  const plain = (plain1 + plain2) / 2;

  const entries = await database.db.selectFrom('audit.entry').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'identity.department.create').executeTakeFirstOrThrow();
  await app.close();
  await database.close();
  await drop();
  rmSync(dir, { recursive: true, force: true });
  return { kind, audited, plain, ratio: audited / plain, auditEntries: Number(entries.n) };
}

const targets = (process.env.BENCH_DATABASES ?? 'pglite,postgres').split(',') as ('pglite' | 'postgres')[];
console.log(`audit benchmark: ${REQUESTS} creates per measurement, concurrency ${CONCURRENCY}, each path measured twice`);
for (const kind of targets) {
  const r = await run(kind);
  console.log(
    `${kind.padEnd(8)}  audited API ${r.audited.toFixed(0).padStart(6)} writes/s   same insert without audit ${r.plain.toFixed(0).padStart(6)} writes/s   ratio ${r.ratio.toFixed(2)}${kind === 'postgres' ? `  (goal ≥ 0.70: ${r.ratio >= 0.7 ? 'met' : 'NOT met'})` : ''}   audit entries written ${r.auditEntries}`,
  );
}
