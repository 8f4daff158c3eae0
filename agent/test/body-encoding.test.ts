// Row batches compressed with zstd (ADR 0013): what the source writes, what the target reads back,
// and what happens to a body that does not decode or decodes to another size than was signed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadStream, readFileSync } from 'node:fs';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { zstdCompressSync } from 'node:zlib';
import pg from 'pg';
import { sm3Hex } from '@zhengtong/server/crypto';
import { createPostgresConnector } from '../src/connectors/postgres.ts';
import type { BatchRef, DatabaseConnector, TargetApplySpec } from '../src/connectors/types.ts';
import { writeBatchFile } from '../src/engine/batch-file.ts';
import { BodyDecodeError, decodedBody } from '../src/engine/body-encoding.ts';
import { createPgDatabase } from './connectors/scratch.ts';

let dir: string;
let dst: { url: string; drop: () => Promise<void> };
let db: pg.Pool;
let target: DatabaseConnector;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zt-body-encoding-'));
  dst = await createPgDatabase('zt_body_enc');
  db = new pg.Pool({ connectionString: dst.url, max: 2 });
  await db.query('CREATE TABLE person (id integer PRIMARY KEY, xm text NOT NULL, age integer NOT NULL)');
  target = createPostgresConnector({ url: dst.url });
});

afterAll(async () => {
  await target?.close();
  await db?.end();
  await dst?.drop();
  await rm(dir, { recursive: true, force: true });
});

const csv = (ids: number[], age = (id: number) => String(id)) => ids.map((id) => `${id},"名 ${id}, 南昌",${age(id)}\n`).join('');
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** A batch file as the source agent writes it, and the manifest fields a target reads it with. */
async function batchFile(body: string, encoding: 'zstd' | 'identity' = 'zstd') {
  const path = join(dir, `${randomUUID()}.body`);
  const w = await writeBatchFile(path, async (out) => { out.write(body.slice(0, 7)); out.write(body.slice(7)); }, encoding);
  const m = { batchId: randomUUID(), encoding: w.encoding, rawBytes: w.rawBytes, bytes: w.bytes };
  // As applyBody does: an error listener, so a body that fails before the connector reads it keeps
  // the error as its state (the connector's pipeline reports it) instead of crashing the process.
  return { path, w, m, open: () => decodedBody(createReadStream(path), m).on('error', () => {}) };
}

describe('zstd batch bodies', () => {
  it('the source writes the compressed body, hashed as sent, with the size of the CSV inside', async () => {
    const body = csv(range(1, 2000));
    const { path, w, open } = await batchFile(body);
    const onDisk = readFileSync(path);
    expect(w.encoding).toBe('zstd');
    expect([w.bytes, w.sm3, w.rawBytes]).toEqual([onDisk.length, sm3Hex(onDisk), Buffer.byteLength(body)]);
    expect(w.bytes).toBeLessThan(w.rawBytes / 3);
    expect(await text(open())).toBe(body);

    const plain = await batchFile(body, 'identity');
    expect(readFileSync(plain.path, 'utf8')).toBe(body);
    expect([plain.w.bytes, plain.w.rawBytes]).toEqual([Buffer.byteLength(body), Buffer.byteLength(body)]);
    expect(await text(plain.open())).toBe(body);
  });

  it('a body that does not decode, or decodes to another size than signed, is refused', async () => {
    const body = csv(range(1, 500));
    const cut = await batchFile(body);
    await truncate(cut.path, cut.w.bytes - 20);
    await expect(text(cut.open())).rejects.toThrow(BodyDecodeError);

    const garbage = join(dir, 'garbage.body');
    await writeFile(garbage, 'not zstd at all');
    await expect(text(decodedBody(createReadStream(garbage), { batchId: 'g', encoding: 'zstd', rawBytes: 10, bytes: 15 }))).rejects.toThrow(/does not decode/);

    const ok = await batchFile(body);
    for (const rawBytes of [ok.w.rawBytes - 1, ok.w.rawBytes + 1]) {
      const err = await text(decodedBody(createReadStream(ok.path), { ...ok.m, rawBytes })).catch((e) => e);
      expect(err).toBeInstanceOf(BodyDecodeError);
      expect(err.message).toMatch(/manifest says/);
    }
    // A small body that expands far beyond its signed size stops at that size (a zip bomb).
    const bomb = join(dir, 'bomb.body');
    await writeFile(bomb, zstdCompressSync(Buffer.alloc(50_000_000, 'a')));
    await expect(text(decodedBody(createReadStream(bomb), { batchId: 'b', encoding: 'zstd', rawBytes: 1000, bytes: 100 }))).rejects.toThrow(/more than 1000 bytes/);

    expect(() => decodedBody(createReadStream(ok.path), { ...ok.m, encoding: 'br' as 'zstd' })).toThrow(/unknown body encoding/);
  });

  it('PostgreSQL applies a compressed body, reads it again for the temp-table route, and applies nothing of one that does not decode', async () => {
    const spec: TargetApplySpec = { table: 'person', keyColumns: ['id'], mode: 'upsert', columnMap: { id: 'id', name: 'xm', age: 'age' } };
    const columns: BatchRef['columns'] = [{ name: 'id', type: 'integer' }, { name: 'name', type: 'string' }, { name: 'age', type: 'integer' }];
    let seq = 0;
    const ref = (rowCount: number): BatchRef => ({ batchId: randomUUID(), taskId: randomUUID(), targetId: randomUUID(), seq: ++seq, rowCount, columns });
    const state = async () => (await db.query('SELECT count(*)::int AS n, sum(age)::int AS s FROM person')).rows[0];

    const first = await batchFile(csv(range(1, 300)));
    expect(await target.apply(spec, ref(300), first.open(), first.open)).toEqual({ appliedRows: 300, alreadyApplied: false });
    // New keys, then one present: the direct COPY rolls back and the body is decoded a second time.
    const mixed = await batchFile(csv([...range(301, 400), 7], (id) => (id === 7 ? '1000' : String(id))));
    expect(await target.apply(spec, ref(101), mixed.open(), mixed.open)).toEqual({ appliedRows: 101, alreadyApplied: false });
    const sum = (400 * 401) / 2 - 7 + 1000;
    expect(await state()).toEqual({ n: 400, s: sum });

    const cut = await batchFile(csv(range(401, 3000)));
    await truncate(cut.path, Math.floor(cut.w.bytes / 2));
    const err = await target.apply(spec, ref(2600), cut.open(), cut.open).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(await state()).toEqual({ n: 400, s: sum });
  });
});
