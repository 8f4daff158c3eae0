import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { copyOut } from '../../src/connectors/copy-out.ts';
import { createPostgresConnector } from '../../src/connectors/postgres.ts';
import { ConnectorError, type BatchRef, type Checkpoint, type DatabaseConnector, type SourceSpec, type TargetApplySpec } from '../../src/connectors/types.ts';
import { bodyOf, collector, createPgDatabase } from './scratch.ts';

let src: { url: string; drop: () => Promise<void> };
let dst: { url: string; drop: () => Promise<void> };
let srcDb: pg.Pool;
let dstDb: pg.Pool;
let source: DatabaseConnector;
let target: DatabaseConnector;

beforeAll(async () => {
  src = await createPgDatabase('zt_conn_pg_src');
  dst = await createPgDatabase('zt_conn_pg_dst');
  srcDb = new pg.Pool({ connectionString: src.url, max: 2 });
  dstDb = new pg.Pool({ connectionString: dst.url, max: 2 });
  await srcDb.query(`CREATE SCHEMA hr;
    CREATE TABLE hr.person (id integer PRIMARY KEY, name text, id_no text, age integer, updated_at timestamptz NOT NULL, note text);
    CREATE INDEX ON hr.person (updated_at, id);`);
  // 25 rows: ids past 9 so that a text comparison of keys ('10' < '9') would lose rows; five rows
  // share each timestamp so that batch boundaries fall inside a run of equal timestamps.
  await srcDb.query(`INSERT INTO hr.person
    SELECT i, 'name ' || i, '1101011990010' || lpad(i::text, 5, '0'), 20 + i,
           timestamptz '2026-01-01 00:00:00+00' + ((i - 1) / 5) * interval '1 minute',
           CASE WHEN i % 4 = 0 THEN NULL WHEN i % 4 = 1 THEN '' ELSE E'line 1\\nline "2", ok' END
    FROM generate_series(1, 25) AS i`);
  await dstDb.query(`CREATE TABLE public.person_copy (id integer PRIMARY KEY, xm varchar(40), sfzh text, age integer, updated_at timestamptz, note text);
    CREATE TABLE public.person_log (id integer, xm text, age integer)`);
  source = createPostgresConnector({ url: src.url });
  target = createPostgresConnector({ connectionString: dst.url });
});

afterAll(async () => {
  await source?.close();
  await target?.close();
  await srcDb?.end();
  await dstDb?.end();
  await src?.drop();
  await dst?.drop();
});

const spec = (over: Partial<SourceSpec> = {}): SourceSpec => ({
  table: 'hr.person',
  query: null,
  keyColumns: ['id'],
  incremental: { column: 'updated_at', kind: 'timestamp' },
  fields: [
    { field: 'id', column: 'id', dataType: 'integer', mask: null },
    { field: 'name', column: 'name', dataType: 'string', mask: null },
    { field: 'id_no', column: 'id_no', dataType: 'string', mask: null },
    { field: 'age', column: 'age', dataType: 'integer', mask: null },
    { field: 'updated_at', column: 'updated_at', dataType: 'datetime', mask: null },
    { field: 'note', column: 'note', dataType: 'string', mask: null },
  ],
  ...over,
});

async function extractAll(s: SourceSpec, batchSize: number, from: Checkpoint | null = null) {
  const batches: { csv: string; rowCount: number; checkpoint: Checkpoint | null }[] = [];
  let after = from;
  for (;;) {
    const c = collector();
    const r = await source.extract(s, after, batchSize, c.out);
    const csv = await c.text();
    if (r.rowCount === 0) {
      expect(r.checkpoint).toBeNull();
      expect(csv).toBe('');
      break;
    }
    batches.push({ csv, rowCount: r.rowCount, checkpoint: r.checkpoint });
    after = r.checkpoint;
  }
  return { batches, last: after };
}

const ids = (csv: string) => [...csv.matchAll(/^(\d+),/gm)].map((m) => Number(m[1]));

function batchRef(over: Partial<BatchRef> = {}): BatchRef {
  return {
    batchId: crypto.randomUUID(),
    taskId: '00000000-0000-4000-8000-000000000001',
    targetId: '00000000-0000-4000-8000-000000000002',
    seq: 1,
    rowCount: 0,
    columns: spec().fields.map((f) => ({ name: f.field, type: f.dataType })),
    ...over,
  };
}

