// Extraction into the outbox against a real PostgreSQL source: snapshot parts and the `last` flag,
// incremental checkpoints, bodies matching their signed manifests.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { zstdDecompressSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSm2KeyPair, sm3Hex } from '@zhengtong/server/crypto';
import type { SourceTask } from '../src/center/types.ts';
import { createPostgresConnector } from '../src/connectors/postgres.ts';
import type { DatabaseConnector } from '../src/connectors/types.ts';
import { extractStep } from '../src/engine/extract.ts';
import { SettleHorizon } from '../src/engine/settle.ts';
import { verifyBatchManifest } from '../src/engine/manifest.ts';
import { StateStore } from '../src/state/store.ts';
import { createPgDatabase } from './connectors/scratch.ts';

const key = generateSm2KeyPair();
const node = { nodeId: randomUUID(), privateKeyPem: key.privateKeyPem };
let db: { url: string; drop: () => Promise<void> };
let client: pg.Client;
let conn: DatabaseConnector;
let store: StateStore;
const dir = mkdtempSync(join(tmpdir(), 'zt-agent-extract-'));

function task(over: Partial<SourceTask['source']> = {}, batchSize = 10, settleSeconds = 0): SourceTask {
  return {
    taskId: randomUUID(),
    name: 'people',
    status: 'active',
    statusCode: null,
    statusReason: null,
    source: { connection: 'main', table: 'public.person', query: null, keyColumns: ['id'], incremental: null, ...over },
    fields: [
      { field: 'id', column: 'id', dataType: 'integer', mask: null },
      { field: 'name', column: 'xm', dataType: 'string', mask: null },
      { field: 'idNo', column: 'sfzh', dataType: 'string', mask: { keepStart: 6, keepEnd: 4 } },
    ],
    schedule: { kind: 'continuous', pollSeconds: 1 },
    strategy: { batchSize, priority: 5, maxInFlight: 4, window: null, settleSeconds },
  };
}

/** The CSV inside a (compressed) outbox file. */
const csvOf = (path: string) => zstdDecompressSync(readFileSync(path)).toString('utf8');

async function drain(t: SourceTask, horizon?: SettleHorizon) {
  const steps = [];
  for (let i = 0; i < 20; i++) {
    const s = await extractStep(store, node, t, conn, { horizon });
    if (s.manifest) steps.push(s);
    if (!s.more) break;
  }
  return steps;
}

beforeAll(async () => {
  db = await createPgDatabase('zt_agent_extract');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query(`CREATE TABLE person (id int PRIMARY KEY, xm text, sfzh text, updated_at timestamptz NOT NULL DEFAULT now())`);
  await client.query(`INSERT INTO person (id, xm, sfzh, updated_at) SELECT g, 'name ' || g, '36010219900101' || lpad(g::text, 4, '0'), '2026-01-01'::timestamptz + g * interval '1 minute' FROM generate_series(1, 25) g`);
  conn = createPostgresConnector({ url: db.url });
  store = await StateStore.open(join(dir, 'state-dir'));
});

