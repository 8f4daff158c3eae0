// The agent's local state (docs/exchange-protocol.md §4): checkpoints, the outbox of batches not
// yet accepted by the center, and what `status` shows. Batch files live in <stateDir>/outbox/;
// a file is written and fsynced before its row commits, and removed only after its row is gone.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { StateDb, type Queryable } from './state-db.ts';
import type { Checkpoint } from '../connectors/types.ts';
import type { Manifest } from '../center/types.ts';
import { Mutex } from './mutex.ts';
import { STATE_SCHEMA } from './schema.ts';

export interface TaskState {
  taskId: string;
  /** JSON text of the Checkpoint tuple, as sent in heartbeats; null = from the beginning. */
  checkpoint: string | null;
  snapshotId: string | null;
  /** The last part written in the snapshot in progress (0 = none yet). */
  snapshotPart: number;
  nextSeq: number;
  /** The center's status as last seen, or 'stopped' after an upload was refused with 409. */
  status: string | null;
  statusReason: string | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  lastRunAt: Date | null;
  rowsSent: number;
  lastSentAt: Date | null;
}

export interface OutboxRow {
  batchId: string;
  taskId: string;
  seq: number;
  manifest: Manifest;
  signature: string;
  /** Absolute path of the batch file. */
  filePath: string;
  sm3: string;
  bytes: number;
  rows: number;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
}

export interface TargetState {
  targetId: string;
  taskId: string;
  lastSeq: number | null;
  lastBatchId: string | null;
  appliedRows: number;
  lastError: string | null;
  lastErrorAt: Date | null;
  updatedAt: Date;
}

/** Where extraction continues after a batch commits. */
export interface NextPosition {
  checkpoint: Checkpoint | null;
  snapshotId: string | null;
  snapshotPart: number;
}

type Row = Record<string, any>;

export const checkpointText = (c: Checkpoint | null): string | null => (c === null ? null : JSON.stringify(c));
export const parseCheckpoint = (text: string | null): Checkpoint | null => (text === null ? null : (JSON.parse(text) as Checkpoint));

export class StateStore {
  readonly stateDir: string;
  readonly outboxDir: string;
  readonly inboxDir: string;
  /** What setTaskStatus last wrote per task (this process holds the state's lock, so it is the truth). */
  readonly #statusWritten = new Map<string, string>();
  readonly #db: StateDb;
  readonly #lock = new Mutex();
  /**
   * Outbox depth per task, kept in step with every change of the outbox below: the source loop
   * asks before every extraction, and a count in the WebAssembly database costs a millisecond or so.
   * One agent process owns the state directory (lock.ts), so nothing else changes it.
   */
  readonly #depth = new Map<string, number>();

  private constructor(stateDir: string, db: StateDb) {
    this.stateDir = stateDir;
    this.outboxDir = join(stateDir, 'outbox');
    this.inboxDir = join(stateDir, 'inbox');
    this.#db = db;
  }

  /** Opens (creating if needed) the state database and removes files a crash left behind. */
  static async open(stateDir: string): Promise<StateStore> {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const db = await StateDb.open(join(stateDir, 'state'));
    await db.exec(STATE_SCHEMA);
    const store = new StateStore(stateDir, db);
    mkdirSync(store.outboxDir, { recursive: true });
    mkdirSync(store.inboxDir, { recursive: true });
    await store.removeOrphans();
    return store;
  }

  async close() {
    await this.#lock.run(() => this.#db.close());
  }

