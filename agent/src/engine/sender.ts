// Uploading one outbox batch and acting on the center's answer (§3 Upload). Nothing is deleted
// unless the center answered 200/201; every other outcome keeps the batch or, for 422, rewinds the
// task so the same rows are extracted again.
import type { CenterClient } from '../center/client.ts';
import { CenterError, CenterUnreachableError, CredentialRevokedError } from '../center/errors.ts';
import type { OutboxRow, StateStore } from '../state/store.ts';
import { errorText } from './context.ts';

export type SendOutcome =
  | { kind: 'sent'; rows: number; deliveries: number | null; duplicate: boolean }
  | { kind: 'backpressure'; retryAfterMs: number; message: string }
  | { kind: 'stopped'; statusCode: string | null; reason: string }
  | { kind: 'rewound'; message: string; dropped: number }
  | { kind: 'retry'; message: string };

export async function sendBatch(store: StateStore, client: CenterClient, row: OutboxRow, signal?: AbortSignal): Promise<SendOutcome> {
  try {
    const res = await client.upload(row, signal);
    await store.markSent(row.batchId);
    return { kind: 'sent', rows: row.rows, deliveries: res.deliveries, duplicate: res.status === 200 };
  } catch (err) {
    if (err instanceof CredentialRevokedError) throw err;
    if ((err as NodeJS.ErrnoException)?.code === 'ENOENT') {
      // The batch file vanished (disk cleaned by hand): the rows can only be extracted again.
      const r = await store.rewindTo(row.batchId);
      const message = `batch file ${row.filePath} is missing; re-extracting from checkpoint ${row.manifest.checkpoint.from ?? '(start)'}`;
      await store.setTaskError(row.taskId, message);
      return { kind: 'rewound', message, dropped: r?.dropped ?? 0 };
    }
    const message = errorText(err);
    if (err instanceof CenterError) {
      if (err.status === 429) {
        await store.recordAttempt(row.batchId, message);
        return { kind: 'backpressure', retryAfterMs: (err.retryAfter ?? 5) * 1000, message };
      }
      if (err.status === 409 && err.code === 'EXCHANGE_TASK_STOPPED') {
        const reason = typeof err.problem.reason === 'string' ? err.problem.reason : err.message;
        const statusCode = typeof err.problem.statusCode === 'string' ? err.problem.statusCode : null;
        await store.recordAttempt(row.batchId, message);
        await store.setTaskStatus(row.taskId, 'stopped', statusCode ? `${statusCode}: ${reason}` : reason);
        return { kind: 'stopped', statusCode, reason };
      }
      if (err.status === 422 && err.code === 'EXCHANGE_BATCH_INVALID') {
        const r = await store.rewindTo(row.batchId);
        await store.setTaskError(row.taskId, `batch ${row.batchId} (seq ${row.seq}) refused: ${message}; re-extracting`);
        return { kind: 'rewound', message, dropped: r?.dropped ?? 0 };
      }
    } else if (!(err instanceof CenterUnreachableError)) {
      if ((err as Error)?.name === 'AbortError') return { kind: 'retry', message: 'stopped while uploading' };
    }
    await store.recordAttempt(row.batchId, message);
    await store.setTaskError(row.taskId, `upload of seq ${row.seq} failed: ${message}`);
    return { kind: 'retry', message };
  }
}