const copyTarget: TargetApplySpec = {
  table: 'public.person_copy',
  keyColumns: ['id'],
  mode: 'upsert',
  columnMap: { id: 'id', name: 'xm', id_no: 'sfzh', age: 'age', updated_at: 'updated_at', note: 'note' },
};

describe('PostgreSQL connector', () => {
  it('reports its server version and checks the source columns', async () => {
    expect((await source.test()).serverVersion).toMatch(/^PostgreSQL \d+/);
    await source.checkSource(spec());
    const err = await source.checkSource(spec({ fields: [...spec().fields, { field: 'x', column: 'gone_col', dataType: 'string', mask: null }] })).catch((e) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.code).toBe('SOURCE_COLUMN_MISSING');
    expect(err.message).toContain('gone_col');
    const err2 = await source.checkSource(spec({ incremental: { column: 'changed', kind: 'timestamp' } })).catch((e) => e);
    expect(err2.code).toBe('SOURCE_COLUMN_MISSING');
    expect(err2.message).toContain('changed');
    // Extraction itself says the same when a column disappears between runs.
    const err3 = await source.extract(spec({ keyColumns: ['pk'] }), null, 5, collector().out).catch((e) => e);
    expect(err3.code).toBe('SOURCE_COLUMN_MISSING');
    expect(err3.message).toContain('pk');
  });

  it('extracts incrementally in batches with tuple checkpoints: equal timestamps across a batch boundary lose and repeat nothing', async () => {
    const { batches, last } = await extractAll(spec(), 3);
    expect(batches.map((b) => b.rowCount)).toEqual([3, 3, 3, 3, 3, 3, 3, 3, 1]);
    const all = batches.flatMap((b) => ids(b.csv));
    expect(all).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(batches[0].checkpoint).toEqual(['2026-01-01 00:00:00+00', '3']);
    expect(last).toEqual(['2026-01-01 00:04:00+00', '25']);
    // CSV exactly as COPY writes it: NULL empty, empty string quoted, newlines and quotes quoted.
    expect(batches[0].csv).toBe(
      '1,name 1,110101199001000001,21,2026-01-01 00:00:00+00,""\n' +
      '2,name 2,110101199001000002,22,2026-01-01 00:00:00+00,"line 1\nline ""2"", ok"\n' +
      '3,name 3,110101199001000003,23,2026-01-01 00:00:00+00,"line 1\nline ""2"", ok"\n');
    expect(ids(batches[1].csv)).toEqual([4, 5, 6]);
    expect(batches[1].csv).toMatch(/^4,.*,24,2026-01-01 00:00:00\+00,$/m);

    expect(await source.countPending(spec(), null)).toBe(25);
    expect(await source.countPending(spec(), batches[2].checkpoint)).toBe(16);
    expect(await source.countPending(spec(), last)).toBe(0);

    // Rows changed later (one with a timestamp equal to the checkpoint's but a higher key) come next.
    await srcDb.query(`UPDATE hr.person SET age = 99, updated_at = '2026-02-01 00:00:00+00' WHERE id IN (7, 2)`);
    await srcDb.query(`INSERT INTO hr.person VALUES (26, 'late', NULL, 1, '2026-01-01 00:04:00+00', NULL)`);
    const more = await extractAll(spec(), 2, last);
    expect(more.batches.flatMap((b) => ids(b.csv))).toEqual([26, 2, 7]);
    await srcDb.query(`DELETE FROM hr.person WHERE id = 26; UPDATE hr.person SET age = 20 + id, updated_at = timestamptz '2026-01-01 00:00:00+00' + ((id - 1) / 5) * interval '1 minute' WHERE id IN (2, 7)`);
  });

  it('reports the incremental high-water mark and reads no row past an upTo bound (settle window)', async () => {
    expect(await source.highWater(spec())).toEqual({ value: '2026-01-01 00:04:00+00', openTransactions: [] });
    expect((await source.highWater(spec({ incremental: { column: 'id', kind: 'sequence' } }))).value).toBe('25');
    // A transaction open in the source database is listed until it ends; one in another database is not.
    const open = await srcDb.connect();
    const elsewhere = await dstDb.connect();
    try {
      await open.query('BEGIN; SELECT 1');
      await elsewhere.query('BEGIN; SELECT 1');
      const hw = await source.highWater(spec());
      expect(hw.openTransactions).toHaveLength(1);
      expect(await source.stillOpen!(hw.openTransactions!)).toEqual(hw.openTransactions);
      await open.query('COMMIT');
      expect(await source.stillOpen!(hw.openTransactions!)).toEqual([]);
    } finally {
      await open.query('ROLLBACK').catch(() => {});
      await elsewhere.query('ROLLBACK').catch(() => {});
      open.release();
      elsewhere.release();
    }
    // Up to 00:01 inclusive: the ten rows of the first two minutes, in batches across the bound.
    const c1 = collector();
    const r1 = await source.extract(spec(), null, 7, c1.out, '2026-01-01 00:01:00+00');
    expect(ids(await c1.text())).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const c2 = collector();
    const r2 = await source.extract(spec(), r1.checkpoint, 7, c2.out, '2026-01-01 00:01:00+00');
    expect(ids(await c2.text())).toEqual([8, 9, 10]);
    expect(r2.checkpoint).toEqual(['2026-01-01 00:01:00+00', '10']);
    const c3 = collector();
    expect((await source.extract(spec(), r2.checkpoint, 7, c3.out, '2026-01-01 00:01:00+00')).rowCount).toBe(0);
    // The bound compares as the column's type: a sequence bound of '9' is not the text '9' (> '10').
    const c4 = collector();
    await source.extract(spec({ incremental: { column: 'id', kind: 'sequence' } }), null, 50, c4.out, '9');
    expect(ids(await c4.text())).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const empty = spec({ table: null, query: 'SELECT * FROM hr.person WHERE false' });
    expect((await source.highWater(empty)).value).toBeNull();
    await expect(source.highWater(spec({ incremental: null }))).rejects.toThrow(/no incremental column/);
  });

  it('reads COPY output exactly as pg-copy-streams does, rows of any size across socket chunks, and keeps the last row', async () => {
    await srcDb.query(`CREATE TABLE hr.wide (id text PRIMARY KEY, v text NOT NULL, updated_at timestamptz NOT NULL)`);
    // Sizes from 1 byte to 300 KB (beyond one output buffer), so message headers and rows fall
    // across socket reads everywhere; keys with a comma, a quote and a newline.
    await srcDb.query(`INSERT INTO hr.wide SELECT 'k' || lpad(i::text, 5, '0') || CASE WHEN i % 7 = 0 THEN E',"\\n' ELSE '' END,
      repeat(chr(19968 + i % 500), CASE WHEN i = 2500 THEN 100000 ELSE (i * 37) % 3000 + 1 END), timestamptz '2026-03-01' + i * interval '1 second'
      FROM generate_series(1, 3000) AS i`);
    const query = `COPY (SELECT id, v FROM hr.wide ORDER BY id) TO STDOUT WITH (FORMAT csv)`;
    const read = async (make: (q: string) => NodeJS.ReadableStream & { rowCount?: number | null }) => {
      const c = await srcDb.connect();
      try {
        const stream = c.query(make(query) as never) as unknown as NodeJS.ReadableStream & { rowCount: number; lastRow?: Buffer | null };
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        return { bytes: Buffer.concat(chunks), rowCount: stream.rowCount, lastRow: stream.lastRow, pieces: chunks.length };
      } finally {
        c.release();
      }
    };
    const mine = await read(copyOut);
    const theirs = await read(copyTo);
    expect(mine.bytes.length).toBeGreaterThan(5_000_000);
    expect(mine.bytes.equals(theirs.bytes)).toBe(true);
    expect(mine.rowCount).toBe(3000);
    expect(mine.pieces).toBeLessThan(theirs.pieces);
    const lastLine = (await srcDb.query(`SELECT id, v FROM hr.wide ORDER BY id DESC LIMIT 1`)).rows[0];
    expect(mine.lastRow!.toString('utf8')).toBe(`${lastLine.id},${lastLine.v}\n`);
    // An error in the middle of a COPY reaches the query, and the connection stays usable.
    const c = await srcDb.connect();
    try {
      const bad = c.query(copyOut(`COPY (SELECT 1 / (3000 - row_number() OVER ()) FROM hr.wide) TO STDOUT`) as never) as unknown as NodeJS.ReadableStream;
      await expect((async () => { for await (const _ of bad) void _; })()).rejects.toThrow(/division by zero/);
      expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      c.release();
    }

    // The checkpoint comes off the last row when the ordering columns travel unmasked, and from the
    // database otherwise; both are the same, batch after batch.
    const wide = (fields: SourceSpec['fields']): SourceSpec => ({ table: 'hr.wide', query: null, keyColumns: ['id'], incremental: { column: 'updated_at', kind: 'timestamp' }, fields });
    const open = wide([{ field: 'id', column: 'id', dataType: 'string', mask: null }, { field: 'updated_at', column: 'updated_at', dataType: 'datetime', mask: null }]);
    const masked = wide([{ field: 'id', column: 'id', dataType: 'string', mask: { keepStart: 1, keepEnd: 0 } }, { field: 'v', column: 'v', dataType: 'string', mask: null }]);
    const a = await extractAll(open, 700);
    const b = await extractAll(masked, 700);
    expect(a.batches.map((x) => x.checkpoint)).toEqual(b.batches.map((x) => x.checkpoint));
    expect(a.batches.map((x) => x.rowCount)).toEqual([700, 700, 700, 700, 200]);
    expect(a.last).toEqual(['2026-03-01 00:50:00+00', 'k03000']);
    expect(a.batches[0].checkpoint).toEqual(['2026-03-01 00:11:40+00', 'k00700,"\n']);
    await srcDb.query('DROP TABLE hr.wide');
  });

  it('extracts a full snapshot in key order, and from a query source', async () => {
    const full = await extractAll(spec({ incremental: null }), 10);
    expect(full.batches.map((b) => b.checkpoint)).toEqual([['10'], ['20'], ['25']]);
    expect(full.batches.flatMap((b) => ids(b.csv))).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));

    const q = spec({ table: null, query: 'SELECT id, name, id_no, age, updated_at, note FROM hr.person WHERE id % 2 = 0;' });
    const viaQuery = await extractAll(q, 4);
    expect(viaQuery.batches.flatMap((b) => ids(b.csv))).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24]);
    const commented = spec({ table: null, query: 'SELECT * FROM hr.person -- every row\n-- and a closing comment' });
    expect((await extractAll(commented, 100)).batches[0].rowCount).toBe(25);
    const injected = spec({ table: null, query: 'SELECT * FROM hr.person) AS x; COMMIT; DROP TABLE hr.person; SELECT * FROM (SELECT 1' });
    const err = await source.extract(injected, null, 10, collector().out).catch((e) => e);
    expect(err.code).toBe('SOURCE_QUERY_FAILED');
    expect((await srcDb.query('SELECT count(*)::int AS n FROM hr.person')).rows[0].n).toBe(25);
  });

  it('masks at the source: keeps the configured ends, hides short values whole, NULL stays NULL', async () => {
    await srcDb.query(`INSERT INTO hr.person VALUES (100, '张三丰', NULL, 1, '2030-01-01', NULL), (101, '李四', '12', 1, '2030-01-01', NULL)`);
    try {
      const s = spec({
        fields: [
          { field: 'id', column: 'id', dataType: 'integer', mask: null },
          { field: 'name', column: 'name', dataType: 'string', mask: { keepStart: 1, keepEnd: 0 } },
          { field: 'id_no', column: 'id_no', dataType: 'string', mask: { keepStart: 6, keepEnd: 4 } },
        ],
      });
      const c = collector();
      await source.extract(s, ['2029-12-31 00:00:00+00', '0'], 10, c.out);
      expect(await c.text()).toBe('100,张**,\n101,李*,**\n');
      const c2 = collector();
      await source.extract(s, null, 1, c2.out);
      expect(await c2.text()).toBe('1,n*****,110101********0001\n');
    } finally {
      await srcDb.query('DELETE FROM hr.person WHERE id >= 100');
    }
  });

  it('applies batches PG → PG by upsert, once: a re-delivery reports alreadyApplied and changes nothing', async () => {
    const { batches } = await extractAll(spec(), 10);
    let seq = 0;
    const refs: BatchRef[] = [];
    for (const b of batches) {
      const ref = batchRef({ seq: ++seq, rowCount: b.rowCount });
      refs.push(ref);
      expect(await target.apply(copyTarget, ref, bodyOf(b.csv))).toEqual({ appliedRows: b.rowCount, alreadyApplied: false });
    }
    const sum = `SELECT count(*)::int AS n, md5(string_agg(concat_ws('|', id, xm, sfzh, age, updated_at, coalesce(note, '<null>')), ',' ORDER BY id)) AS h FROM `;
    const a = (await srcDb.query(sum.replace('xm', 'name').replace('sfzh', 'id_no') + 'hr.person')).rows[0];
    const b = (await dstDb.query(sum + 'public.person_copy')).rows[0];
    expect(b).toEqual(a);
    expect(a.n).toBe(25);

    expect(await target.apply(copyTarget, refs[1], bodyOf(batches[1].csv))).toEqual({ appliedRows: batches[1].rowCount, alreadyApplied: true });
    const applied = await dstDb.query('SELECT count(*)::int AS n FROM zt_exchange_applied');
    expect(applied.rows[0].n).toBe(batches.length);

    // An upsert of changed rows updates them in place.
    const ref = batchRef({ rowCount: 1 });
    await target.apply(copyTarget, ref, bodyOf('3,renamed,x,50,2026-03-01 00:00:00+00,\n'));
    const row = (await dstDb.query('SELECT xm, age, note FROM person_copy WHERE id = 3')).rows[0];
    expect(row).toEqual({ xm: 'renamed', age: 50, note: null });
    expect((await dstDb.query('SELECT count(*)::int AS n FROM person_copy')).rows[0].n).toBe(25);
  });

  it('appends, and concurrent deliveries of one batch apply it once', async () => {
    const log: TargetApplySpec = { table: 'person_log', keyColumns: [], mode: 'append', columnMap: { id: 'id', name: 'xm', age: 'age' } };
    const ref = batchRef({ rowCount: 3 });
    const csv = '1,a,x,10,2026-01-01 00:00:00+00,y\n2,b,,11,2026-01-01 00:00:00+00,\n3,,"",,2026-01-01 00:00:00+00,""\n';
    const results = await Promise.all([1, 2, 3].map(() => target.apply(log, ref, bodyOf(csv))));
    expect(results.filter((r) => !r.alreadyApplied)).toHaveLength(1);
    expect(results.every((r) => r.appliedRows === 3)).toBe(true);
    expect((await dstDb.query('SELECT id, xm, age FROM person_log ORDER BY id')).rows).toEqual([
      { id: 1, xm: 'a', age: 10 }, { id: 2, xm: 'b', age: 11 }, { id: 3, xm: null, age: null },
    ]);
    // A new batch with the same rows appends them again (append mode keeps history).
    await target.apply(log, batchRef({ rowCount: 3 }), bodyOf(csv));
    expect((await dstDb.query('SELECT count(*)::int AS n FROM person_log')).rows[0].n).toBe(6);
  });

  it('applies nothing of a batch with one bad value, and names the column', async () => {
    const before = (await dstDb.query('SELECT count(*)::int AS n, sum(age)::int AS s FROM person_copy')).rows[0];
    const ref = batchRef({ rowCount: 3 });
    const bad = '200,a,x,1,2026-01-01 00:00:00+00,\n201,b,x,not-a-number,2026-01-01 00:00:00+00,\n3,c,x,1,2026-01-01 00:00:00+00,\n';
    const err = await target.apply(copyTarget, ref, bodyOf(bad)).catch((e) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.code).toBe('TARGET_TYPE_MISMATCH');
    expect(err.message).toContain('age');
    expect(err.retryable).toBe(false);
    expect((await dstDb.query('SELECT count(*)::int AS n, sum(age)::int AS s FROM person_copy')).rows[0]).toEqual(before);
    expect((await dstDb.query('SELECT count(*)::int AS n FROM zt_exchange_applied WHERE batch_id = $1', [ref.batchId])).rows[0].n).toBe(0);

    const long = await target.apply(copyTarget, batchRef({ rowCount: 1 }), bodyOf(`300,${'x'.repeat(41)},x,1,2026-01-01 00:00:00+00,\n`)).catch((e) => e);
    expect(long.code).toBe('TARGET_TYPE_MISMATCH');
    expect(long.message).toContain('xm');

    const extra = await target.apply(copyTarget, batchRef({ rowCount: 1 }), bodyOf('300,a,x,1,2026-01-01 00:00:00+00,,surplus\n')).catch((e) => e);
    expect(extra.code).toBe('BATCH_SCHEMA_MISMATCH');
    const short = await target.apply(copyTarget, batchRef({ rowCount: 2 }), bodyOf('300,a,x,1,2026-01-01 00:00:00+00,\n')).catch((e) => e);
    expect(short.code).toBe('BATCH_SCHEMA_MISMATCH');

    // After the fix the same batch id applies normally: the failed attempt left no idempotency row.
    expect(await target.apply(copyTarget, ref, bodyOf(bad.replace('not-a-number', '7')))).toEqual({ appliedRows: 3, alreadyApplied: false });
    expect((await dstDb.query('SELECT count(*)::int AS n FROM person_copy')).rows[0].n).toBe(before.n + 2);
  });

  it('reports a missing target column and an unreachable database', async () => {
    for (const mode of ['upsert', 'append'] as const) {
      const err = await target.apply({ ...copyTarget, mode, columnMap: { ...copyTarget.columnMap, note: 'remark' } }, batchRef({ rowCount: 1 }), bodyOf('1,a,x,1,2026-01-01 00:00:00+00,\n')).catch((e) => e);
      expect(err.code).toBe('TARGET_COLUMN_MISSING');
      expect(err.message).toContain('remark');
    }
    const down = createPostgresConnector({ url: 'postgres://postgres@127.0.0.1:1/none' });
    try {
      const err = await down.test().catch((e) => e);
      expect(err.code).toBe('CONNECTION_FAILED');
      expect(err.retryable).toBe(true);
      const err2 = await down.apply(copyTarget, batchRef({ rowCount: 0 }), bodyOf('')).catch((e) => e);
      expect(err2.code).toBe('CONNECTION_FAILED');
    } finally {
      await down.close();
    }
  });

  it('upserts a batch file of new keys by COPY and falls back to the temp table when a key exists', async () => {
    await dstDb.query('CREATE TABLE fast (id integer PRIMARY KEY, xm text, age integer NOT NULL)');
    const dir = await mkdtemp(join(tmpdir(), 'zt-pg-apply-'));
    const fast: TargetApplySpec = { table: 'fast', keyColumns: ['id'], mode: 'upsert', columnMap: { id: 'id', name: 'xm', age: 'age' } };
    const columns: BatchRef['columns'] = [{ name: 'id', type: 'integer' }, { name: 'name', type: 'string' }, { name: 'age', type: 'integer' }];
    let n = 0;
    const fileBatch = async (ids: number[], age = (id: number) => String(id)) => {
      const path = join(dir, `b${++n}.csv`);
      await writeFile(path, ids.map((id) => `${id},n${id},${age(id)}\n`).join(''));
      const ref = batchRef({ rowCount: ids.length, columns, seq: n });
      return { ref, open: () => createReadStream(path) };
    };
    const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
    const state = async () => (await dstDb.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, sum(age)::int AS s FROM fast')).rows[0];
    try {
      const b1 = await fileBatch(range(1, 100));
      expect(await target.apply(fast, b1.ref, b1.open())).toEqual({ appliedRows: 100, alreadyApplied: false });
      // New keys first, then one present: the COPY gets half way, rolls back to its savepoint,
      // and the temp-table route applies the whole batch once.
      const b2 = await fileBatch([...range(101, 150), 5], (id) => (id === 5 ? '1000' : String(id)));
      expect(await target.apply(fast, b2.ref, b2.open())).toEqual({ appliedRows: 51, alreadyApplied: false });
      const sum150 = (150 * 151) / 2 - 5 + 1000;
      expect(await state()).toEqual({ n: 150, d: 150, s: sum150 });
      for (const ids of [range(151, 160), range(161, 170), [1, 171]]) {
        const b = await fileBatch(ids);
        expect(await target.apply(fast, b.ref, b.open())).toEqual({ appliedRows: ids.length, alreadyApplied: false });
      }
      expect(await state()).toEqual({ n: 171, d: 171, s: sum150 + (171 * 172) / 2 - (150 * 151) / 2 });
      expect(await target.apply(fast, b2.ref, b2.open())).toEqual({ appliedRows: 51, alreadyApplied: true });
      // A bad value on either route applies nothing.
      const before = await state();
      const bad = await fileBatch(range(200, 210), (id) => (id === 205 ? 'x' : String(id)));
      expect((await target.apply(fast, bad.ref, bad.open()).catch((e) => e)).code).toBe('TARGET_TYPE_MISMATCH');
      const badNull = await fileBatch([220, 1], (id) => (id === 1 ? '' : '1'));
      expect((await target.apply(fast, badNull.ref, badNull.open()).catch((e) => e)).code).toBe('TARGET_APPLY_FAILED');
      expect(await state()).toEqual(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('counts pending rows exactly up to 100,000 and estimates beyond', async () => {
    await srcDb.query('CREATE TABLE big (id integer PRIMARY KEY); INSERT INTO big SELECT generate_series(1, 150000); ANALYZE big');
    const s = spec({ table: 'big', incremental: null, fields: [{ field: 'id', column: 'id', dataType: 'integer', mask: null }] });
    const all = await source.countPending(s, null);
    expect(all).toBeGreaterThan(100_000);
    expect(Math.abs(all - 150_000)).toBeLessThan(30_000);
    expect(await source.countPending(s, ['60000'])).toBe(90_000);
  });
});
