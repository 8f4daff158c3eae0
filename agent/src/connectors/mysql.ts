// MySQL/MariaDB as a source and a target. Rows are encoded to and decoded from the batch's
// PostgreSQL COPY CSV here, in JavaScript, so a MariaDB department can exchange with a
// PostgreSQL one. Reads use one consistent snapshot; writes one InnoDB transaction.
import type { Connection as CoreConnection } from 'mysql2';
import mysql from 'mysql2/promise';
import type { Readable, Writable } from 'node:stream';
import { planApply } from './apply-plan.ts';
import { CsvFormatError, encodeCsvField, readCsvRecords } from './csv.ts';
import { maskText } from './masking.ts';
import { isMyConnectionError, mapMyApplyError, mapMySourceError, myConnectionError } from './mysql-errors.ts';
import { castPlaceholder, columnInfo, mysqlValueToText, textToMysqlValue, type MyColumnInfo } from './mysql-values.ts';
import { EXACT_COUNT_LIMIT, checkCheckpoint, checkLimit, orderColumns, requiredColumns, subquery } from './source-plan.ts';
import { myIdent, myTable } from './sql-names.ts';
import { writeChunk } from './stream-util.ts';
import {
  ConnectorError,
  type BatchRef, type Checkpoint, type DatabaseConnector, type ExtractResult, type SourceSpec, type TargetApplySpec,
} from './types.ts';

export type MysqlConnectorOptions =
  | { url: string }
  | { host: string; port?: number; user: string; password?: string; database: string };

// Strict mode: a value that does not fit fails the batch instead of being silently truncated.
const SESSION_SETUP = "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'";

const APPLIED_TABLE_DDL = `CREATE TABLE IF NOT EXISTS zt_exchange_applied (
  batch_id CHAR(36) NOT NULL,
  target_id CHAR(36) NOT NULL,
  task_id CHAR(36) NOT NULL,
  seq BIGINT NOT NULL,
  row_count INT NOT NULL,
  applied_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (batch_id, target_id)
) ENGINE=InnoDB DEFAULT CHARSET=ascii`;

/** Rows per INSERT statement and the text size at which a statement is sent early. */
const INSERT_ROWS = 1000;
const INSERT_BYTES = 1 << 20;
const OUT_CHUNK = 64 * 1024;

/** A column value as the text it compares back by (dateStrings and bigNumberStrings keep it exact). */
function rawText(v: unknown): string | null {
  return v === null || v === undefined ? null : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}

