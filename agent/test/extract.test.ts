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

function task(over: Partial<SourceTask['source']> = {}, batchSize = 10): SourceTask {
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
    strategy: { batchSize, priority: 5, maxInFlight: 4, window: null },
  };
}

/** The CSV inside a (compressed) outbox file. */
const csvOf = (path: string) => zstdDecompressSync(readFileSync(path)).toString('utf8');

async function drain(t: SourceTask) {
  const steps = [];
  for (let i = 0; i < 20; i++) {
    const s = await extractStep(store, node, t, conn);
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
    const step = await extractStep(store, node, t, conn, 'identity');
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
