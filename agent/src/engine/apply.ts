// One delivery at a target (§3 Deliveries, Apply): download, check checksum, signature and schema
// without trusting the center, apply in one target transaction, then acknowledge. Any failure is
// reported with a code; nothing is applied partly (the connector's transaction sees to that).
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CenterError, CredentialRevokedError } from '../center/errors.ts';
import { withRetry } from '../center/retry.ts';
import type { Delivery, DeliveryFailureCode, TargetSpec } from '../center/types.ts';
import { ConnectorError } from '../connectors/types.ts';
import { UnknownConnectionError } from './connections.ts';
import { errorText, type EngineContext } from './context.ts';
import { verifyBatchManifest } from './manifest.ts';

export class DeliveryFailure extends Error {
  readonly code: DeliveryFailureCode;
  readonly retryable: boolean;
  constructor(code: DeliveryFailureCode, message: string, retryable = false) {
    super(message);
    this.name = 'DeliveryFailure';
    this.code = code;
    this.retryable = retryable;
  }
}

export type DeliveryOutcome =
  | { kind: 'applied'; appliedRows: number; alreadyApplied: boolean }
  | { kind: 'failed'; code: DeliveryFailureCode; message: string; retryable: boolean }
  /** Not settled here (download refused, lease lost): the center hands it out again later. */
  | { kind: 'skipped'; message: string };

/** The checks that need no database: checksum, manifest signature, schema. Throws DeliveryFailure. */
export function checkBatch(d: Delivery, spec: TargetSpec, body: { sm3: string; bytes: number }) {
  const m = d.manifest;
  if (body.sm3 !== m.sm3 || body.bytes !== m.bytes) {
    throw new DeliveryFailure(
      'BATCH_CHECKSUM_MISMATCH',
      `batch ${d.batchId}: body SM3 ${body.sm3} (${body.bytes} bytes) does not match the manifest's ${m.sm3} (${m.bytes} bytes)`,
    );
  }
  if (!verifyBatchManifest(d.sourcePublicKey, m, d.manifestSignature)) {
    throw new DeliveryFailure('BATCH_SIGNATURE_INVALID', `batch ${d.batchId}: the manifest signature does not verify with the source node's key`);
  }
  if (m.batchId !== d.batchId || m.taskId !== d.taskId || m.seq !== d.seq) {
    throw new DeliveryFailure('BATCH_SIGNATURE_INVALID', `batch ${d.batchId}: the signed manifest names batch ${m.batchId}, task ${m.taskId}, seq ${m.seq}, not this delivery`);
  }
  if (m.kind === 'rows') {
    const missing = m.columns.map((c) => c.name).filter((name) => !(name in spec.columnMap));
    if (missing.length) {
      throw new DeliveryFailure('BATCH_SCHEMA_MISMATCH', `batch ${d.batchId}: field(s) ${missing.join(', ')} have no target column in the column map of target "${spec.name}"`);
    }
  }
}

/** Maps a connector's error to the delivery failure the center records. */
export function failureOf(err: unknown): DeliveryFailure {
  if (err instanceof DeliveryFailure) return err;
  if (err instanceof UnknownConnectionError) return new DeliveryFailure('TARGET_UNREACHABLE', err.message, true);
  if (err instanceof ConnectorError) {
    switch (err.code) {
      case 'CONNECTION_FAILED':
        return new DeliveryFailure('TARGET_UNREACHABLE', err.message, true);
      case 'BATCH_SCHEMA_MISMATCH':
      case 'TARGET_COLUMN_MISSING':
      case 'TARGET_TYPE_MISMATCH':
      case 'TARGET_APPLY_FAILED':
        return new DeliveryFailure(err.code, err.message, err.retryable);
      default:
        return new DeliveryFailure('TARGET_APPLY_FAILED', `${err.code}: ${err.message}`, err.retryable);
    }
  }
  return new DeliveryFailure('TARGET_APPLY_FAILED', errorText(err), true);
}

