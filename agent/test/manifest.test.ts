import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, generateSm2KeyPair, sm3Hex } from '@zhengtong/server/crypto';
import type { Delivery, TargetSpec } from '../src/center/types.ts';
import { checkBatch, DeliveryFailure } from '../src/engine/apply.ts';
import { buildManifest, signBatchManifest, verifyBatchManifest } from '../src/engine/manifest.ts';

const body = '1,"Zhang, San",\n2,"",3\n';
const source = generateSm2KeyPair();
const other = generateSm2KeyPair();

function make() {
  return buildManifest({
    batchId: randomUUID(),
    taskId: randomUUID(),
    sourceNodeId: randomUUID(),
    seq: 17,
    kind: 'rows',
    columns: [
      { name: 'id', type: 'integer' },
      { name: 'name', type: 'string' },
      { name: 'age', type: 'integer' },
    ],
    rowCount: 2,
    bytes: Buffer.byteLength(body),
    sm3: sm3Hex(body),
    checkpoint: { from: null, to: '["2"]' },
    snapshot: { id: randomUUID(), part: 1, last: true },
    file: null,
    createdAt: new Date('2026-11-22T00:00:00Z'),
  });
}

const target: TargetSpec = {
  targetId: randomUUID(),
  taskId: '',
  name: 'copy',
  status: 'active',
  statusCode: null,
  statusReason: null,
  connection: 'warehouse',
  table: 'public.person_copy',
  keyColumns: ['id'],
  mode: 'upsert',
  columnMap: { id: 'id', name: 'xm', age: 'nl' },
};

function delivery(m: ReturnType<typeof make>, signature: string, publicKey = source.publicKeyPem): Delivery {
  return { deliveryId: randomUUID(), batchId: m.batchId, taskId: m.taskId, targetId: target.targetId, seq: m.seq, manifest: m, manifestSignature: signature, sourcePublicKey: publicKey, leaseSeconds: 300 };
}

const failure = (fn: () => void) => {
  try {
    fn();
  } catch (err) {
    return err as DeliveryFailure;
  }
  return null;
};

describe('batch manifests', () => {
  it('has exactly the protocol fields and survives a JSON round trip with its signature', () => {
    const m = make();
    expect(Object.keys(m).sort()).toEqual(
      ['batchId', 'bytes', 'checkpoint', 'columns', 'createdAt', 'encoding', 'file', 'format', 'kind', 'rawBytes', 'rowCount', 'seq', 'sm3', 'snapshot', 'sourceNodeId', 'taskId', 'v'].sort(),
    );
    expect(m.format).toBe('csv');
    const sig = signBatchManifest(source.privateKeyPem, m);
    // As the center relays it: base64url header → JSON → object with keys in another order.
    const relayed = JSON.parse(Buffer.from(Buffer.from(canonicalJson(m)).toString('base64url'), 'base64url').toString('utf8'));
    expect(verifyBatchManifest(source.publicKeyPem, relayed, sig)).toBe(true);
    expect(verifyBatchManifest(other.publicKeyPem, relayed, sig)).toBe(false);
    expect(verifyBatchManifest(source.publicKeyPem, { ...relayed, rowCount: 3 }, sig)).toBe(false);
    // The encoding and the decoded size are signed too: a relay cannot make a target decode otherwise.
    expect([m.encoding, m.rawBytes]).toEqual(['identity', m.bytes]);
    expect(verifyBatchManifest(source.publicKeyPem, { ...relayed, encoding: 'zstd' }, sig)).toBe(false);
    expect(verifyBatchManifest(source.publicKeyPem, { ...relayed, rawBytes: m.bytes + 1 }, sig)).toBe(false);
    expect(() => buildManifest({ ...m, createdAt: undefined, sm3: 'ABC', seq: 1 })).toThrow(/sm3/);
  });

  it('a target accepts a good batch and names what is wrong with a bad one', () => {
    const m = make();
    const sig = signBatchManifest(source.privateKeyPem, m);
    const good = { sm3: sm3Hex(body), bytes: Buffer.byteLength(body) };
    expect(() => checkBatch(delivery(m, sig), { ...target, taskId: m.taskId }, good)).not.toThrow();

    expect(failure(() => checkBatch(delivery(m, sig), target, { sm3: sm3Hex(body + 'x'), bytes: good.bytes + 1 }))?.code).toBe('BATCH_CHECKSUM_MISMATCH');
    expect(failure(() => checkBatch(delivery(m, sig, other.publicKeyPem), target, good))?.code).toBe('BATCH_SIGNATURE_INVALID');
    expect(failure(() => checkBatch(delivery({ ...m, rowCount: 1 }, sig), target, good))?.code).toBe('BATCH_SIGNATURE_INVALID');
    // A signed manifest replayed under another delivery's batch id.
    expect(failure(() => checkBatch({ ...delivery(m, sig), batchId: randomUUID() }, target, good))?.code).toBe('BATCH_SIGNATURE_INVALID');
    const schema = failure(() => checkBatch(delivery(m, sig), { ...target, columnMap: { id: 'id', name: 'xm' } }, good));
    expect(schema?.code).toBe('BATCH_SCHEMA_MISMATCH');
    expect(schema?.message).toMatch(/age/);
    expect(schema?.retryable).toBe(false);
  });
});
