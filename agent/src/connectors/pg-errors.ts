// PostgreSQL failures turned into the codes the engine reports (docs/exchange-protocol.md §3).
import { ConnectorError, type ConnectorErrorCode } from './types.ts';

interface PgErrorLike { code?: string; message?: string; column?: string; where?: string; detail?: string }

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE', 'EAI_AGAIN']);
const TYPE_CODES = new Set(['22P02', '22007', '22008', '22003', '22001', '22P03', '22018', '22021', '22023', '22025', '2200N', '22005']);

export function isConnectionError(err: unknown): boolean {
  const e = err as PgErrorLike;
  const code = e?.code ?? '';
  if (CONNECTION_CODES.has(code)) return true;
  // 08: connection exception; 57P01-03: server shutting down / cannot connect now; 53300: too many connections.
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(e?.message ?? '');
}

/** The column PostgreSQL names in a COPY error context: `COPY t, line 3, column age: "x"`. */
export function pgErrorColumn(err: unknown): string | null {
  const e = err as PgErrorLike;
  if (e?.column) return e.column;
  const m = /column ([^:]+):/.exec(e?.where ?? '');
  return m ? m[1].replace(/^"|"$/g, '') : null;
}

/** `column "x" does not exist` / `column src.x does not exist` → x. */
export function missingColumnName(err: unknown): string | null {
  const m = /column "?([^"]+?)"? (?:of relation "[^"]*" )?does not exist/.exec((err as PgErrorLike)?.message ?? '');
  if (!m) return null;
  const name = m[1];
  return name.startsWith('src.') ? name.slice(4) : name;
}

function wrap(code: ConnectorErrorCode, message: string, err: unknown, retryable = false): ConnectorError {
  return new ConnectorError(code, message, { cause: err, retryable });
}

export function pgConnectionError(err: unknown, what: string): ConnectorError {
  return wrap('CONNECTION_FAILED', `${what}: cannot reach PostgreSQL (${(err as Error).message}) / 无法连接数据库`, err, true);
}

/** For apply: maps a failure while loading a batch into the target table. */
export function mapPgApplyError(err: unknown, table: string): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = err as PgErrorLike;
  const code = e?.code ?? '';
  const msg = e?.message ?? String(err);
  if (isConnectionError(err)) return pgConnectionError(err, 'apply');
  if (code === '42703') {
    const col = missingColumnName(err);
    return wrap('TARGET_COLUMN_MISSING', `target table ${table} has no column ${col ?? '(unknown)'} — ${msg} / 目标表缺少字段`, err);
  }
  if (TYPE_CODES.has(code)) {
    const col = pgErrorColumn(err);
    return wrap('TARGET_TYPE_MISMATCH', `${col ? `column ${col}: ` : ''}${msg} / 数据类型与目标字段不符`, err);
  }
  if (code === '22P04') return wrap('BATCH_SCHEMA_MISMATCH', `batch CSV does not match its manifest columns: ${msg} / 批次列与清单不符`, err);
  if (code === '23502') return wrap('TARGET_APPLY_FAILED', `column ${e.column ?? pgErrorColumn(err) ?? '?'}: null value not allowed in ${table} — ${msg}`, err);
  if (code === '42P01') return wrap('TARGET_APPLY_FAILED', `target table ${table} does not exist / 目标表不存在`, err);
  if (code === '42P10') return wrap('TARGET_APPLY_FAILED', `target table ${table} has no unique index on the key columns, needed for upsert — ${msg}`, err);
  if (code === '21000') return wrap('TARGET_APPLY_FAILED', `the batch holds the same key twice, so upsert cannot apply it — ${msg}`, err);
  // Serialization failure / deadlock / lock timeout: a later attempt will succeed.
  const retryable = code === '40001' || code === '40P01' || code === '55P03' || code === '57014';
  return wrap('TARGET_APPLY_FAILED', `apply to ${table} failed: ${msg}${e.detail ? ` (${e.detail})` : ''}`, err, retryable);
}

/** For extract/check/count: maps a failure while reading the source. */
export function mapPgSourceError(err: unknown, what: string): ConnectorError {
  if (err instanceof ConnectorError) return err;
  if (isConnectionError(err)) return pgConnectionError(err, what);
  const e = err as PgErrorLike;
  if (e?.code === '42703') {
    const col = missingColumnName(err);
    return wrap('SOURCE_COLUMN_MISSING', `source column ${col ?? '(unknown)'} does not exist — ${e.message} / 源字段不存在`, err);
  }
  const retryable = e?.code === '40001' || e?.code === '40P01' || e?.code === '57014';
  return wrap('SOURCE_QUERY_FAILED', `${what} failed: ${e?.message ?? String(err)} / 源查询失败`, err, retryable);
}