export async function handleDelivery(ctx: EngineContext, d: Delivery, spec: TargetSpec | undefined): Promise<DeliveryOutcome> {
  const { client, store, log } = ctx;
  const tmp = join(store.inboxDir, `${d.deliveryId}.body`);
  const retryLog = (what: string) => (err: unknown, attempt: number, delayMs: number) =>
    log.warn(`${what} failed, retrying`, { delivery: d.deliveryId, attempt: attempt + 1, inMs: delayMs, error: errorText(err) });
  try {
    let outcome: DeliveryOutcome;
    try {
      if (!spec) throw new DeliveryFailure('TARGET_APPLY_FAILED', `target ${d.targetId} of task ${d.taskId} is not in this node's configuration from the center`, true);
      if (spec.status !== 'active') return { kind: 'skipped', message: `target "${spec.name}" is ${spec.status}: ${spec.statusReason ?? ''}` };
      const conn = await ctx.connections.get(spec.connection);
      let body: { sm3: string; bytes: number };
      try {
        body = await withRetry(() => client.download(d.batchId, tmp), { signal: ctx.signal, onRetry: retryLog('download'), capMs: 30_000 });
      } catch (err) {
        if (err instanceof CenterError) return { kind: 'skipped', message: `download of batch ${d.batchId} refused: ${errorText(err)}` };
        throw err;
      }
      checkBatch(d, spec, body);
      const m = d.manifest;
      let result: { appliedRows: number; alreadyApplied: boolean };
      if (conn.kind === 'folder') {
        if (m.kind !== 'file' || !m.file) throw new DeliveryFailure('BATCH_SCHEMA_MISMATCH', `batch ${d.batchId} carries rows; target "${spec.name}" is a folder`);
        await conn.write(m.file.name, createReadStream(tmp));
        result = { appliedRows: 1, alreadyApplied: false };
      } else {
        if (m.kind !== 'rows') throw new DeliveryFailure('BATCH_SCHEMA_MISMATCH', `batch ${d.batchId} carries a file; target "${spec.name}" is a database table`);
        result = await conn.apply(
          { table: spec.table, keyColumns: spec.keyColumns, mode: spec.mode, columnMap: spec.columnMap },
          { batchId: d.batchId, taskId: d.taskId, targetId: d.targetId, seq: d.seq, rowCount: m.rowCount, columns: m.columns },
          createReadStream(tmp),
        );
      }
      outcome = { kind: 'applied', ...result };
    } catch (err) {
      if (err instanceof CredentialRevokedError) throw err;
      const f = failureOf(err);
      outcome = { kind: 'failed', code: f.code, message: f.message, retryable: f.retryable };
    }
    await settle(ctx, d, outcome, retryLog);
    return outcome;
  } finally {
    await rm(tmp, { force: true });
  }
}

async function settle(ctx: EngineContext, d: Delivery, outcome: DeliveryOutcome, retryLog: (what: string) => (err: unknown, attempt: number, delayMs: number) => void) {
  const { client, store, log } = ctx;
  try {
    if (outcome.kind === 'applied') {
      // Given up only at shutdown: the center then hands the batch out again and the target's
      // applied-batch row turns the second apply into an acknowledgement.
      await withRetry(() => client.ack(d.deliveryId, { appliedRows: outcome.appliedRows, alreadyApplied: outcome.alreadyApplied }), {
        signal: ctx.signal,
        onRetry: retryLog('ack'),
        capMs: 30_000,
      });
      await store.recordApplied(d.targetId, d.taskId, d.seq, d.batchId, outcome.alreadyApplied ? 0 : outcome.appliedRows);
      log.info('batch applied', { task: d.taskId, target: d.targetId, seq: d.seq, rows: outcome.appliedRows, alreadyApplied: outcome.alreadyApplied });
    } else if (outcome.kind === 'failed') {
      await store.recordTargetError(d.targetId, d.taskId, `${outcome.code}: ${outcome.message}`);
      log.error('batch failed at target', { task: d.taskId, target: d.targetId, seq: d.seq, code: outcome.code, error: outcome.message, retryable: outcome.retryable });
      await withRetry(() => client.fail(d.deliveryId, { code: outcome.code, message: (outcome.message || outcome.code).slice(0, 4000), retryable: outcome.retryable }), {
        signal: ctx.signal,
        onRetry: retryLog('fail report'),
        capMs: 30_000,
      });
    } else {
      log.warn('delivery left for later', { delivery: d.deliveryId, reason: outcome.message });
    }
  } catch (err) {
    if (err instanceof CredentialRevokedError) throw err;
    // The lease ran out or the delivery was settled elsewhere: the center decides what comes next.
    log.warn('delivery could not be settled', { delivery: d.deliveryId, error: errorText(err) });
  }
}
