import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../src/center/types.ts';
import { buildManifest } from '../src/engine/manifest.ts';
import { ensureNodeKey, nodeKeyPath, readCredential, writeIdentity } from '../src/state/identity.ts';
import { acquireLock, StateLockedError } from '../src/state/lock.ts';
import { StateStore } from '../src/state/store.ts';

const root = mkdtempSync(join(tmpdir(), 'zt-agent-state-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TASK = '11111111-1111-4111-8111-111111111111';
const SM3 = 'a'.repeat(64);

function manifest(seq: number, from: string | null, to: string, snapshot: Manifest['snapshot'] = null): Manifest {
  return buildManifest({
    batchId: randomUUID(),
    taskId: TASK,
    sourceNodeId: randomUUID(),
    seq,
    kind: 'rows',
    columns: [{ name: 'id', type: 'integer' }],
    rowCount: 2,
    bytes: 4,
    sm3: SM3,
    checkpoint: { from, to },
    snapshot,
    file: null,
  });
}

/** A batch as the extractor leaves it: file written, then the one transaction. */
async function addBatch(store: StateStore, m: Manifest, next: string[] | null) {
  const fileName = `${m.batchId}.csv`;
  writeFileSync(join(store.outboxDir, fileName), '1\n2\n');
  await store.commitBatch({ manifest: m, signature: 'sig', fileName }, { checkpoint: next, snapshotId: null, snapshotPart: 0 });
  return fileName;
}

describe('agent state', () => {
  it('keeps the outbox depth it remembers equal to the table, whatever runs at the same time', async () => {
    const dir = join(root, 'depth');
    const store = await StateStore.open(dir);
    const counted = async () => (await store.outbox(TASK)).length;
    try {
      // The first count and a commit started together: neither misses the other.
      const m1 = manifest(1, null, '["1"]');
      const [depth] = await Promise.all([store.outboxDepth(TASK), addBatch(store, m1, ['1'])]);
      expect([0, 1]).toContain(depth);
      expect(await store.outboxDepth(TASK)).toBe(await counted());
      const m2 = manifest(2, '["1"]', '["2"]');
      const m3 = manifest(3, '["2"]', '["3"]');
      await addBatch(store, m2, ['2']);
      await Promise.all([store.markSent(m1.batchId), addBatch(store, m3, ['3']), store.outboxDepth(TASK)]);
      expect(await store.outboxDepth(TASK)).toBe(2);
      expect(await counted()).toBe(2);
      await store.markSent(m1.batchId); // already gone: nothing changes
      expect(await store.outboxDepth(TASK)).toBe(2);
      await store.rewindTo(m2.batchId);
      expect(await store.outboxDepth(TASK)).toBe(0);
      expect(await counted()).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('commits the outbox row and the advanced checkpoint together, or neither', async () => {
    const dir = join(root, 'atomic');
    const store = await StateStore.open(dir);
    try {
      const m1 = manifest(1, null, '["2"]');
      await addBatch(store, m1, ['2']);
      let t = await store.task(TASK);
      expect(t.checkpoint).toBe('["2"]');
      expect(t.nextSeq).toBe(2);
      expect(await store.outboxDepth(TASK)).toBe(1);

      // A second batch claiming a sequence number already used: rejected, nothing moves.
      const stale = manifest(1, '["2"]', '["4"]');
      await expect(addBatch(store, stale, ['4'])).rejects.toThrow(/expects seq 2/);
      // The same batch id twice (outbox primary key): the checkpoint does not advance either.
      const dup = { ...manifest(2, '["2"]', '["4"]'), batchId: m1.batchId };
      await expect(store.commitBatch({ manifest: dup, signature: 's', fileName: 'x.csv' }, { checkpoint: ['4'], snapshotId: null, snapshotPart: 0 })).rejects.toThrow();
      t = await store.task(TASK);
      expect(t.checkpoint).toBe('["2"]');
      expect(t.nextSeq).toBe(2);
      expect((await store.outbox(TASK)).map((r) => r.seq)).toEqual([1]);

      const head = await store.outboxHead(TASK);
      expect(head?.batchId).toBe(m1.batchId);
      expect(head?.manifest).toEqual(m1);
      expect(existsSync(head!.filePath)).toBe(true);

      await store.markSent(m1.batchId);
      expect(await store.outboxDepth()).toBe(0);
      expect(existsSync(head!.filePath)).toBe(false);
      expect((await store.task(TASK)).rowsSent).toBe(2);
    } finally {
      await store.close();
    }
  });

  it('removes batch files without an outbox row at start, keeps checkpoints and outbox across restarts', async () => {
    const dir = join(root, 'restart');
    let store = await StateStore.open(dir);
    const m1 = manifest(1, null, '["2024-01-01","7"]');
    const kept = await addBatch(store, m1, ['2024-01-01', '7']);
    await store.setTaskError(TASK, 'extract: boom');
    await store.close();

    // A crash after the file was written and before its row committed.
    writeFileSync(join(dir, 'outbox', `${randomUUID()}.csv`), 'orphan\n');
    writeFileSync(join(dir, 'outbox', `${randomUUID()}.csv.part`), 'half');
    writeFileSync(join(dir, 'inbox', 'x.body'), 'partial download');

    store = await StateStore.open(dir);
    try {
      expect(readdirSync(join(dir, 'outbox'))).toEqual([kept]);
      expect(readdirSync(join(dir, 'inbox'))).toEqual([]);
      const t = await store.task(TASK);
      expect(t.checkpoint).toBe('["2024-01-01","7"]');
      expect(t.nextSeq).toBe(2);
      expect(t.lastError).toBe('extract: boom');
      expect((await store.outbox()).map((r) => r.batchId)).toEqual([m1.batchId]);
    } finally {
      await store.close();
    }
  });

  it('a refused batch rewinds the task to its start and drops it and every later batch', async () => {
    const dir = join(root, 'rewind');
    const store = await StateStore.open(dir);
    try {
      const m1 = manifest(1, null, '["2"]');
      const m2 = manifest(2, '["2"]', '["4"]');
      const m3 = manifest(3, '["4"]', '["6"]');
      await addBatch(store, m1, ['2']);
      await addBatch(store, m2, ['4']);
      await addBatch(store, m3, ['6']);
      const r = await store.rewindTo(m2.batchId);
      expect(r).toEqual({ dropped: 2 });
      const t = await store.task(TASK);
      expect(t.checkpoint).toBe('["2"]');
      expect(t.nextSeq).toBe(2);
      expect((await store.outbox(TASK)).map((o) => o.seq)).toEqual([1]);
      expect(readdirSync(store.outboxDir)).toEqual([`${m1.batchId}.csv`]);

      // Snapshot parts rewind to the part before, within the same snapshot.
      const snap = randomUUID();
      await store.markSent(m1.batchId);
      const s2 = manifest(2, null, '["9"]', { id: snap, part: 1, last: false });
      const fileName = `${s2.batchId}.csv`;
      writeFileSync(join(store.outboxDir, fileName), 'x');
      await store.commitBatch({ manifest: s2, signature: 's', fileName }, { checkpoint: ['9'], snapshotId: snap, snapshotPart: 1 });
      await store.rewindTo(s2.batchId);
      const t2 = await store.task(TASK);
      expect([t2.checkpoint, t2.snapshotId, t2.snapshotPart, t2.nextSeq]).toEqual([null, snap, 0, 2]);
    } finally {
      await store.close();
    }
  });

  it('keeps the node key private and refuses a second process on the same state directory', () => {
    const dir = join(root, 'identity');
    const key = ensureNodeKey(dir);
    expect(key.created).toBe(true);
    expect(statSync(nodeKeyPath(dir)).mode & 0o777).toBe(0o600);
    expect(ensureNodeKey(dir)).toMatchObject({ created: false, privateKeyPem: key.privateKeyPem });
    expect(() => readCredential(dir)).toThrow(/not enrolled/);
    writeIdentity(dir, { nodeId: 'n', clientId: 'node-x', nodeCode: 'x', nodeName: 'X', centerUrl: 'https://c', enrolledAt: new Date().toISOString() });
    expect(readCredential(dir).privateKeyPem).toBe(key.privateKeyPem);

    const release = acquireLock(dir);
    // The lock names a live process: this test's parent stands in for a running agent.
    writeFileSync(join(dir, 'agent.lock'), String(process.ppid));
    expect(() => acquireLock(dir)).toThrow(StateLockedError);
    // A lock left by a dead process is taken over.
    writeFileSync(join(dir, 'agent.lock'), '999999999');
    const again = acquireLock(dir);
    again();
    release();
    expect(existsSync(join(dir, 'agent.lock'))).toBe(false);
  });
});
