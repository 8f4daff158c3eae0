// Rough throughput of the MySQL/MariaDB connector (not a test): extract N rows of ~150 bytes from
// MariaDB into files, apply them into an empty MariaDB table and into an empty PostgreSQL table.
// Run: /work/main/node_modules/.bin/node agent/test/connectors/my-throughput.ts [rows] [batchSize]
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { createMysqlConnector } from '../../src/connectors/mysql.ts';
import { createPostgresConnector } from '../../src/connectors/postgres.ts';
import type { Checkpoint, DatabaseConnector, SourceSpec } from '../../src/connectors/types.ts';
import { MY_ADMIN, createMyDatabase, createPgDatabase } from './scratch.ts';

const ROWS = Number(process.argv[2] ?? 200_000);
const BATCH = Number(process.argv[3] ?? 10_000);
const COLS = ['id', 'name', 'id_no', 'age', 'updated_at', 'address', 'phone', 'amount', 'active', 'born'];

const srcDb = await createMyDatabase('zt_bench_my_src');
const dstDb = await createMyDatabase('zt_bench_my_dst');
const pgDb = await createPgDatabase('zt_bench_my_pg');
const dir = await mkdtemp(join(tmpdir(), 'zt-bench-my-'));
const conns: DatabaseConnector[] = [];
try {
  const my = await mysql.createConnection({ ...MY_ADMIN, database: srcDb.database });
  const ddl = `(id BIGINT PRIMARY KEY, name VARCHAR(40), id_no VARCHAR(18), age INT, updated_at DATETIME(6) NOT NULL,
    address VARCHAR(100), phone VARCHAR(11), amount DECIMAL(12,2), active TINYINT(1), born DATE, KEY (updated_at, id)) ENGINE=InnoDB`;
  await my.query(`CREATE TABLE person ${ddl}`);
  await my.query(`CREATE TABLE \`${dstDb.database}\`.person ${ddl}`);
  await my.query(`INSERT INTO person SELECT seq, CONCAT('姓名', seq), CONCAT('11010119900101', LPAD(seq % 10000, 4, '0')), seq % 90,
    TIMESTAMP('2026-01-01') + INTERVAL (seq DIV 3) SECOND, CONCAT('江西省南昌市某某区某某路', seq, '号'), CONCAT('138', LPAD(seq, 8, '0')),
    seq * 0.01, seq % 2, DATE('1950-01-01') + INTERVAL (seq % 20000) DAY FROM seq_1_to_${ROWS}`);
  await my.end();
  const p = new pg.Client({ connectionString: pgDb.url });
  await p.connect();
  await p.query(`CREATE TABLE person (id bigint PRIMARY KEY, name text, id_no text, age integer, updated_at timestamp NOT NULL,
    address text, phone text, amount numeric(12,2), active boolean, born date)`);

  const spec: SourceSpec = {
    table: 'person', query: null, keyColumns: ['id'], incremental: { column: 'updated_at', kind: 'timestamp' },
    fields: COLS.map((c) => ({ field: c, column: c, dataType: c === 'active' ? 'boolean' as const : 'string' as const, mask: c === 'id_no' ? { keepStart: 6, keepEnd: 4 } : null })),
  };
  const source = createMysqlConnector({ ...MY_ADMIN, database: srcDb.database });
  const target = createMysqlConnector({ ...MY_ADMIN, database: dstDb.database });
  const pgTarget = createPostgresConnector({ url: pgDb.url });
  conns.push(source, target, pgTarget);

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
  const applyAll = async (conn: DatabaseConnector) => {
    const t = performance.now();
    for (const [i, f] of files.entries()) {
      await conn.apply({ table: 'person', keyColumns: ['id'], mode: 'upsert', columnMap: Object.fromEntries(COLS.map((c) => [c, c])) },
        { batchId: crypto.randomUUID(), taskId: crypto.randomUUID(), targetId: crypto.randomUUID(), seq: i + 1, rowCount: f.rows, columns: spec.fields.map((x) => ({ name: x.field, type: x.dataType })) },
        createReadStream(f.path));
    }
    return performance.now() - t;
  };
  const myApplyMs = await applyAll(target);
  const pgApplyMs = await applyAll(pgTarget);
  const n = (await p.query('SELECT count(*)::int AS n FROM person')).rows[0].n;
  await p.end();
  const rate = (ms: number) => Math.round(ROWS / (ms / 1000)).toLocaleString('en');
  console.log(`rows ${ROWS.toLocaleString('en')}, batch ${BATCH}, ${files.length} batches (PostgreSQL target holds ${n})`);
  console.log(`MariaDB extract (stream → CSV files, masked): ${(extractMs / 1000).toFixed(2)} s  ${rate(extractMs)} rows/s`);
  console.log(`MariaDB apply (CSV → multi-row upsert):       ${(myApplyMs / 1000).toFixed(2)} s  ${rate(myApplyMs)} rows/s`);
  console.log(`PostgreSQL apply of the MariaDB batches:      ${(pgApplyMs / 1000).toFixed(2)} s  ${rate(pgApplyMs)} rows/s`);
} finally {
  await Promise.all(conns.map((c) => c.close()));
  await srcDb.drop();
  await dstDb.drop();
  await pgDb.drop();
  await rm(dir, { recursive: true, force: true });
}
