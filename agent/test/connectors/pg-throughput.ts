// Rough throughput of the PostgreSQL connector (not a test): extract N rows of ~150 bytes in
// batches into files, apply them by upsert into an empty table, and the plain COPY pipe for scale.
// Run: /work/main/node_modules/.bin/node agent/test/connectors/pg-throughput.ts [rows] [batchSize]
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished, pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { createPostgresConnector } from '../../src/connectors/postgres.ts';
import type { Checkpoint, SourceSpec } from '../../src/connectors/types.ts';
import { createPgDatabase } from './scratch.ts';

const ROWS = Number(process.argv[2] ?? 200_000);
const BATCH = Number(process.argv[3] ?? 10_000);
const TABLE = `(id bigint PRIMARY KEY, name text, id_no text, age integer, updated_at timestamptz NOT NULL,
  address text, phone text, amount numeric(12,2), active boolean, born date)`;

const src = await createPgDatabase('zt_bench_src');
const dst = await createPgDatabase('zt_bench_dst');
const dir = await mkdtemp(join(tmpdir(), 'zt-bench-'));
const s = new pg.Pool({ connectionString: src.url, max: 1 });
const d = new pg.Pool({ connectionString: dst.url, max: 1 });
try {
  await s.query(`CREATE TABLE person ${TABLE}; CREATE INDEX ON person (updated_at, id)`);
  await d.query(`CREATE TABLE person ${TABLE}; CREATE TABLE person_pipe ${TABLE}`);
  await s.query(`INSERT INTO person SELECT i, '姓名' || i, '11010119900101' || lpad((i % 10000)::text, 4, '0'), i % 90,
      timestamptz '2026-01-01' + (i / 3) * interval '1 second', '江西省南昌市某某区某某路' || i || '号', '138' || lpad(i::text, 8, '0'),
      i * 0.01, i % 2 = 0, date '1950-01-01' + i % 20000 FROM generate_series(1, ${ROWS}) AS i`);
  await s.query('VACUUM ANALYZE person');
  const avg = (await s.query('SELECT avg(octet_length(t::text))::int AS b FROM person t')).rows[0].b;

  const spec: SourceSpec = {
    table: 'public.person', query: null, keyColumns: ['id'], incremental: { column: 'updated_at', kind: 'timestamp' },
    fields: ['id', 'name', 'id_no', 'age', 'updated_at', 'address', 'phone', 'amount', 'active', 'born'].map((c) => ({
      field: c, column: c, dataType: 'string' as const, mask: c === 'id_no' ? { keepStart: 6, keepEnd: 4 } : null,
    })),
  };
  const source = createPostgresConnector({ url: src.url });
  const target = createPostgresConnector({ url: dst.url });

  let t0 = performance.now();
  const files: { path: string; rows: number }[] = [];
  let after: Checkpoint | null = null;
  for (;;) {
    const path = join(dir, `b${files.length}.csv`);
    const out = createWriteStream(path);
    const r = await source.extract(spec, after, BATCH, out);
    out.end();
    await finished(out);
    if (r.rowCount === 0) break;
    files.push({ path, rows: r.rowCount });
    after = r.checkpoint;
  }
  const extractMs = performance.now() - t0;
  const bytes = (await Promise.all(files.map((f) => stat(f.path)))).reduce((a, x) => a + x.size, 0);

  t0 = performance.now();
  for (const [i, f] of files.entries()) {
    await target.apply({ table: 'person', keyColumns: ['id'], mode: 'upsert', columnMap: Object.fromEntries(spec.fields.map((x) => [x.field, x.column])) },
      { batchId: crypto.randomUUID(), taskId: crypto.randomUUID(), targetId: crypto.randomUUID(), seq: i + 1, rowCount: f.rows, columns: spec.fields.map((x) => ({ name: x.field, type: x.dataType })) },
      createReadStream(f.path));
  }
  const applyMs = performance.now() - t0;
  const applied = (await d.query('SELECT count(*)::int AS n FROM person')).rows[0].n;

  // The same rows again as new batches: every key exists, so each is an update.
  t0 = performance.now();
  for (const [i, f] of files.entries()) {
    await target.apply({ table: 'person', keyColumns: ['id'], mode: 'upsert', columnMap: Object.fromEntries(spec.fields.map((x) => [x.field, x.column])) },
      { batchId: crypto.randomUUID(), taskId: crypto.randomUUID(), targetId: crypto.randomUUID(), seq: i + 1, rowCount: f.rows, columns: spec.fields.map((x) => ({ name: x.field, type: x.dataType })) },
      createReadStream(f.path));
  }
  const updateMs = performance.now() - t0;

  // The physical limit: one COPY out piped straight into one COPY in.
  t0 = performance.now();
  const sc = await s.connect();
  const dc = await d.connect();
  await pipeline(sc.query(copyTo('COPY person TO STDOUT WITH (FORMAT csv)')), dc.query(copyFrom('COPY person_pipe FROM STDIN WITH (FORMAT csv)')));
  sc.release();
  dc.release();
  const pipeMs = performance.now() - t0;

  await source.close();
  await target.close();
  const rate = (ms: number) => Math.round(ROWS / (ms / 1000)).toLocaleString('en');
  console.log(`rows ${ROWS.toLocaleString('en')} (~${avg} bytes each as text), batch ${BATCH}, ${files.length} batches, ${(bytes / 1e6).toFixed(1)} MB CSV, applied ${applied}`);
  console.log(`extract (COPY → files, masked id_no):  ${(extractMs / 1000).toFixed(2)} s  ${rate(extractMs)} rows/s`);
  console.log(`apply, new keys (upsert by COPY):      ${(applyMs / 1000).toFixed(2)} s  ${rate(applyMs)} rows/s`);
  console.log(`apply, all keys exist (temp → upsert): ${(updateMs / 1000).toFixed(2)} s  ${rate(updateMs)} rows/s`);
  console.log(`extract + apply, in sequence:          ${((extractMs + applyMs) / 1000).toFixed(2)} s  ${rate(extractMs + applyMs)} rows/s`);
  console.log(`COPY pipe (one stream, no files):      ${(pipeMs / 1000).toFixed(2)} s  ${rate(pipeMs)} rows/s`);
} finally {
  await s.end();
  await d.end();
  await src.drop();
  await dst.drop();
  await rm(dir, { recursive: true, force: true });
}
