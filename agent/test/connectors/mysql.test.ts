import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { createMysqlConnector } from '../../src/connectors/mysql.ts';
import { openConnector } from '../../src/connectors/index.ts';
import { createPostgresConnector } from '../../src/connectors/postgres.ts';
import { ConnectorError, type BatchRef, type Checkpoint, type DatabaseConnector, type SourceSpec, type TargetApplySpec } from '../../src/connectors/types.ts';
import { MY_ADMIN, bodyOf, collector, createMyDatabase, createPgDatabase } from './scratch.ts';

let myA: { database: string; drop: () => Promise<void> };
let myC: { database: string; drop: () => Promise<void> };
let pgB: { url: string; drop: () => Promise<void> };
let a: mysql.Pool;
let c: mysql.Pool;
let b: pg.Pool;
let srcA: DatabaseConnector;
let dstC: DatabaseConnector;
let pgConn: DatabaseConnector;

const N = 600;

beforeAll(async () => {
  [myA, myC, pgB] = await Promise.all([createMyDatabase('zt_conn_my_a'), createMyDatabase('zt_conn_my_c'), createPgDatabase('zt_conn_my_b')]);
  a = mysql.createPool({ ...MY_ADMIN, database: myA.database, connectionLimit: 2, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
  c = mysql.createPool({ ...MY_ADMIN, database: myC.database, connectionLimit: 2, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
  b = new pg.Pool({ connectionString: pgB.url, max: 2 });
  const ddl = `CREATE TABLE person (
    id BIGINT PRIMARY KEY, name VARCHAR(40), id_no VARCHAR(18), age INT, updated_at DATETIME(6) NOT NULL,
    note TEXT, amount DECIMAL(12,2), active TINYINT(1), born DATE, photo BLOB, KEY (updated_at, id)) ENGINE=InnoDB`;
  await a.query(ddl);
  await c.query(ddl);
  await c.query('CREATE TABLE person_log (id BIGINT, name VARCHAR(40), age INT, seen DATETIME(6)) ENGINE=InnoDB');
  await b.query(`CREATE TABLE person (id bigint PRIMARY KEY, name varchar(40), id_no varchar(18), age integer, updated_at timestamp(6) NOT NULL,
    note text, amount numeric(12,2), active boolean, born date, photo bytea, seen timestamptz DEFAULT '2026-05-01 08:00:00+08')`);
  // Rows with every awkward value: NULL and '' apart, quotes, commas, newlines, CJK, binary with
  // commas and NULs, timestamps shared by runs of rows, keys beyond 2^53.
  const rows: unknown[][] = [];
  for (let i = 1; i <= N; i++) {
    const id = i <= N - 3 ? String(i) : `90071992547409${90 + i - (N - 3)}`;
    const note = i % 5 === 0 ? null : i % 5 === 1 ? '' : i % 5 === 2 ? `say "hi", then\nleave ${i}` : i % 5 === 3 ? `张三${i}，住址` : `\\. back\\slash ${i}`;
    rows.push([
      id, i % 7 === 0 ? null : `名字 ${i}`, `1101011990${String(i).padStart(8, '0')}`, i % 11 === 0 ? null : i,
      `2026-01-0${1 + (i % 3)} 0${i % 10}:00:00.${i % 2 ? '123456' : '000000'}`,
      note, i % 13 === 0 ? null : (i * 1.25).toFixed(2), i % 17 === 0 ? null : i % 2, i % 19 === 0 ? null : `19${String(50 + (i % 50)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`,
      i % 3 === 0 ? null : Buffer.from([0, 44, 10, 34, i % 256, 255]),
    ]);
  }
  await a.query('INSERT INTO person VALUES ?', [rows]);
  srcA = createMysqlConnector({ host: MY_ADMIN.host, port: MY_ADMIN.port, user: MY_ADMIN.user, password: '', database: myA.database });
  dstC = openConnector({ kind: 'mysql', url: `mariadb://root@${MY_ADMIN.host}:${MY_ADMIN.port}/${myC.database}` }) as DatabaseConnector;
  pgConn = createPostgresConnector({ url: pgB.url });
});

afterAll(async () => {
  await Promise.all([srcA?.close(), dstC?.close(), pgConn?.close()]);
  await Promise.all([a?.end(), c?.end(), b?.end()]);
  await Promise.all([myA?.drop(), myC?.drop(), pgB?.drop()]);
});

const FIELDS: SourceSpec['fields'] = [
  { field: 'id', column: 'id', dataType: 'integer', mask: null },
  { field: 'name', column: 'name', dataType: 'string', mask: null },
  { field: 'id_no', column: 'id_no', dataType: 'string', mask: null },
  { field: 'age', column: 'age', dataType: 'integer', mask: null },
  { field: 'updated_at', column: 'updated_at', dataType: 'datetime', mask: null },
  { field: 'note', column: 'note', dataType: 'string', mask: null },
  { field: 'amount', column: 'amount', dataType: 'decimal', mask: null },
  { field: 'active', column: 'active', dataType: 'boolean', mask: null },
  { field: 'born', column: 'born', dataType: 'date', mask: null },
  { field: 'photo', column: 'photo', dataType: 'binary', mask: null },
];

const spec = (over: Partial<SourceSpec> = {}): SourceSpec => ({
  table: 'person', query: null, keyColumns: ['id'], incremental: { column: 'updated_at', kind: 'timestamp' }, fields: FIELDS, ...over,
});

const sameNames = Object.fromEntries(FIELDS.map((f) => [f.field, f.column]));

function ref(rowCount: number, over: Partial<BatchRef> = {}): BatchRef {
  return {
    batchId: crypto.randomUUID(), taskId: '00000000-0000-4000-8000-00000000000a', targetId: '00000000-0000-4000-8000-00000000000b',
    seq: 1, rowCount, columns: FIELDS.map((f) => ({ name: f.field, type: f.dataType })), ...over,
  };
}

async function extractBatches(conn: DatabaseConnector, s: SourceSpec, size: number) {
  const out: { csv: string; rowCount: number; checkpoint: Checkpoint | null }[] = [];
  let after: Checkpoint | null = null;
  for (;;) {
    const col = collector();
    const r = await conn.extract(s, after, size, col.out);
    const csv = await col.text();
    if (r.rowCount === 0) break;
    out.push({ csv, rowCount: r.rowCount, checkpoint: r.checkpoint });
    after = r.checkpoint;
  }
  return out;
}

// The same canonical text of every row on both systems, hashed: equal hashes = equal content.
const MY_SUM = `SELECT COUNT(*) AS n, MD5(GROUP_CONCAT(CONCAT_WS('|', id, COALESCE(name,'~'), COALESCE(id_no,'~'), COALESCE(age,'~'),
  DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f'), COALESCE(note,'~'), COALESCE(amount,'~'), COALESCE(active,'~'), COALESCE(born,'~'),
  COALESCE(LOWER(HEX(photo)),'~')) ORDER BY id SEPARATOR '#')) AS h FROM person`;
const PG_SUM = `SELECT count(*)::int AS n, md5(string_agg(concat_ws('|', id, COALESCE(name,'~'), COALESCE(id_no,'~'), COALESCE(age::text,'~'),
  to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS.US'), COALESCE(note,'~'), COALESCE(amount::text,'~'), COALESCE(active::int::text,'~'), COALESCE(born::text,'~'),
  COALESCE(encode(photo,'hex'),'~')), '#' ORDER BY id)) AS h FROM person`;

async function mySum(pool: mysql.Pool) {
  const conn = await pool.getConnection();
  try {
    await conn.query('SET SESSION group_concat_max_len = 100000000');
    const [rows] = await conn.query(MY_SUM);
    const r = (rows as { n: number | string; h: string }[])[0];
    return { n: Number(r.n), h: r.h };
  } finally {
    conn.release();
  }
}

describe('MySQL/MariaDB connector', () => {
  it('reports its version, checks source columns and counts pending rows', async () => {
    expect((await srcA.test()).serverVersion).toMatch(/^(MariaDB|MySQL) /);
    await srcA.checkSource(spec());
    const err = await srcA.checkSource(spec({ fields: [...FIELDS, { field: 'gone', column: 'gone_col', dataType: 'string', mask: null }] })).catch((e) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.code).toBe('SOURCE_COLUMN_MISSING');
    expect(err.message).toContain('gone_col');
    const err2 = await srcA.extract(spec({ incremental: { column: 'changed_at', kind: 'timestamp' } }), null, 10, collector().out).catch((e) => e);
    expect(err2.code).toBe('SOURCE_COLUMN_MISSING');
    expect(err2.message).toContain('changed_at');
    expect(await srcA.countPending(spec(), null)).toBe(N);
    const down = createMysqlConnector({ host: '127.0.0.1', port: 1, user: 'root', database: 'x' });
    const err3 = await down.test().catch((e) => e);
    expect(err3.code).toBe('CONNECTION_FAILED');
    expect(err3.retryable).toBe(true);
    await down.close();
  });

  it('encodes rows as PostgreSQL COPY CSV and masks at the source', async () => {
    const s = spec({ incremental: null, fields: [...FIELDS, { field: 'id_no_masked', column: 'id_no', dataType: 'string', mask: { keepStart: 6, keepEnd: 4 } }] });
    const col = collector();
    const r = await srcA.extract(s, ['0'], 5, col.out);
    expect(r).toEqual({ rowCount: 5, checkpoint: ['5'] });
    const lines = (await col.text()).split('\n');
    expect(lines[0]).toBe('1,名字 1,110101199000000001,1,2026-01-02 01:00:00.123456,"",1.25,t,1951-02-11,\\x002c0a2201ff,110101********0001');
    expect(lines[1]).toBe('2,名字 2,110101199000000002,2,2026-01-03 02:00:00.000000,"say ""hi"", then');
    expect(lines[2]).toBe('leave 2",2.50,f,1952-03-12,\\x002c0a2202ff,110101********0002');
    // A full-width comma is not a separator and needs no quotes.
    expect(lines[3]).toBe('3,名字 3,110101199000000003,3,2026-01-01 03:00:00.123456,张三3，住址,3.75,t,1953-04-13,,110101********0003');
    expect(lines[4]).toBe('4,名字 4,110101199000000004,4,2026-01-02 04:00:00.000000,\\. back\\slash 4,5.00,f,1954-05-14,\\x002c0a2204ff,110101********0004');
    expect(lines[5]).toMatch(/^5,名字 5,110101199000000005,5,[^,]+,,6.25,t,/);
  });

  it('extracts in batches with tuple checkpoints: shared timestamps and keys past 2^53 lose and repeat nothing', async () => {
    const batches = await extractBatches(srcA, spec(), 37);
    const ids = batches.flatMap((x) => [...x.csv.matchAll(/^(\d+),名字|^(\d+),,/gm)].map((m) => m[1] ?? m[2]));
    expect(batches.reduce((s, x) => s + x.rowCount, 0)).toBe(N);
    expect(new Set(ids).size).toBe(N);
    const [[rows]] = await Promise.all([a.query('SELECT COUNT(DISTINCT updated_at) AS d FROM person')]);
    expect(Number((rows as { d: number }[])[0].d)).toBeLessThan(N);
    const full = await extractBatches(srcA, spec({ incremental: null }), 200);
    expect(full.map((x) => x.checkpoint)).toEqual([['200'], ['400'], ['9007199254740993']]);
    expect(full[2].rowCount).toBe(200);
    // The next keys past 2^53 are distinct only as exact integers.
    const col = collector();
    const r = await srcA.extract(spec({ incremental: null }), ['9007199254740992'], 10, col.out);
    expect(r).toEqual({ rowCount: 1, checkpoint: ['9007199254740993'] });
    expect(await srcA.countPending(spec({ incremental: null }), ['9007199254740991'])).toBe(2);
  });

  it('reports the incremental high-water mark and reads no row past an upTo bound (settle window)', async () => {
    const [[rows]] = await Promise.all([a.query("SELECT COUNT(*) AS n, DATE_FORMAT(MAX(updated_at), '%Y-%m-%d %H:%i:%s.%f') AS m FROM person WHERE updated_at <= '2026-01-02 00:00:00'")]);
    const { n, m } = (rows as { n: number | string; m: string }[])[0];
    expect(await srcA.highWater(spec())).toEqual({ value: '2026-01-03 09:00:00.123456', openTransactions: null });
    expect((await srcA.highWater(spec({ incremental: { column: 'id', kind: 'sequence' } }))).value).toBe('9007199254740993');
    let after: Checkpoint | null = null;
    let got = 0;
    for (;;) {
      const col = collector();
      const r = await srcA.extract(spec(), after, 50, col.out, '2026-01-02 00:00:00.000000');
      if (r.rowCount === 0) break;
      got += r.rowCount;
      after = r.checkpoint;
    }
    expect(got).toBe(Number(n));
    expect(after![0]).toBe(m);
    // Keys past 2^53 compare exactly against the bound.
    const col = collector();
    const r = await srcA.extract(spec({ incremental: { column: 'id', kind: 'sequence' } }), ['9007199254740991', '9007199254740991'], 10, col.out, '9007199254740992');
    expect(r).toEqual({ rowCount: 1, checkpoint: ['9007199254740992', '9007199254740992'] });
  });

  it('round-trips MariaDB → PostgreSQL → MariaDB with equal content', async () => {
    const batches = await extractBatches(srcA, spec(), 128);
    const toPg: TargetApplySpec = { table: 'public.person', keyColumns: ['id'], mode: 'upsert', columnMap: sameNames };
    for (const [i, x] of batches.entries()) {
      expect(await pgConn.apply(toPg, ref(x.rowCount, { seq: i + 1 }), bodyOf(x.csv))).toEqual({ appliedRows: x.rowCount, alreadyApplied: false });
    }
    const srcSum = await mySum(a);
    const pgSum = (await b.query(PG_SUM)).rows[0];
    expect(pgSum).toEqual(srcSum);
    expect(srcSum.n).toBe(N);

    const back = await extractBatches(pgConn, spec({ table: 'public.person', incremental: null }), 250);
    const toMy: TargetApplySpec = { table: 'person', keyColumns: ['id'], mode: 'upsert', columnMap: sameNames };
    const refs = back.map((x, i) => ref(x.rowCount, { seq: i + 1 }));
    for (const [i, x] of back.entries()) {
      expect(await dstC.apply(toMy, refs[i], bodyOf(x.csv))).toEqual({ appliedRows: x.rowCount, alreadyApplied: false });
    }
    expect(await mySum(c)).toEqual(srcSum);

    // A re-delivery changes nothing; concurrent deliveries of a new batch apply it once.
    expect(await dstC.apply(toMy, refs[0], bodyOf(back[0].csv))).toEqual({ appliedRows: back[0].rowCount, alreadyApplied: true });
    const log: TargetApplySpec = { table: 'person_log', keyColumns: [], mode: 'append', columnMap: { id: 'id', name: 'name', age: 'age', updated_at: 'seen' } };
    const one = ref(back[1].rowCount);
    const results = await Promise.all([1, 2, 3].map(() => dstC.apply(log, one, bodyOf(back[1].csv))));
    expect(results.filter((r) => !r.alreadyApplied)).toHaveLength(1);
    const [cnt] = await c.query('SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM person_log');
    const counted = (cnt as { n: string; d: string }[])[0];
    expect([Number(counted.n), Number(counted.d)]).toEqual([back[1].rowCount, back[1].rowCount]);
    const [applied] = await c.query('SELECT COUNT(*) AS n FROM zt_exchange_applied');
    expect(Number((applied as { n: number }[])[0].n)).toBe(back.length + 1);
  });

  it('writes timestamptz, booleans and bytea from PostgreSQL into MariaDB types', async () => {
    const s: SourceSpec = {
      table: 'person', query: null, keyColumns: ['id'], incremental: null,
      fields: [
        { field: 'id', column: 'id', dataType: 'integer', mask: null },
        { field: 'seen', column: 'seen', dataType: 'datetime', mask: null },
      ],
    };
    const col = collector();
    await pgConn.extract(s, null, 1, col.out);
    const csv = await col.text();
    expect(csv).toBe('1,2026-05-01 00:00:00+00\n');
    await c.query('DELETE FROM person_log');
    await dstC.apply({ table: 'person_log', keyColumns: [], mode: 'append', columnMap: { id: 'id', seen: 'seen' } },
      { ...ref(2), columns: [{ name: 'id', type: 'integer' }, { name: 'seen', type: 'datetime' }] },
      bodyOf('1,2026-05-01 08:00:00+08\n2,2026-05-01 23:30:00.5-02:30\n'));
    const [rows] = await c.query("SELECT id, DATE_FORMAT(seen, '%Y-%m-%d %H:%i:%s.%f') AS seen FROM person_log ORDER BY id");
    expect(rows).toEqual([{ id: '1', seen: '2026-05-01 00:00:00.000000' }, { id: '2', seen: '2026-05-02 02:00:00.500000' }]);
  });

  it('applies nothing of a failing batch and names the column; missing target column; schema mismatch', async () => {
    const toMy: TargetApplySpec = { table: 'person', keyColumns: ['id'], mode: 'upsert', columnMap: sameNames };
    const before = await mySum(c);
    const good = '1,x,1,1,2026-01-01 00:00:00,,1.00,t,2000-01-01,\n';
    const r1 = ref(3);
    const bad = `${good}700,y,1,not-a-number,2026-01-01 00:00:00,,1.00,t,2000-01-01,\n701,z,1,1,2026-01-01 00:00:00,,1.00,t,2000-01-01,\n`;
    const err = await dstC.apply(toMy, r1, bodyOf(bad)).catch((e) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.code).toBe('TARGET_TYPE_MISMATCH');
    expect(err.message).toContain('age');
    expect(await mySum(c)).toEqual(before);
    const [marks] = await c.query('SELECT COUNT(*) AS n FROM zt_exchange_applied WHERE batch_id = ?', [r1.batchId]);
    expect(Number((marks as { n: number }[])[0].n)).toBe(0);

    const long = await dstC.apply(toMy, ref(1), bodyOf(`702,${'x'.repeat(41)},1,1,2026-01-01 00:00:00,,1.00,t,2000-01-01,\n`)).catch((e) => e);
    expect(long.code).toBe('TARGET_TYPE_MISMATCH');
    expect(long.message).toContain('name');
    const date = await dstC.apply(toMy, ref(1), bodyOf('703,a,1,1,2026-13-45 00:00:00,,1.00,t,2000-01-01,\n')).catch((e) => e);
    expect(date.code).toBe('TARGET_TYPE_MISMATCH');
    expect(date.message).toContain('updated_at');

    const missing = await dstC.apply({ ...toMy, columnMap: { ...sameNames, note: 'remark' } }, ref(1), bodyOf(good)).catch((e) => e);
    expect(missing.code).toBe('TARGET_COLUMN_MISSING');
    expect(missing.message).toContain('remark');
    const extra = await dstC.apply(toMy, ref(1), bodyOf(good.replace('\n', ',surplus\n'))).catch((e) => e);
    expect(extra.code).toBe('BATCH_SCHEMA_MISMATCH');
    const count = await dstC.apply(toMy, ref(2), bodyOf(good)).catch((e) => e);
    expect(count.code).toBe('BATCH_SCHEMA_MISMATCH');
    expect(await mySum(c)).toEqual(before);

    // Fixed, the same batch id applies.
    expect(await dstC.apply(toMy, r1, bodyOf(bad.replace('not-a-number', '9')))).toEqual({ appliedRows: 3, alreadyApplied: false });
    expect((await mySum(c)).n).toBe(before.n + 2);
  });

  it('counts pending rows exactly up to 100,000 and estimates beyond', async () => {
    await a.query('CREATE TABLE big (id INT PRIMARY KEY) ENGINE=InnoDB');
    await a.query('INSERT INTO big SELECT seq FROM seq_1_to_150000');
    await a.query('ANALYZE TABLE big');
    const s = spec({ table: 'big', incremental: null, fields: [{ field: 'id', column: 'id', dataType: 'integer', mask: null }] });
    const all = await srcA.countPending(s, null);
    expect(all).toBeGreaterThan(100_000);
    expect(Math.abs(all - 150_000)).toBeLessThan(50_000);
    expect(await srcA.countPending(s, ['60000'])).toBe(90_000);
  });
});
