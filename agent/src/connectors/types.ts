// The seam between the agent's engine (src/engine/) and the department systems it talks to
// (src/connectors/). Specs mirror docs/exchange-protocol.md §2; rows travel as PostgreSQL-style
// COPY CSV (§3) whatever the database, so a PostgreSQL target can load a MariaDB source's batch.
import type { Readable, Writable } from 'node:stream';

export type DataType = 'string' | 'integer' | 'decimal' | 'date' | 'datetime' | 'boolean' | 'binary' | 'other';

/** One travelling field: catalog field name, the source column it is read from, optional mask. */
export interface FieldSpec {
  field: string;
  column: string;
  dataType: DataType;
  /** Keep `keepStart` leading and `keepEnd` trailing characters, `*` for the rest; NULL stays NULL. */
  mask: { keepStart: number; keepEnd: number } | null;
}

export interface SourceSpec {
  /** A table (optionally schema-qualified) or a SELECT; exactly one is set. */
  table: string | null;
  query: string | null;
  keyColumns: string[];
  /** null = full snapshot in key order. */
  incremental: { column: string; kind: 'timestamp' | 'sequence' } | null;
  fields: FieldSpec[];
}

export interface HighWater {
  value: string | null;
  /**
   * Transactions open in the source database when `value` was read (PostgreSQL virtual
   * transaction ids). Once they have all ended, no row at or below `value` can still appear.
   * Null when the database cannot tell (MySQL/MariaDB without PROCESS, a standby).
   */
  openTransactions: string[] | null;
}

/**
 * Where extraction stopped: the last row's incremental value (if any) followed by its key values,
 * as text. The next batch starts strictly after this tuple. Stored as JSON by the engine.
 */
export type Checkpoint = (string | null)[];

export interface ExtractResult {
  rowCount: number;
  /** The last extracted row's tuple; null when no row was extracted (checkpoint unchanged). */
  checkpoint: Checkpoint | null;
}

/** A configured database (PostgreSQL or MySQL/MariaDB) as a source and as a target. */
export interface DatabaseConnector {
  readonly kind: 'postgres' | 'mysql';
  /** Connects and runs a trivial query; throws a ConnectorError naming what failed. */
  test(): Promise<{ serverVersion: string }>;
  /** Fails with SOURCE_COLUMN_MISSING when a field's column or a key/incremental column is gone. */
  checkSource(spec: SourceSpec): Promise<void>;
  /** Rows after the checkpoint (for progress and ETA); may be an estimate on huge tables. */
  countPending(spec: SourceSpec, after: Checkpoint | null): Promise<number>;
  /**
   * Writes up to `limit` rows after `after` as COPY CSV (columns = spec.fields order, masks
   * applied) into `out`, in (incremental, keys) order, reading one consistent snapshot, and
   * returns the last row's tuple. Does not end `out`. `upTo`, for an incremental source, is an
   * inclusive upper bound on the incremental column (text, as highWater returns it).
   */
  extract(spec: SourceSpec, after: Checkpoint | null, limit: number, out: Writable, upTo?: string): Promise<ExtractResult>;
  /**
   * The incremental column's greatest value now, as text (null for an empty source), and the
   * transactions open in the source database at that moment when the database can tell (settle
   * window, ADR 0015).
   */
  highWater(spec: SourceSpec): Promise<HighWater>;
  /** Which of these transactions (as highWater listed them) are still open; absent = cannot tell. */
  stillOpen?(transactions: string[]): Promise<string[]>;
  /**
   * Applies one batch in one transaction together with its `zt_exchange_applied` row (created if
   * missing). If that row already exists nothing changes and alreadyApplied is true. `reopen`,
   * when given, reads the body again from its start (a connector may try a cheaper route first).
   */
  apply(target: TargetApplySpec, batch: BatchRef, body: Readable, reopen?: () => Readable): Promise<{ appliedRows: number; alreadyApplied: boolean }>;
  close(): Promise<void>;
}

export interface TargetApplySpec {
  table: string;
  /** Target key columns (upsert conflict target). */
  keyColumns: string[];
  mode: 'upsert' | 'append';
  /** Travelling field name → target column. */
  columnMap: Record<string, string>;
}

export interface BatchRef {
  batchId: string;
  taskId: string;
  targetId: string;
  seq: number;
  rowCount: number;
  /** Field names in CSV column order (manifest.columns). */
  columns: { name: string; type: DataType }[];
}

/** A folder of files (unstructured data) as a source and as a target. */
export interface FolderConnector {
  readonly kind: 'folder';
  test(): Promise<{ path: string }>;
  /** Files after the checkpoint (modification time, then name), oldest first, at most `limit`. */
  listNew(after: Checkpoint | null, limit: number): Promise<{ name: string; path: string; bytes: number; checkpoint: Checkpoint }[]>;
  /** Writes the file under a temporary name and renames it into place (idempotent by name). */
  write(name: string, body: Readable): Promise<{ bytes: number }>;
  close(): Promise<void>;
}

export type ConnectorErrorCode =
  | 'CONNECTION_FAILED'
  | 'SOURCE_COLUMN_MISSING'
  | 'SOURCE_QUERY_FAILED'
  | 'BATCH_SCHEMA_MISMATCH'
  | 'TARGET_COLUMN_MISSING'
  | 'TARGET_TYPE_MISMATCH'
  | 'TARGET_APPLY_FAILED';

/** A failure with a stable code the engine reports to the center and prints. */
export class ConnectorError extends Error {
  readonly code: ConnectorErrorCode;
  /** Worth retrying later without a human fixing something (e.g. the database is down). */
  readonly retryable: boolean;
  constructor(code: ConnectorErrorCode, message: string, opts: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'ConnectorError';
    this.code = code;
    this.retryable = opts.retryable ?? false;
  }
}
