// One delivery at a target (§3 Deliveries, Apply): download, check checksum, signature and schema
// without trusting the center, apply in one target transaction, then acknowledge. Any failure is
// reported with a code; nothing is applied partly (the connector's transaction sees to that).
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BODY_CHUNK_BYTES } from '@zhengtong/server/crypto';
import { CenterError, CredentialRevokedError } from '../center/errors.ts';
import { withRetry } from '../center/retry.ts';
import type { Delivery, DeliveryFailureCode, TargetSpec } from '../center/types.ts';
import { ConnectorError } from '../connectors/types.ts';
import { BodyDecodeError, decodedBody } from './body-encoding.ts';
import { UnknownConnectionError } from './connections.ts';
import { errorText, type EngineContext } from './context.ts';
import { verifyBatchManifest } from './manifest.ts';

/** A delivery that could not be begun (target stopped, body refused) is offered again after this. */
export const SKIP_RETRY_SECONDS = 30;

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
  if (err instanceof BodyDecodeError) return new DeliveryFailure('BATCH_SCHEMA_MISMATCH', err.message);
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

/** Where a delivery's body waits in the inbox between its download and its apply. */
export const inboxPath = (ctx: EngineContext, d: Delivery) => join(ctx.store.inboxDir, `${d.deliveryId}.body`);

type RetryLog = (what: string) => (err: unknown, attempt: number, delayMs: number) => void;
const retryLogOf = (ctx: EngineContext, d: Delivery): RetryLog => (what) => (err, attempt, delayMs) =>
  ctx.log.warn(`${what} failed, retrying`, { delivery: d.deliveryId, attempt: attempt + 1, inMs: delayMs, error: errorText(err) });

export type Downloaded = { sm3: string; bytes: number } | { outcome: DeliveryOutcome };

/** Downloads the body into the inbox (transient errors retried); the first half of a delivery. */
export async function downloadBody(ctx: EngineContext, d: Delivery): Promise<Downloaded> {
  try {
    return await withRetry(() => ctx.client.download(d.batchId, inboxPath(ctx, d)), { signal: ctx.signal, onRetry: retryLogOf(ctx, d)('download'), capMs: 30_000 });
  } catch (err) {
    if (err instanceof CredentialRevokedError) throw err;
    if (err instanceof CenterError) return { outcome: { kind: 'skipped', message: `download of batch ${d.batchId} refused: ${errorText(err)}` } };
    const f = failureOf(err);
    return { outcome: { kind: 'failed', code: f.code, message: f.message, retryable: f.retryable } };
  }
}

/**
 * Checks the body (checksum, signature, schema) and applies it in one target transaction. `body`
 * gives the download: started here (`sync --once`) or ahead, while the previous batch applied (`run`).
 */
export async function applyBody(ctx: EngineContext, d: Delivery, spec: TargetSpec | undefined, body: () => Promise<Downloaded>): Promise<DeliveryOutcome> {
  try {
    if (!spec) throw new DeliveryFailure('TARGET_APPLY_FAILED', `target ${d.targetId} of task ${d.taskId} is not in this node's configuration from the center`, true);
    if (spec.status !== 'active') return { kind: 'skipped', message: `target "${spec.name}" is ${spec.status}: ${spec.statusReason ?? ''}` };
    const downloaded = await body();
    if ('outcome' in downloaded) return downloaded.outcome;
    const conn = await ctx.connections.get(spec.connection);
    checkBatch(d, spec, downloaded);
    const m = d.manifest;
    const path = inboxPath(ctx, d);
    // The connector may first run statements before it reads the body; a read error meanwhile
    // (the file gone) must not be an unhandled 'error' event: the stream keeps it as its errored
    // state, and the connector's pipeline reports it.
    // Decoded on the way into the connector; a body that does not decode (or to another size than
    // signed) fails the connector's stream, so its transaction rolls back, and is reported as such.
    let decodeFailure: BodyDecodeError | null = null;
    const readBody = () => {
      const decoded = decodedBody(createReadStream(path, { highWaterMark: BODY_CHUNK_BYTES }).on('error', () => {}), m);
      return decoded.on('error', (e) => { if (e instanceof BodyDecodeError) decodeFailure ??= e; });
    };
    try {
      if (conn.kind === 'folder') {
        if (m.kind !== 'file' || !m.file) throw new DeliveryFailure('BATCH_SCHEMA_MISMATCH', `batch ${d.batchId} carries rows; target "${spec.name}" is a folder`);
        await conn.write(m.file.name, readBody());
        return { kind: 'applied', appliedRows: 1, alreadyApplied: false };
      }
      if (m.kind !== 'rows') throw new DeliveryFailure('BATCH_SCHEMA_MISMATCH', `batch ${d.batchId} carries a file; target "${spec.name}" is a database table`);
      const result = await conn.apply(
        { table: spec.table, keyColumns: spec.keyColumns, mode: spec.mode, columnMap: spec.columnMap },
        { batchId: d.batchId, taskId: d.taskId, targetId: d.targetId, seq: d.seq, rowCount: m.rowCount, columns: m.columns },
        readBody(),
        readBody,
      );
      return { kind: 'applied', ...result };
    } catch (err) {
      throw decodeFailure ?? err;
    }
  } catch (err) {
    if (err instanceof CredentialRevokedError) throw err;
    const f = failureOf(err);
    return { kind: 'failed', code: f.code, message: f.message, retryable: f.retryable };
  }
}

/** One delivery from start to end: download, check, apply, settle (`sync --once`, one at a time). */
export async function handleDelivery(ctx: EngineContext, d: Delivery, spec: TargetSpec | undefined): Promise<DeliveryOutcome> {
  try {
    const outcome = await applyBody(ctx, d, spec, () => downloadBody(ctx, d));
    await settle(ctx, d, outcome);
    return outcome;
  } finally {
    await discardBody(ctx, d);
  }
}

export const discardBody = (ctx: EngineContext, d: Delivery) => rm(inboxPath(ctx, d), { force: true });

/** Tells the center the outcome: ack (then the local record), or the failure; a skip is left to the lease. */
export async function settle(ctx: EngineContext, d: Delivery, outcome: DeliveryOutcome) {
  const { client, store, log } = ctx;
  const retryLog = retryLogOf(ctx, d);
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
      // Handed back with a pause, so it neither comes straight back nor waits out its whole lease.
      log.warn('delivery left for later', { delivery: d.deliveryId, reason: outcome.message, retryInSeconds: SKIP_RETRY_SECONDS });
      await client.release({ deliveryIds: [d.deliveryId], retryAfterSeconds: SKIP_RETRY_SECONDS, reason: outcome.message.slice(0, 500) }, ctx.signal);
    }
  } catch (err) {
    if (err instanceof CredentialRevokedError) throw err;
    // The lease ran out or the delivery was settled elsewhere: the center decides what comes next.
    log.warn('delivery could not be settled', { delivery: d.deliveryId, error: errorText(err) });
  }
}
