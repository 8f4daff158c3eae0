// One extraction step of a source task: the next batch into the outbox (§4). The batch file is
// durable before the one transaction that records it and advances the checkpoint, so a crash at
// any point either re-extracts the same rows or re-sends the same batch — never skips rows.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Checkpoint, DatabaseConnector, FolderConnector, SourceSpec } from '../connectors/types.ts';
import type { BodyEncoding, Manifest, SourceTask } from '../center/types.ts';
import { checkpointText, parseCheckpoint, type NextPosition, type StateStore } from '../state/store.ts';
import { writeBatchFile } from './batch-file.ts';
import { buildManifest, contentTypeOf, signBatchManifest } from './manifest.ts';
import { SettleHorizon } from './settle.ts';

export interface SourceNode {
  nodeId: string;
  privateKeyPem: string;
}

export interface ExtractStep {
  /** Rows (or files) put into the outbox by this step. */
  rows: number;
  manifest: Manifest | null;
  /** True when more is ready to extract right away (a full batch, or a snapshot not finished). */
  more: boolean;
}

export function sourceSpec(task: SourceTask): SourceSpec {
  return {
    table: task.source.table,
    query: task.source.query,
    keyColumns: task.source.keyColumns,
    incremental: task.source.incremental,
    fields: task.fields.map((f) => ({ field: f.field, column: f.column, dataType: f.dataType, mask: f.mask })),
  };
}

export interface ExtractOptions {
  /** Row batches: zstd (default) or identity. Files travel as they are (mostly compressed already). */
  encoding?: BodyEncoding;
  /**
   * The task's settle window state, kept by the caller across steps. Without one, a task with a
   * settle window waits the whole window at every step.
   */
  horizon?: SettleHorizon;
  signal?: AbortSignal;
}

export function extractStep(store: StateStore, node: SourceNode, task: SourceTask, conn: DatabaseConnector | FolderConnector, opts: ExtractOptions = {}): Promise<ExtractStep> {
  return conn.kind === 'folder' ? extractFile(store, node, task, conn) : extractRows(store, node, task, conn, opts);
}

const NOTHING: ExtractStep = Object.freeze({ rows: 0, manifest: null, more: false });

async function extractRows(store: StateStore, node: SourceNode, task: SourceTask, db: DatabaseConnector, opts: ExtractOptions): Promise<ExtractStep> {
  const spec = sourceSpec(task);
  const encoding = opts.encoding ?? 'zstd';
  const batchSize = Math.max(1, task.strategy.batchSize);
  const snapshotMode = spec.incremental === null;
  // A full snapshot reads one consistent snapshot and needs no settle window.
  const settleSeconds = snapshotMode ? 0 : (task.strategy.settleSeconds ?? 0);
  let upTo: string | undefined;
  if (settleSeconds > 0) {
    const source = { highWater: () => db.highWater(spec), stillOpen: db.stillOpen?.bind(db) };
    const bound = await (opts.horizon ?? new SettleHorizon()).bound(settleSeconds, source, opts.signal);
    if (bound === null) return NOTHING;
    upTo = bound;
  }
  let st = await store.task(task.taskId);
  if (snapshotMode && !st.snapshotId) {
    await store.startSnapshot(task.taskId, randomUUID());
    st = await store.task(task.taskId);
  }
  const after = parseCheckpoint(st.checkpoint);
  const batchId = randomUUID();
  const fileName = `${batchId}.csv${encoding === 'zstd' ? '.zst' : ''}`;
  const written = await writeBatchFile(join(store.outboxDir, fileName), (out) => db.extract(spec, after, batchSize, out, upTo), encoding);
  const res = written.result;

  let snapshot: Manifest['snapshot'] = null;
  let next: NextPosition;
  let more: boolean;
  if (!snapshotMode) {
    if (res.rowCount === 0 || !res.checkpoint) return discard(store, fileName);
    next = { checkpoint: res.checkpoint, snapshotId: null, snapshotPart: 0 };
    more = res.rowCount >= batchSize;
  } else {
    const part = st.snapshotPart + 1;
    if (res.rowCount === 0 && part === 1) {
      // An empty table: nothing to send, and the snapshot is over before it began.
      await store.endSnapshot(task.taskId);
      return discard(store, fileName);
    }
    // `last` must be known when the manifest is signed; a full batch asks whether anything follows
    // (an estimate that is wrong only costs one empty closing part).
    const last = res.rowCount < batchSize || (res.checkpoint !== null && (await db.countPending(spec, res.checkpoint)) === 0);
    snapshot = { id: st.snapshotId!, part, last };
    next = last ? { checkpoint: null, snapshotId: null, snapshotPart: 0 } : { checkpoint: res.checkpoint ?? after, snapshotId: st.snapshotId, snapshotPart: part };
    more = !last;
  }

  const to = res.checkpoint ?? after;
  const manifest = buildManifest({
    batchId,
    taskId: task.taskId,
    sourceNodeId: node.nodeId,
    seq: st.nextSeq,
    kind: 'rows',
    columns: spec.fields.map((f) => ({ name: f.field, type: f.dataType })),
    rowCount: res.rowCount,
    bytes: written.bytes,
    sm3: written.sm3,
    encoding: written.encoding,
    rawBytes: written.rawBytes,
    checkpoint: { from: st.checkpoint, to: checkpointText(to) ?? '[]' },
    snapshot,
    file: null,
  });
  await commit(store, node, manifest, fileName, next);
  return { rows: res.rowCount, manifest, more };
}

async function extractFile(store: StateStore, node: SourceNode, task: SourceTask, folder: FolderConnector): Promise<ExtractStep> {
  const st = await store.task(task.taskId);
  const after = parseCheckpoint(st.checkpoint);
  const [file] = await folder.listNew(after, 1);
  if (!file) return { rows: 0, manifest: null, more: false };
  const batchId = randomUUID();
  const fileName = `${batchId}.bin`;
  // A copy, so the bytes sent are the bytes hashed even if the department edits the file meanwhile.
  const written = await writeBatchFile(join(store.outboxDir, fileName), (out) => pipeline(createReadStream(file.path), out, { end: false }));
  const manifest = buildManifest({
    batchId,
    taskId: task.taskId,
    sourceNodeId: node.nodeId,
    seq: st.nextSeq,
    kind: 'file',
    columns: [],
    rowCount: 1,
    bytes: written.bytes,
    sm3: written.sm3,
    checkpoint: { from: st.checkpoint, to: checkpointText(file.checkpoint as Checkpoint)! },
    snapshot: null,
    file: { name: file.name, contentType: contentTypeOf(file.name) },
  });
  await commit(store, node, manifest, fileName, { checkpoint: file.checkpoint, snapshotId: null, snapshotPart: 0 });
  return { rows: 1, manifest, more: true };
}

async function commit(store: StateStore, node: SourceNode, manifest: Manifest, fileName: string, next: NextPosition) {
  const signature = signBatchManifest(node.privateKeyPem, manifest);
  try {
    await store.commitBatch({ manifest, signature, fileName }, next);
  } catch (err) {
    await rm(join(store.outboxDir, fileName), { force: true });
    throw err;
  }
}

async function discard(store: StateStore, fileName: string): Promise<ExtractStep> {
  await rm(join(store.outboxDir, fileName), { force: true });
  return NOTHING;
}