export function createMysqlConnector(opts: MysqlConnectorOptions): DatabaseConnector {
  const base = 'url' in opts ? { uri: opts.url } : { host: opts.host, port: opts.port ?? 3306, user: opts.user, password: opts.password ?? '', database: opts.database };
  const pool = mysql.createPool({
    ...base,
    connectionLimit: 4,
    connectTimeout: 10_000,
    // Exact text for dates, big integers, decimals and JSON: no lossy JS Date or double on the way.
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    jsonStrings: true,
    charset: 'UTF8MB4_GENERAL_CI',
  });
  let appliedTableReady = false;

  async function connect(what: string): Promise<mysql.PoolConnection> {
    let conn: mysql.PoolConnection;
    try {
      conn = await pool.getConnection();
    } catch (err) {
      throw myConnectionError(err, what);
    }
    try {
      await conn.query(SESSION_SETUP);
    } catch (err) {
      conn.destroy();
      throw isMyConnectionError(err) ? myConnectionError(err, what) : mapMySourceError(err, what);
    }
    return conn;
  }

  async function inTransaction<T>(what: string, begin: string, fn: (c: mysql.PoolConnection) => Promise<T>, mapError: (e: unknown) => ConnectorError): Promise<T> {
    const conn = await connect(what);
    let ok = false;
    try {
      await conn.query(begin);
      const result = await fn(conn);
      await conn.query('COMMIT');
      ok = true;
      return result;
    } catch (err) {
      throw mapError(err);
    } finally {
      if (ok) {
        conn.release();
      } else {
        // A connection may be mid-result after a failed stream: roll back by closing it.
        conn.destroy();
      }
    }
  }

  function fromClause(spec: SourceSpec): string {
    if ((spec.table === null) === (spec.query === null)) throw new ConnectorError('SOURCE_QUERY_FAILED', 'a source has exactly one of table or query');
    return `${spec.table !== null ? myTable(spec.table) : subquery(spec.query!, 'mysql')} AS src`;
  }

  const col = (name: string) => `src.${myIdent(name)}`;

  async function orderColumnInfo(c: mysql.PoolConnection, spec: SourceSpec): Promise<MyColumnInfo[]> {
    const [, fields] = await c.query(`SELECT ${orderColumns(spec).map(col).join(', ')} FROM ${fromClause(spec)} LIMIT 0`);
    return (fields as mysql.FieldPacket[]).map(columnInfo);
  }

  /**
   * `(a, b) > (x, y)` spelt out as `a >= x AND (a > x OR b > y)`: MySQL/MariaDB do not use an
   * index for a row-constructor comparison, but do for the leading `a >= x`.
   */
  function whereClause(spec: SourceSpec, after: Checkpoint | null, infos: MyColumnInfo[], upTo?: string): { sql: string; values: (string | null)[] } {
    const conds: string[] = [];
    const values: (string | null)[] = [];
    if (spec.incremental) conds.push(`${col(spec.incremental.column)} IS NOT NULL`);
    if (spec.incremental && upTo !== undefined) {
      conds.push(`${col(spec.incremental.column)} <= ${castPlaceholder(infos[0])}`);
      values.push(upTo);
    }
    if (after !== null) {
      const cols = orderColumns(spec);
      const build = (i: number): string => {
        const c = col(cols[i]);
        const p = castPlaceholder(infos[i]);
        if (i === cols.length - 1) {
          values.push(after[i]);
          return `${c} > ${p}`;
        }
        values.push(after[i], after[i]);
        return `${c} >= ${p} AND (${c} > ${p} OR (${build(i + 1)}))`;
      };
      conds.push(`(${build(0)})`);
    }
    return { sql: conds.length > 0 ? `WHERE ${conds.join(' AND ')}` : '', values };
  }

  async function ensureAppliedTable(): Promise<void> {
    if (appliedTableReady) return;
    const c = await connect('apply');
    try {
      await c.query(APPLIED_TABLE_DDL);
    } catch (err) {
      throw mapMyApplyError(err, 'zt_exchange_applied');
    } finally {
      c.release();
    }
    appliedTableReady = true;
  }

  return {
    kind: 'mysql',

    async test() {
      const c = await connect('test');
      try {
        const [rows] = await c.query('SELECT VERSION() AS v');
        const v = String((rows as { v: string }[])[0].v);
        return { serverVersion: /mariadb/i.test(v) ? `MariaDB ${v}` : `MySQL ${v}` };
      } catch (err) {
        throw mapMySourceError(err, 'test');
      } finally {
        c.release();
      }
    },

    async checkSource(spec) {
      const c = await connect('check source');
      try {
        await c.query(`SELECT ${requiredColumns(spec).map(col).join(', ')} FROM ${fromClause(spec)} LIMIT 0`);
      } catch (err) {
        throw mapMySourceError(err, 'check source');
      } finally {
        c.release();
      }
    },

    async countPending(spec, after) {
      checkCheckpoint(spec, after);
      const c = await connect('count');
      try {
        const infos = await orderColumnInfo(c, spec);
        const where = whereClause(spec, after, infos);
        const select = `SELECT 1 FROM ${fromClause(spec)} ${where.sql}`;
        // Bounded like the PostgreSQL count: past the limit the optimizer's estimate will do.
        const [rows] = await c.query(`SELECT COUNT(*) AS n FROM (${select} LIMIT ${EXACT_COUNT_LIMIT + 1}) AS pending`, where.values);
        const n = Number((rows as { n: number | string }[])[0].n);
        if (n <= EXACT_COUNT_LIMIT) return n;
        const [plan] = await c.query(`EXPLAIN ${select}`, where.values);
        const estimate = Math.max(0, ...(plan as { rows: number | string | null }[]).map((p) => Number(p.rows ?? 0)));
        return Math.max(n, estimate);
      } catch (err) {
        throw mapMySourceError(err, 'count');
      } finally {
        c.release();
      }
    },

    async highWater(spec) {
      if (!spec.incremental) throw new ConnectorError('SOURCE_QUERY_FAILED', 'a full snapshot has no incremental column');
      const c = await connect('high water');
      try {
        const [rows] = await c.query({ sql: `SELECT MAX(${col(spec.incremental.column)}) FROM ${fromClause(spec)}`, rowsAsArray: true });
        // Which transactions are open needs the PROCESS privilege a source account should not
        // have: the settle window then simply runs its full length.
        return { value: rawText((rows as unknown[][])[0]?.[0]), openTransactions: null };
      } catch (err) {
        throw mapMySourceError(err, 'high water');
      } finally {
        c.release();
      }
    },

    async extract(spec, after, limit, out: Writable, upTo?: string): Promise<ExtractResult> {
      checkCheckpoint(spec, after);
      checkLimit(limit);
      if (spec.fields.length === 0) throw new ConnectorError('SOURCE_QUERY_FAILED', 'the task has no fields');
      return inTransaction('extract', 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY', async (c) => {
        const infos = await orderColumnInfo(c, spec);
        const where = whereClause(spec, after, infos, upTo);
        const keys = orderColumns(spec);
        const nf = spec.fields.length;
        const sql = `SELECT ${[...spec.fields.map((f) => col(f.column)), ...keys.map(col)].join(', ')} FROM ${fromClause(spec)} ${where.sql} ORDER BY ${keys.map(col).join(', ')} LIMIT ${limit}`;
        // The promise API has no row stream; the underlying callback connection does.
        const core = c.connection as unknown as CoreConnection;
        const rows = core.query({ sql, values: where.values, rowsAsArray: true }).stream({ highWaterMark: 512 });
        let rowCount = 0;
        let last: unknown[] | null = null;
        let buf = '';
        try {
          for await (const row of rows as AsyncIterable<unknown[]>) {
            for (let i = 0; i < nf; i++) {
              const f = spec.fields[i];
              let text = mysqlValueToText(row[i], f.dataType);
              if (text !== null && f.mask) text = maskText(text, f.mask);
              if (i > 0) buf += ',';
              buf += encodeCsvField(text);
            }
            buf += '\n';
            rowCount++;
            last = row;
            if (buf.length >= OUT_CHUNK) {
              const wait = writeChunk(out, buf);
              buf = '';
              if (wait) await wait;
            }
          }
        } catch (err) {
          (rows as Readable).destroy();
          throw err;
        }
        if (buf.length > 0) {
          const wait = writeChunk(out, buf);
          if (wait) await wait;
        }
        if (rowCount === 0 || last === null) return { rowCount: 0, checkpoint: null };
        const lastRow = last;
        // The checkpoint is the raw column text (not masked, not re-typed) so it compares back exactly.
        const checkpoint = keys.map((_, i) => rawText(lastRow[nf + i]));
        return { rowCount, checkpoint };
      }, (e) => mapMySourceError(e, 'extract'));
    },

    async apply(target: TargetApplySpec, batch: BatchRef, body: Readable) {
      const plan = planApply(target, batch);
      await ensureAppliedTable();
      const table = myTable(target.table);
      return inTransaction('apply', 'START TRANSACTION', async (c) => {
        try {
          // First, so that a concurrent apply of the same batch blocks here until this one ends.
          await c.query('INSERT INTO zt_exchange_applied (batch_id, target_id, task_id, seq, row_count) VALUES (?, ?, ?, ?, ?)',
            [batch.batchId, batch.targetId, batch.taskId, batch.seq, batch.rowCount]);
        } catch (err) {
          if ((err as { errno?: number }).errno !== 1062) throw err;
          body.resume();
          const [rows] = await c.query('SELECT row_count FROM zt_exchange_applied WHERE batch_id = ? AND target_id = ?', [batch.batchId, batch.targetId]);
          await c.query('ROLLBACK');
          return { appliedRows: Number((rows as { row_count: number }[])[0]?.row_count ?? 0), alreadyApplied: true };
        }
        const mapped = plan.map((p, i) => ({ ...p, index: i })).filter((p) => p.target !== null);
        const targetCols = mapped.map((p) => myIdent(p.target!));
        // Reading the target's columns first fails a missing one before any row is read, and
        // tells each value's conversion the column's real type.
        const [, fields] = await c.query(`SELECT ${targetCols.join(', ')} FROM ${table} LIMIT 0`);
        const infos = (fields as mysql.FieldPacket[]).map(columnInfo);
        const types = mapped.map((p) => batch.columns[p.index].type);

        let suffix = '';
        if (target.mode === 'upsert') {
          const keys = new Set(target.keyColumns);
          const sets = mapped.filter((p) => !keys.has(p.target!)).map((p) => `${myIdent(p.target!)} = VALUES(${myIdent(p.target!)})`);
          // With only key columns there is nothing to update; assigning a key to itself is a no-op.
          suffix = ` ON DUPLICATE KEY UPDATE ${sets.length > 0 ? sets.join(', ') : `${myIdent(target.keyColumns[0])} = ${myIdent(target.keyColumns[0])}`}`;
        }
        const head = `INSERT INTO ${table} (${targetCols.join(', ')}) VALUES `;
        const rowPlaceholder = `(${targetCols.map(() => '?').join(', ')})`;
        let pending: unknown[] = [];
        let pendingRows = 0;
        let pendingBytes = 0;
        const flush = async () => {
          if (pendingRows === 0) return;
          await c.query(head + Array(pendingRows).fill(rowPlaceholder).join(', ') + suffix, pending);
          pending = [];
          pendingRows = 0;
          pendingBytes = 0;
        };
        let rowCount = 0;
        try {
          for await (const records of readCsvRecords(body)) {
            for (const rec of records) {
              rowCount++;
              if (rec.length !== plan.length) {
                throw new ConnectorError('BATCH_SCHEMA_MISMATCH', `batch row ${rowCount} has ${rec.length} values but the manifest lists ${plan.length} columns / 批次列与清单不符`);
              }
              for (let j = 0; j < mapped.length; j++) {
                const text = rec[mapped[j].index];
                pending.push(textToMysqlValue(text, types[j], infos[j]));
                pendingBytes += text === null ? 4 : text.length + 2;
              }
              pendingRows++;
              if (pendingRows >= INSERT_ROWS || pendingBytes >= INSERT_BYTES) await flush();
            }
          }
        } catch (err) {
          if (err instanceof CsvFormatError) throw new ConnectorError('BATCH_SCHEMA_MISMATCH', `batch is not valid CSV: ${err.message}`, { cause: err });
          throw err;
        }
        await flush();
        if (rowCount !== batch.rowCount) {
          throw new ConnectorError('BATCH_SCHEMA_MISMATCH', `batch has ${rowCount} rows but its manifest says ${batch.rowCount} / 批次行数与清单不符`);
        }
        return { appliedRows: rowCount, alreadyApplied: false };
      }, (e) => mapMyApplyError(e, target.table));
    },

    async close() {
      await pool.end();
    },
  };
}