afterAll(async () => {
  await store?.close();
  await conn?.close();
  await client?.end();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('extraction into the outbox', () => {
  it('a full snapshot goes in key order as numbered parts, the last one flagged, then the checkpoint resets', async () => {
    const t = task();
    const steps = await drain(t);
    expect(steps.map((s) => s.rows)).toEqual([10, 10, 5]);
    const ms = steps.map((s) => s.manifest!);
    expect(new Set(ms.map((m) => m.snapshot!.id)).size).toBe(1);
    expect(ms.map((m) => [m.seq, m.snapshot!.part, m.snapshot!.last])).toEqual([
      [1, 1, false],
      [2, 2, false],
      [3, 3, true],
    ]);
    expect(ms.map((m) => m.checkpoint)).toEqual([
      { from: null, to: '["10"]' },
      { from: '["10"]', to: '["20"]' },
      { from: '["20"]', to: '["25"]' },
    ]);
    const rows = await store.outbox(t.taskId);
    for (const r of rows) {
      // SM3 and size are of the body as sent (compressed); rawBytes of the CSV inside.
      const bytes = readFileSync(r.filePath);
      expect(sm3Hex(bytes)).toBe(r.manifest.sm3);
      expect(bytes.length).toBe(r.manifest.bytes);
      expect(r.manifest.encoding).toBe('zstd');
      expect(zstdDecompressSync(bytes).length).toBe(r.manifest.rawBytes);
      expect(verifyBatchManifest(key.publicKeyPem, r.manifest, r.signature)).toBe(true);
    }
    const first = csvOf(rows[0].filePath).split('\n');
    expect(first[0]).toBe('1,name 1,360102********0001');
    expect(ms[0].columns).toEqual([
      { name: 'id', type: 'integer' },
      { name: 'name', type: 'string' },
      { name: 'idNo', type: 'string' },
    ]);
    const st = await store.task(t.taskId);
    expect([st.checkpoint, st.snapshotId, st.snapshotPart, st.nextSeq]).toEqual([null, null, 0, 4]);

    // The next run is a new snapshot.
    const again = await drain(t);
    expect(again[0].manifest!.snapshot!.id).not.toBe(ms[0].snapshot!.id);
    expect(again[0].manifest!.seq).toBe(4);
  });

  it('with compression off (identity) the outbox file is the CSV itself', async () => {
    const t = task({}, 100);
    const step = await extractStep(store, node, t, conn, { encoding: 'identity' });
    const m = step.manifest!;
    expect([m.encoding, m.rawBytes]).toEqual(['identity', m.bytes]);
    const head = (await store.outboxHead(t.taskId))!;
    expect(readFileSync(head.filePath, 'utf8').split('\n')[0]).toBe('1,name 1,360102********0001');
  });

  it('a snapshot whose size is a multiple of the batch size ends on its last full part', async () => {
    const t = task({}, 5);
    const steps = await drain(t);
    expect(steps.map((s) => [s.rows, s.manifest!.snapshot!.last])).toEqual([
      [5, false],
      [5, false],
      [5, false],
      [5, false],
      [5, true],
    ]);
  });

  it('incremental extraction continues after the checkpoint and finds nothing when nothing changed', async () => {
    const t = task({ incremental: { column: 'updated_at', kind: 'timestamp' } }, 10);
    expect((await drain(t)).map((s) => s.rows)).toEqual([10, 10, 5]);
    expect(await drain(t)).toEqual([]);
    await client.query(`UPDATE person SET xm = 'changed', updated_at = '2026-06-01' WHERE id IN (3, 4)`);
    const next = await drain(t);
    expect(next.map((s) => s.rows)).toEqual([2]);
    expect(next[0].manifest!.snapshot).toBeNull();
    expect(JSON.parse(next[0].manifest!.checkpoint.to)).toHaveLength(2);
    expect(csvOf((await store.outboxHead(t.taskId))!.filePath)).toContain('1,name 1');
    const st = await store.task(t.taskId);
    expect(st.nextSeq).toBe(5);
    expect(st.checkpoint).toBe(next[0].manifest!.checkpoint.to);
  });
});

/** The ids in the task's outbox batches from `fromSeq` on, in order. */
async function outboxIds(taskId: string, fromSeq = 0): Promise<number[]> {
  const rows = (await store.outbox(taskId)).filter((r) => r.seq >= fromSeq);
  return rows.flatMap((r) => [...csvOf(r.filePath).matchAll(/^(\d+),/gm)].map((m) => Number(m[1])));
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the settle window of an incremental task (ADR 0015)', () => {
  it('keeps a row that commits after a later one: without the window it falls behind the checkpoint for ever', async () => {
    const incremental = { column: 'updated_at', kind: 'timestamp' as const };
    const late = new pg.Client({ connectionString: db.url });
    await late.connect();
    try {
      // Without a settle window: a transaction takes now() = T1, another commits at T2 > T1 and is
      // read, the checkpoint passes T1, then the first commits. Its row is never read.
      const bare = task({ incremental }, 100, 0);
      await drain(bare);
      await late.query(`BEGIN; INSERT INTO person (id, xm, sfzh) VALUES (200, 'slow', 'x')`);
      await pause(20);
      await client.query(`INSERT INTO person (id, xm, sfzh) VALUES (201, 'quick', 'x')`);
      expect((await drain(bare)).map((s) => s.rows)).toEqual([1]);
      await late.query('COMMIT');
      expect(await drain(bare)).toEqual([]);
      expect(await outboxIds(bare.taskId)).not.toContain(200);

      // With a settle window the same race loses nothing. PostgreSQL lists the transactions open
      // when the high-water mark is read, so the agent waits exactly until they end (here well
      // inside the 5 s window), and reads the late row before the one that passed it.
      const settled = task({ incremental }, 100, 5);
      const horizon = new SettleHorizon();
      await late.query(`BEGIN; INSERT INTO person (id, xm, sfzh) VALUES (300, 'slow', 'x')`);
      await pause(20);
      await client.query(`INSERT INTO person (id, xm, sfzh) VALUES (301, 'quick', 'x')`);
      const t0 = Date.now();
      const first = drain(settled, horizon);
      await pause(300);
      await late.query('COMMIT');
      await first;
      expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
      expect(Date.now() - t0).toBeLessThan(4000);
      expect((await outboxIds(settled.taskId)).slice(-2)).toEqual([300, 301]);

      // Later, with the last sample ripe: a row committed past an open transaction waits for it.
      await pause(600); // the next read takes a new sample
      const before = (await store.task(settled.taskId)).nextSeq;
      await late.query(`BEGIN; INSERT INTO person (id, xm, sfzh) VALUES (302, 'slow', 'x')`);
      await pause(20);
      await client.query(`INSERT INTO person (id, xm, sfzh) VALUES (303, 'quick', 'x')`);
      expect(await drain(settled, horizon)).toEqual([]); // 303 is visible; 302's transaction is open
      await late.query('COMMIT');
      await drain(settled, horizon);
      expect(await outboxIds(settled.taskId, before)).toEqual([302, 303]);
    } finally {
      await late.query('ROLLBACK').catch(() => {});
      await late.end();
    }
  });

  it('samples the high-water mark at most every 500 ms, reads up to the newest sample a window old, and waits only when none is (no list of open transactions)', async () => {
    let now = 1_000_000;
    let mark = 10;
    const reads: number[] = [];
    const highWater = {
      highWater: async () => {
        reads.push(now);
        return { value: String(mark), openTransactions: null };
      },
    };
    const h = new SettleHorizon(() => now);
    // No sample is old enough: it waits the window out (a real sleep, as the clock stands still
    // here: it sleeps 30 ms, then 1 ms at a time until the clock moves) and then uses it.
    const first = h.bound(0.03, highWater);
    setTimeout(() => (now += 30), 10);
    expect(await first).toBe('10');
    mark = 20;
    now += 100;
    expect(await h.bound(0.03, highWater)).toBe('10'); // sampled 20 just now; 10 is the ripe one
    expect(reads).toHaveLength(1); // 130 ms after the first sample: not asked again
    now += 400;
    expect(await h.bound(0.03, highWater)).toBe('10'); // 20 sampled now, not ripe yet
    expect(reads).toHaveLength(2);
    now += 30;
    expect(await h.bound(0.03, highWater)).toBe('20');
    expect(reads).toHaveLength(2);
    // An hour later (the next run of an hourly task) the old sample is stale: it waits for a fresh one.
    now += 3_600_000;
    mark = 30;
    const later = h.bound(0.03, highWater);
    setTimeout(() => (now += 30), 10);
    expect(await later).toBe('30');
    expect(reads).toHaveLength(3);
    const empty = new SettleHorizon(() => now);
    expect(await empty.bound(0, { highWater: async () => ({ value: null, openTransactions: null }) })).toBeNull();
  });

  it('takes a sample as ripe once the transactions open at it have ended, before the window is over', async () => {
    let now = 5_000_000;
    let open = ['4/17', '5/3'];
    const asked: string[][] = [];
    const source = {
      highWater: async () => ({ value: '7', openTransactions: [...open] }),
      stillOpen: async (ids: string[]) => {
        asked.push(ids);
        return ids.filter((id) => open.includes(id));
      },
    };
    const h = new SettleHorizon(() => now);
    const bound = h.bound(60, source);
    setTimeout(() => (open = ['5/3']), 150);
    setTimeout(() => (open = []), 350);
    expect(await bound).toBe('7'); // 0 ms on the fake clock: long before the 60 s window
    expect(asked.length).toBeGreaterThanOrEqual(3);
    expect(asked.at(-1)).toEqual(['5/3']);
    // A source with no open transaction is ripe at once.
    now += 600;
    open = [];
    const quiet = new SettleHorizon(() => now);
    expect(await quiet.bound(60, { highWater: async () => ({ value: '9', openTransactions: [] }) })).toBe('9');
  });
});
