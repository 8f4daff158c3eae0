// PostgreSQL as a source and a target. Rows never pass through JavaScript one by one: extraction
// is a server-side COPY … TO STDOUT piped to the batch file, apply is COPY … FROM STDIN into a
// temporary table followed by one INSERT … SELECT. That keeps the agent near the COPY-pipe speed.
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyOut } from './copy-out.ts';
import { createReadStream, ReadStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pgMaskExpr } from './masking.ts';
import { mapPgApplyError, mapPgSourceError, pgConnectionError, isConnectionError } from './pg-errors.ts';
import { EXACT_COUNT_LIMIT, checkCheckpoint, checkpointFromCsvRow, checkLimit, orderColumns, requiredColumns, subquery } from './source-plan.ts';
import { pgIdent, pgLiteral, pgTable } from './sql-names.ts';
import { pumpInto } from './stream-util.ts';
import { planApply } from './apply-plan.ts';
import {
  ConnectorError,
  type BatchRef, type Checkpoint, type DatabaseConnector, type ExtractResult, type SourceSpec, type TargetApplySpec,
} from './types.ts';

export type PostgresConnectorOptions = { url: string } | pg.PoolConfig;

// Text forms that read back the same everywhere: ISO dates, UTC offsets, exact floats.
const SESSION_SETTINGS = "SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL TimeZone = 'UTC'; SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 1; SET LOCAL bytea_output = 'hex'";

const APPLIED_TABLE_DDL = `CREATE TABLE IF NOT EXISTS zt_exchange_applied (
  batch_id uuid NOT NULL,
  target_id uuid NOT NULL,
  task_id uuid NOT NULL,
  seq bigint NOT NULL,
  row_count integer NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (batch_id, target_id)
)`;

/** Transactions open in this database, other than the asking one (see highWater). */
const OPEN_TRANSACTIONS = `SELECT l.virtualxid::text FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'virtualxid' AND l.granted AND l.pid <> pg_backend_pid()
    AND a.datid = (SELECT oid FROM pg_database WHERE datname = current_database())`;