  /**
   * A crash between writing a batch file and committing its row leaves a file nobody will send
   * (its checkpoint did not advance, so the rows are extracted again). Downloads in inbox/ are
   * always fetched again. Returns the names removed.
   */
  async removeOrphans(): Promise<string[]> {
    const known = new Set((await this.#q(`SELECT file_path FROM outbox`)).map((r) => r.file_path as string));
    const removed: string[] = [];
    for (const name of readdirSync(this.outboxDir)) {
      if (!known.has(name)) {
        rmSync(join(this.outboxDir, name), { force: true });
        removed.push(name);
      }
    }
    for (const name of readdirSync(this.inboxDir)) rmSync(join(this.inboxDir, name), { force: true, recursive: true });
    return removed;
  }

  // ---- tasks ----

  async task(taskId: string): Promise<TaskState> {
    const rows = await this.#q(`SELECT * FROM task_state WHERE task_id = $1`, [taskId]);
    return rows[0] ? toTask(rows[0]) : emptyTask(taskId);
  }

  async tasks(): Promise<TaskState[]> {
    return (await this.#q(`SELECT * FROM task_state ORDER BY task_id`)).map(toTask);
  }

  /** Every heartbeat restates each task's status; only a change is written. */
  async setTaskStatus(taskId: string, status: string | null, reason: string | null) {
    const key = JSON.stringify([status, reason]);
    if (this.#statusWritten.get(taskId) === key) return;
    await this.#upsertTask(taskId, `status = $2, status_reason = $3`, [status, reason]);
    this.#statusWritten.set(taskId, key);
  }

  async setTaskError(taskId: string, error: string | null) {
    await this.#upsertTask(taskId, `last_error = $2, last_error_at = CASE WHEN $2::text IS NULL THEN NULL ELSE now() END`, [error]);
  }

  async setLastRun(taskId: string, at: Date) {
    await this.#upsertTask(taskId, `last_run_at = $2`, [at]);
  }

  /** Starts or restarts a full snapshot: the checkpoint is the snapshot's key position. */
  async startSnapshot(taskId: string, snapshotId: string) {
    await this.#upsertTask(taskId, `snapshot_id = $2, snapshot_part = 0, checkpoint = NULL`, [snapshotId]);
  }

  /** A snapshot that found nothing to send: the next run starts a new one. */
  async endSnapshot(taskId: string) {
    await this.#upsertTask(taskId, `snapshot_id = NULL, snapshot_part = 0, checkpoint = NULL`, []);
  }

  async #upsertTask(taskId: string, set: string, params: unknown[]) {
    await this.#lock.run(async () => {
      await this.#db.query(`INSERT INTO task_state (task_id) VALUES ($1) ON CONFLICT (task_id) DO NOTHING`, [taskId]);
      await this.#db.query(`UPDATE task_state SET ${set} WHERE task_id = $1`, [taskId, ...params]);
    });
  }

  // ---- outbox ----

  /**
   * The one local transaction of §4: the batch's outbox row and the task's advanced checkpoint and
   * sequence commit together, or neither does. Fails if `seq` is not the task's next sequence
   * (two extractors for one task would be a bug that must not produce a gap or a duplicate).
   */
  async commitBatch(entry: { manifest: Manifest; signature: string; fileName: string }, next: NextPosition) {
    const m = entry.manifest;
    // The depth changes under the lock, with the commit: no count can be read in between.
    await this.#lock.run(async () => {
      await this.#db.transaction(async (tx) => {
        await tx.query(`INSERT INTO task_state (task_id) VALUES ($1) ON CONFLICT (task_id) DO NOTHING`, [m.taskId]);
        const cur = await tx.query<Row>(`SELECT next_seq FROM task_state WHERE task_id = $1 FOR UPDATE`, [m.taskId]);
        const expected = Number(cur.rows[0].next_seq);
        if (expected !== m.seq) throw new Error(`outbox: task ${m.taskId} expects seq ${expected}, batch has ${m.seq}`);
        await tx.query(
          `INSERT INTO outbox (batch_id, task_id, seq, manifest, signature, file_path, sm3, bytes, rows, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [m.batchId, m.taskId, m.seq, JSON.stringify(m), entry.signature, entry.fileName, m.sm3, m.bytes, m.rowCount, m.createdAt],
        );
        await tx.query(
          `UPDATE task_state SET checkpoint = $2, snapshot_id = $3, snapshot_part = $4, next_seq = $5 WHERE task_id = $1`,
          [m.taskId, checkpointText(next.checkpoint), next.snapshotId, next.snapshotPart, m.seq + 1],
        );
      });
      this.#adjustDepth(m.taskId, 1);
    });
  }

  /** The task's oldest unsent batch (uploads go strictly in seq order). */
  async outboxHead(taskId: string): Promise<OutboxRow | null> {
    const rows = await this.#q(`SELECT * FROM outbox WHERE task_id = $1 ORDER BY seq LIMIT 1`, [taskId]);
    return rows[0] ? this.#toOutbox(rows[0]) : null;
  }

  async outbox(taskId?: string): Promise<OutboxRow[]> {
    const rows = taskId
      ? await this.#q(`SELECT * FROM outbox WHERE task_id = $1 ORDER BY seq`, [taskId])
      : await this.#q(`SELECT * FROM outbox ORDER BY task_id, seq`);
    return rows.map((r) => this.#toOutbox(r));
  }

  async outboxDepth(taskId?: string): Promise<number> {
    if (!taskId) return Number((await this.#q(`SELECT count(*)::int AS n FROM outbox`))[0].n);
    const known = this.#depth.get(taskId);
    if (known !== undefined) return known;
    // Counted and remembered under the lock, so no commit can come between the two.
    return this.#lock.run(async () => {
      const n = Number((await this.#db.query<Row>(`SELECT count(*)::int AS n FROM outbox WHERE task_id = $1`, [taskId])).rows[0].n);
      this.#depth.set(taskId, n);
      return n;
    });
  }

  #adjustDepth(taskId: string, by: number) {
    const known = this.#depth.get(taskId);
    if (known !== undefined) this.#depth.set(taskId, known + by);
  }

  async outboxSummary(): Promise<{ depth: number; oldest: Date | null; byTask: Map<string, { depth: number; rows: number }> }> {
    const rows = await this.#q(`SELECT task_id, count(*)::int AS n, sum(rows)::float8 AS r, min(created_at) AS oldest FROM outbox GROUP BY task_id`);
    const byTask = new Map<string, { depth: number; rows: number }>();
    let depth = 0;
    let oldest: Date | null = null;
    for (const r of rows) {
      byTask.set(r.task_id, { depth: Number(r.n), rows: Number(r.r) });
      depth += Number(r.n);
      if (!oldest || r.oldest < oldest) oldest = r.oldest;
    }
    return { depth, oldest, byTask };
  }

  async recordAttempt(batchId: string, error: string | null) {
    await this.#q(`UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE batch_id = $1`, [batchId, error]);
  }

  /** The center stored the batch (200/201): forget it, then remove its file. */
  async markSent(batchId: string) {
    const file = await this.#lock.run(async () => {
      const sent = await this.#db.transaction(async (tx) => {
        const del = await tx.query<Row>(`DELETE FROM outbox WHERE batch_id = $1 RETURNING task_id, rows, file_path`, [batchId]);
        const row = del.rows[0];
        if (!row) return null;
        await tx.query(
          `UPDATE task_state SET rows_sent = rows_sent + $2, last_sent_at = now(), last_error = NULL, last_error_at = NULL WHERE task_id = $1`,
          [row.task_id, row.rows],
        );
        return { path: row.file_path as string, taskId: row.task_id as string };
      });
      if (sent) this.#adjustDepth(sent.taskId, -1);
      return sent;
    });
    if (file) rmSync(join(this.outboxDir, file.path), { force: true });
  }

  /**
   * The center refused the batch as invalid (422): drop it and every later batch of the task, and
   * rewind the task to where that batch started, so the same rows are extracted again under the
   * same sequence numbers.
   */
  async rewindTo(batchId: string): Promise<{ dropped: number } | null> {
    const files = await this.#lock.run(() =>
      this.#db.transaction(async (tx) => {
        const cur = await tx.query<Row>(`SELECT task_id, seq, manifest FROM outbox WHERE batch_id = $1`, [batchId]);
        if (!cur.rows[0]) return null;
        const m = JSON.parse(cur.rows[0].manifest) as Manifest;
        this.#depth.delete(m.taskId);
        const del = await tx.query<Row>(`DELETE FROM outbox WHERE task_id = $1 AND seq >= $2 RETURNING file_path`, [m.taskId, m.seq]);
        await rewindTask(tx, m);
        return del.rows.map((r) => r.file_path as string);
      }),
    );
    if (!files) return null;
    for (const f of files) rmSync(join(this.outboxDir, f), { force: true });
    return { dropped: files.length };
  }

  // ---- targets ----

  async recordApplied(targetId: string, taskId: string, seq: number, batchId: string, rows: number) {
    await this.#q(
      `INSERT INTO target_state (target_id, task_id, last_seq, last_batch_id, applied_rows, updated_at) VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (target_id) DO UPDATE SET task_id = $2, last_seq = $3, last_batch_id = $4, applied_rows = target_state.applied_rows + $5,
         last_error = NULL, last_error_at = NULL, updated_at = now()`,
      [targetId, taskId, seq, batchId, rows],
    );
  }

  async recordTargetError(targetId: string, taskId: string, error: string) {
    await this.#q(
      `INSERT INTO target_state (target_id, task_id, last_error, last_error_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (target_id) DO UPDATE SET last_error = $3, last_error_at = now(), updated_at = now()`,
      [targetId, taskId, error],
    );
  }

  async targets(): Promise<TargetState[]> {
    return (await this.#q(`SELECT * FROM target_state ORDER BY target_id`)).map((r) => ({
      targetId: r.target_id,
      taskId: r.task_id,
      lastSeq: r.last_seq === null ? null : Number(r.last_seq),
      lastBatchId: r.last_batch_id,
      appliedRows: Number(r.applied_rows),
      lastError: r.last_error,
      lastErrorAt: r.last_error_at,
      updatedAt: r.updated_at,
    }));
  }

  // ---- small values (cached center config, fatal condition) ----

  async get(key: string): Promise<string | null> {
    const rows = await this.#q(`SELECT value FROM kv WHERE key = $1`, [key]);
    return rows[0] ? (rows[0].value as string) : null;
  }

  async set(key: string, value: string | null) {
    if (value === null) await this.#q(`DELETE FROM kv WHERE key = $1`, [key]);
    else await this.#q(`INSERT INTO kv (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2`, [key, value]);
  }

  async #q(sql: string, params: unknown[] = []): Promise<Row[]> {
    return this.#lock.run(async () => (await this.#db.query<Row>(sql, params)).rows);
  }

  #toOutbox(r: Row): OutboxRow {
    return {
      batchId: r.batch_id,
      taskId: r.task_id,
      seq: Number(r.seq),
      manifest: JSON.parse(r.manifest) as Manifest,
      signature: r.signature,
      filePath: join(this.outboxDir, r.file_path),
      sm3: r.sm3,
      bytes: Number(r.bytes),
      rows: Number(r.rows),
      attempts: Number(r.attempts),
      lastError: r.last_error,
      createdAt: r.created_at,
    };
  }
}

async function rewindTask(tx: Queryable, m: Manifest) {
  const snapshotId = m.snapshot ? m.snapshot.id : null;
  const part = m.snapshot ? m.snapshot.part - 1 : 0;
  await tx.query(`UPDATE task_state SET checkpoint = $2, snapshot_id = $3, snapshot_part = $4, next_seq = $5 WHERE task_id = $1`, [
    m.taskId,
    m.checkpoint.from,
    snapshotId,
    part,
    m.seq,
  ]);
}

function emptyTask(taskId: string): TaskState {
  return {
    taskId,
    checkpoint: null,
    snapshotId: null,
    snapshotPart: 0,
    nextSeq: 1,
    status: null,
    statusReason: null,
    lastError: null,
    lastErrorAt: null,
    lastRunAt: null,
    rowsSent: 0,
    lastSentAt: null,
  };
}

function toTask(r: Row): TaskState {
  return {
    taskId: r.task_id,
    checkpoint: r.checkpoint,
    snapshotId: r.snapshot_id,
    snapshotPart: Number(r.snapshot_part),
    nextSeq: Number(r.next_seq),
    status: r.status,
    statusReason: r.status_reason,
    lastError: r.last_error,
    lastErrorAt: r.last_error_at,
    lastRunAt: r.last_run_at,
    rowsSent: Number(r.rows_sent),
    lastSentAt: r.last_sent_at,
  };
}
