// The source side's answers from a real center (in process, real HTTP): a batch refused as invalid
// rewinds the task and is extracted again, a full route keeps the batch, a stopped task keeps it
// and records why. The agent's own modules are driven directly, so each answer can be provoked.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSm2KeyPair } from '@zhengtong/server/crypto';
import { taskBody } from '../../server/test/exchange/helpers.ts';
import { CenterClient } from '../src/center/client.ts';
import { CenterError, CredentialRevokedError } from '../src/center/errors.ts';
import type { SourceTask } from '../src/center/types.ts';
import { createPostgresConnector } from '../src/connectors/postgres.ts';
import type { DatabaseConnector } from '../src/connectors/types.ts';
import { extractStep } from '../src/engine/extract.ts';
import { sendBatch } from '../src/engine/sender.ts';
import { StateStore } from '../src/state/store.ts';
import { insertEnterprises, World } from './e2e-helpers.ts';

const w = new World();
let store: StateStore;
let db: DatabaseConnector;
let source: CenterClient;
let target: CenterClient;
let nodeId: string;
let privateKeyPem: string;
let task: SourceTask;

async function enrol(token: string) {
  const keys = generateSm2KeyPair();
  const res = await new CenterClient(w.centerUrl, null).enrol({ token, publicKey: keys.publicKeyPem, agentVersion: 'test', hostname: 'test' });
  return { client: new CenterClient(w.centerUrl, { clientId: res.clientId, privateKeyPem: keys.privateKeyPem }), nodeId: res.nodeId, privateKeyPem: keys.privateKeyPem };
}

const hb = { agentVersion: 'test', hostname: 'test', queueDepth: 0, lagSeconds: 0, tasks: [] };

beforeAll(async () => {
  await w.start({ EXCHANGE_MAX_QUEUED_BATCHES: '2' });
  await insertEnterprises(w.src, '9136010', 50);
  const s = await enrol(w.cast.source.token);
  source = s.client;
  nodeId = s.nodeId;
  privateKeyPem = s.privateKeyPem;
  target = (await enrol(w.cast.target.token)).client;
  const res = await w.cast.provider.post('/api/exchange/tasks', taskBody(w.cast, { strategy: { batchSize: 10, maxInFlight: 8 } }));
  expect(res.status, res.text).toBe(201);
  task = (await source.heartbeat(hb)).sources[0];
  // The target node is online (heartbeat) but applies nothing, so its queue fills.
  await target.heartbeat(hb);
  store = await StateStore.open(join(w.dir, 'state'));
  db = createPostgresConnector({ url: w.srcDb.url });
}, 180_000);

afterAll(async () => {
  await store?.close();
  await db?.close();
  await w.stop();
});

describe('upload answers', () => {
  it('422: a batch whose bytes do not match is dropped and its rows extracted again', async () => {
    const node = { nodeId, privateKeyPem };
    await extractStep(store, node, task, db);
    const first = (await store.outboxHead(task.taskId))!;
    writeFileSync(first.filePath, 'tampered\n'.padEnd(first.bytes, 'x'));
    const out = await sendBatch(store, source, first);
    expect(out.kind).toBe('rewound');
    expect(await store.outboxDepth(task.taskId)).toBe(0);
    const st = await store.task(task.taskId);
    expect([st.checkpoint, st.nextSeq]).toEqual([null, 1]);
    expect(st.lastError).toMatch(/EXCHANGE_BATCH_INVALID.*re-extracting/);

    await extractStep(store, node, task, db);
    const again = (await store.outboxHead(task.taskId))!;
    expect(again.seq).toBe(1);
    expect(again.manifest.checkpoint).toEqual(first.manifest.checkpoint);
    expect(again.batchId).not.toBe(first.batchId);
    expect(await sendBatch(store, source, again)).toMatchObject({ kind: 'sent', rows: 10, duplicate: false, deliveries: 1 });
    expect((await store.task(task.taskId)).lastError).toBeNull();
  });

  it('200: a re-send of a stored batch (lost answer) counts as done', async () => {
    const node = { nodeId, privateKeyPem };
    await extractStep(store, node, task, db);
    const row = (await store.outboxHead(task.taskId))!;
    await source.upload(row); // the answer "lost": the outbox still has the row
    expect(await sendBatch(store, source, row)).toMatchObject({ kind: 'sent', duplicate: true });
    expect(await store.outboxDepth(task.taskId)).toBe(0);
  });

  it('429: a full route keeps the batch and says when to come back', async () => {
    const node = { nodeId, privateKeyPem };
    await target.heartbeat(hb);
    await extractStep(store, node, task, db);
    const row = (await store.outboxHead(task.taskId))!;
    const out = await sendBatch(store, source, row);
    expect(out).toMatchObject({ kind: 'backpressure', retryAfterMs: 5000 });
    const kept = (await store.outboxHead(task.taskId))!;
    expect(kept.batchId).toBe(row.batchId);
    expect(kept.attempts).toBe(1);
    expect(kept.lastError).toMatch(/EXCHANGE_BACKPRESSURE/);
  });

  it('409: a stopped task keeps the batch and records the reason', async () => {
    const revoked = await w.cast.provider.post(`/api/sharing/grants/${w.cast.grantId}/revoke`, { reasons: '核验事项已调整' });
    expect(revoked.status, revoked.text).toBe(200);
    const row = (await store.outboxHead(task.taskId))!;
    const out = await sendBatch(store, source, row);
    expect(out).toMatchObject({ kind: 'stopped', statusCode: 'GRANT_REVOKED' });
    expect((await store.outboxHead(task.taskId))!.batchId).toBe(row.batchId);
    const st = await store.task(task.taskId);
    expect(st.status).toBe('stopped');
    expect(st.statusReason).toMatch(/^GRANT_REVOKED: /);
  });

  it('problems arrive as typed errors; a revoked node is CredentialRevokedError', async () => {
    const err = await source.ack(randomUUID(), { appliedRows: 1, alreadyApplied: false }).catch((e) => e);
    expect(err).toBeInstanceOf(CenterError);
    expect(err.status).toBeGreaterThanOrEqual(400);
    expect(typeof err.code).toBe('string');
    const node = await w.cast.admin.post(`/api/exchange/nodes/${nodeId}/revoke`, { reasons: '设备更换' });
    expect(node.status, node.text).toBe(200);
    await expect(source.heartbeat(hb)).rejects.toBeInstanceOf(CredentialRevokedError);
    await expect(sendBatch(store, source, (await store.outboxHead(task.taskId))!)).rejects.toBeInstanceOf(CredentialRevokedError);
  });
});