export function createPostgresConnector(opts: PostgresConnectorOptions): DatabaseConnector {
  const config: pg.PoolConfig = 'url' in opts && typeof opts.url === 'string'
    ? { connectionString: opts.url }
    : { ...(opts as pg.PoolConfig) };
  const pool = new pg.Pool({ max: 4, connectionTimeoutMillis: 10_000, application_name: 'zhengtong-agent', ...config });
  // An idle connection dropped by the server must not crash the agent; the next checkout reconnects.
  pool.on('error', () => {});
  const typeNames = new Map<number, string>();
  let appliedTableReady = false;
  /** Per target table: false after a batch met keys already present (see apply). */
  const newKeysOnly = new Map<string, boolean>();

  async function connect(what: string): Promise<pg.PoolClient> {
    try {
      return await pool.connect();
    } catch (err) {
      throw pgConnectionError(err, what);
    }
  }

  /** Runs `fn` in a transaction; on failure rolls back and drops a connection that may be mid-COPY. */
  async function inTransaction<T>(what: string, begin: string, fn: (c: pg.PoolClient) => Promise<T>, mapError: (e: unknown) => ConnectorError): Promise<T> {
    const client = await connect(what);
    let broken: Error | undefined;
    try {
      await client.query(`${begin}; ${SESSION_SETTINGS}`);
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      broken = err as Error;
      await client.query('ROLLBACK').catch(() => {});
      throw mapError(err);
    } finally {
      // A failed COPY can leave the protocol in an odd state: never reuse that connection.
      client.release(broken);
    }
  }

  function fromClause(spec: SourceSpec): string {
    if ((spec.table === null) === (spec.query === null)) throw new ConnectorError('SOURCE_QUERY_FAILED', 'a source has exactly one of table or query');
    return `${spec.table !== null ? pgTable(spec.table) : subquery(spec.query!, 'postgres')} AS src`;
  }

  const col = (name: string) => `src.${pgIdent(name)}`;

  /** SQL type names of the ordering columns, so checkpoint text is compared as the column's type. */
  async function orderTypes(client: pg.PoolClient, spec: SourceSpec): Promise<string[]> {
    const cols = orderColumns(spec);
    const probe = await client.query(`SELECT ${cols.map(col).join(', ')} FROM ${fromClause(spec)} LIMIT 0`);
    const oids = probe.fields.map((f) => f.dataTypeID);
    const unknown = [...new Set(oids.filter((o) => !typeNames.has(o)))];
    if (unknown.length > 0) {
      const r = await client.query<{ oid: number; name: string }>('SELECT t::int AS oid, format_type(t, NULL) AS name FROM unnest($1::oid[]) AS t', [unknown]);
      for (const row of r.rows) typeNames.set(Number(row.oid), row.name);
    }
    return oids.map((o) => typeNames.get(o)!);
  }

  function whereClause(spec: SourceSpec, after: Checkpoint | null, types: string[], upTo?: string): string {
    const conds: string[] = [];
    // A row without an incremental value has no place in the order; admitting it would put a NULL
    // into the checkpoint, after which no row compares greater and the task would stall.
    if (spec.incremental) conds.push(`${col(spec.incremental.column)} IS NOT NULL`);
    if (spec.incremental && upTo !== undefined) conds.push(`${col(spec.incremental.column)} <= CAST(${pgLiteral(upTo)} AS ${types[0]})`);
    if (after !== null) {
      const cols = orderColumns(spec);
      const vals = after.map((v, i) => (v === null ? `NULL::${types[i]}` : `CAST(${pgLiteral(v)} AS ${types[i]})`));
      conds.push(`(${cols.map(col).join(', ')}) > (${vals.join(', ')})`);
    }
    return conds.length > 0 ? `WHERE ${conds.join(' AND ')}` : '';
  }

  const orderBy = (spec: SourceSpec) => `ORDER BY ${orderColumns(spec).map(col).join(', ')}`;

  function projection(spec: SourceSpec): string {
    if (spec.fields.length === 0) throw new ConnectorError('SOURCE_QUERY_FAILED', 'the task has no fields');
    return spec.fields.map((f) => (f.mask ? pgMaskExpr(col(f.column), f.mask) : col(f.column)) + ` AS ${pgIdent(f.field)}`).join(', ');
  }

  async function ensureAppliedTable(): Promise<void> {
    if (appliedTableReady) return;
    const client = await connect('apply');
    try {
      await client.query(APPLIED_TABLE_DDL);
    } catch (err) {
      // Two agents creating it at once: one loses on the catalog's unique index; the table exists.
      if ((err as { code?: string }).code !== '23505' && (err as { code?: string }).code !== '42P07') throw mapPgApplyError(err, 'zt_exchange_applied');
    } finally {
      client.release();
    }
    appliedTableReady = true;
  }

  return {
    kind: 'postgres',

    async test() {
      const client = await connect('test');
      try {
        const r = await client.query<{ server_version: string }>('SHOW server_version');
        return { serverVersion: `PostgreSQL ${r.rows[0].server_version}` };
      } catch (err) {
        throw isConnectionError(err) ? pgConnectionError(err, 'test') : mapPgSourceError(err, 'test');
      } finally {
        client.release();
      }
    },

    async checkSource(spec) {
      await inTransaction('check source', 'BEGIN READ ONLY', async (c) => {
        // One column at a time would take a round trip each; one query names the first missing.
        await c.query(`SELECT ${requiredColumns(spec).map(col).join(', ')} FROM ${fromClause(spec)} LIMIT 0`);
      }, (e) => mapPgSourceError(e, 'check source'));
    },

    async countPending(spec, after) {
      checkCheckpoint(spec, after);
      return inTransaction('count', 'BEGIN READ ONLY', async (c) => {
        const types = await orderTypes(c, spec);
        const rows = `SELECT 1 FROM ${fromClause(spec)} ${whereClause(spec, after, types)}`;
        // Counting is bounded: past EXACT_COUNT_LIMIT rows the planner's estimate will do (the
        // count is asked after every full batch, and an exact count of a huge rest costs a scan).
        const r = await c.query<{ n: string }>(`SELECT count(*) AS n FROM (${rows} LIMIT ${EXACT_COUNT_LIMIT + 1}) AS pending`);
        const n = Number(r.rows[0].n);
        if (n <= EXACT_COUNT_LIMIT) return n;
        const plan = await c.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(`EXPLAIN (FORMAT JSON) ${rows}`);
        return Math.max(n, Math.round(plan.rows[0]['QUERY PLAN'][0].Plan['Plan Rows']));
      }, (e) => mapPgSourceError(e, 'count'));
    },

    async highWater(spec) {
      if (!spec.incremental) throw new ConnectorError('SOURCE_QUERY_FAILED', 'a full snapshot has no incremental column');
      return inTransaction('high water', 'BEGIN READ ONLY', async (c) => {
        // Every transaction holds a lock on its virtual id from its first moment (when now() is
        // fixed) to its end, and pg_locks shows them to any user. The list is read after the
        // maximum, so a transaction missing from it had committed by then, or began after it.
        // A standby's pg_locks does not show the primary's transactions: no list there.
        const r = await c.query<{ v: string | null; open: string[] | null }>(
          `SELECT (SELECT max(${col(spec.incremental!.column)})::text FROM ${fromClause(spec)}) AS v,
                  CASE WHEN pg_is_in_recovery() THEN NULL ELSE ARRAY(${OPEN_TRANSACTIONS}) END AS open`);
        return { value: r.rows[0]?.v ?? null, openTransactions: r.rows[0]?.open ?? null };
      }, (e) => mapPgSourceError(e, 'high water'));
    },

    async stillOpen(transactions) {
      if (transactions.length === 0) return [];
      const c = await connect('open transactions');
      try {
        const r = await c.query<{ vxid: string }>(`SELECT l.virtualxid AS vxid FROM pg_locks l WHERE l.locktype = 'virtualxid' AND l.virtualxid = ANY($1::text[])`, [transactions]);
        return r.rows.map((x) => x.vxid);
      } catch (err) {
        throw mapPgSourceError(err, 'open transactions');
      } finally {
        c.release();
      }
    },

    async extract(spec, after, limit, out: Writable, upTo?: string): Promise<ExtractResult> {
      checkCheckpoint(spec, after);
      checkLimit(limit);
      return inTransaction('extract', 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (c) => {
        const types = await orderTypes(c, spec);
        const from = fromClause(spec);
        const where = whereClause(spec, after, types, upTo);
        const order = orderBy(spec);
        const copy = c.query(copyOut(`COPY (SELECT ${projection(spec)} FROM ${from} ${where} ${order} LIMIT ${limit}) TO STDOUT WITH (FORMAT csv)`));
        await pumpInto(copy, out);
        const rowCount = copy.rowCount ?? 0;
        if (rowCount === 0) return { rowCount: 0, checkpoint: null };
        // The last row sent holds the checkpoint when the ordering columns travel unmasked.
        const fromRow = copy.lastRow ? checkpointFromCsvRow(spec, copy.lastRow.toString('utf8')) : null;
        if (fromRow) return { rowCount, checkpoint: fromRow };
        // Otherwise, same snapshot, same order: the row at position rowCount is the batch's last row.
        const last = await c.query({
          text: `SELECT ${orderColumns(spec).map((n) => `${col(n)}::text`).join(', ')} FROM ${from} ${where} ${order} OFFSET ${rowCount - 1} LIMIT 1`,
          rowMode: 'array',
        });
        const checkpoint = (last.rows[0] as (string | null)[] | undefined) ?? null;
        if (!checkpoint) throw new ConnectorError('SOURCE_QUERY_FAILED', 'the last extracted row could not be read back for the checkpoint');
        return { rowCount, checkpoint };
      }, (e) => mapPgSourceError(e, 'extract'));
    },

    async apply(target: TargetApplySpec, batch: BatchRef, body: Readable, reopen?: () => Readable) {
      const plan = planApply(target, batch);
      await ensureAppliedTable();
      const table = pgTable(target.table);
      return inTransaction('apply', 'BEGIN', async (c) => {
        // The idempotency row goes in first: a concurrent apply of the same batch waits on it here
        // and then finds it, so a batch is never applied twice.
        const mark = await c.query(
          'INSERT INTO zt_exchange_applied (batch_id, target_id, task_id, seq, row_count) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
          [batch.batchId, batch.targetId, batch.taskId, batch.seq, batch.rowCount],
        );
        if (mark.rowCount === 0) {
          body.resume();
          const prev = await c.query<{ row_count: number }>('SELECT row_count FROM zt_exchange_applied WHERE batch_id = $1 AND target_id = $2', [batch.batchId, batch.targetId]);
          return { appliedRows: prev.rows[0]?.row_count ?? 0, alreadyApplied: true };
        }
        const allMapped = plan.every((p) => p.target !== null);
        const targetCols = plan.map((p, i) => pgIdent(p.target ?? `zt_unmapped_${i}`)).join(', ');
        const copyInto = async (into: string, from: Readable) => {
          const copy = c.query(copyFrom(`COPY ${into} (${targetCols}) FROM STDIN WITH (FORMAT csv)`));
          await pipeline(from, copy);
          const loaded = copy.rowCount ?? 0;
          if (loaded !== batch.rowCount) {
            throw new ConnectorError('BATCH_SCHEMA_MISMATCH', `batch has ${loaded} rows but its manifest says ${batch.rowCount} / 批次行数与清单不符`);
          }
          return loaded;
        };
        if (target.mode === 'append' && allMapped) {
          return { appliedRows: await copyInto(table, body), alreadyApplied: false };
        }

        // Upsert of rows the table does not hold yet (a first load, an insert-only stream) is a
        // plain COPY into the table: half the work of the temp-table route. Tried when the body
        // can be read a second time (`reopen`, or a file stream not yet read), and while the table's last batches held only new keys;
        // a key already present aborts it (to the savepoint) and the batch takes the temp route.
        let input = body;
        const again = allMapped ? (reopen ?? reopenable(body)) : null;
        if (again && newKeysOnly.get(table) !== false) {
          await c.query('SAVEPOINT zt_direct');
          try {
            const loaded = await copyInto(table, body);
            await c.query('RELEASE SAVEPOINT zt_direct');
            return { appliedRows: loaded, alreadyApplied: false };
          } catch (err) {
            if ((err as { code?: string }).code !== '23505') throw err;
            await c.query('ROLLBACK TO SAVEPOINT zt_direct');
            newKeysOnly.set(table, false);
            input = again();
          }
        }

        const cols = plan.map((p, i) => (p.target !== null ? `t.${pgIdent(p.target)}` : `NULL::text AS ${pgIdent(`zt_unmapped_${i}`)}`));
        await c.query(`CREATE TEMP TABLE zt_exchange_load ON COMMIT DROP AS SELECT ${cols.join(', ')} FROM ${table} AS t WITH NO DATA`);
        await copyInto('zt_exchange_load', input);
        const mapped = plan.filter((p) => p.target !== null).map((p) => pgIdent(p.target!));
        let sql = `INSERT INTO ${table} AS t (${mapped.join(', ')}) SELECT ${mapped.join(', ')} FROM zt_exchange_load`;
        if (target.mode === 'append') {
          const ins = await c.query(sql);
          return { appliedRows: ins.rowCount ?? 0, alreadyApplied: false };
        }
        const keys = new Set(target.keyColumns);
        const sets = plan.filter((p) => p.target !== null && !keys.has(p.target)).map((p) => `${pgIdent(p.target!)} = EXCLUDED.${pgIdent(p.target!)}`);
        sql += ` ON CONFLICT (${target.keyColumns.map(pgIdent).join(', ')}) ${sets.length > 0 ? `DO UPDATE SET ${sets.join(', ')}` : 'DO NOTHING'}`;
        // xmax = 0 marks a freshly inserted row: a batch of only new keys lets the next try COPY.
        const ins = await c.query<{ n: number; fresh: number }>(
          `WITH ins AS (${sql} RETURNING (t.xmax = 0) AS fresh) SELECT count(*)::int AS n, count(*) FILTER (WHERE fresh)::int AS fresh FROM ins`);
        const { n, fresh } = ins.rows[0];
        if (n === fresh) newKeysOnly.delete(table);
        return { appliedRows: n, alreadyApplied: false };
      }, (e) => mapPgApplyError(e, target.table));
    },

    async close() {
      await pool.end();
    },
  };
}

/** A batch file stream not yet read from can be opened again from its path. */
function reopenable(body: Readable): (() => Readable) | null {
  if (!(body instanceof ReadStream) || typeof body.path !== 'string' || body.bytesRead !== 0) return null;
  const range = body as unknown as { start?: number; end?: number };
  if ((range.start ?? 0) !== 0 || (range.end ?? Infinity) !== Infinity) return null;
  const { path } = body;
  return () => createReadStream(path);
}
