// MySQL/MariaDB failures turned into the codes the engine reports.
import { ConnectorError, type ConnectorErrorCode } from './types.ts';

interface MyErrorLike { code?: string; errno?: number; message?: string; sqlMessage?: string; fatal?: boolean }

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE', 'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN']);
// 1040 too many connections, 1053 shutdown, 2002/2003/2006/2013 client-side connection errors.
const CONNECTION_ERRNOS = new Set([1040, 1053, 2002, 2003, 2006, 2013, 1927]);
// Incorrect value, out of range, too long, truncated, wrong date, incorrect string (charset).
const TYPE_ERRNOS = new Set([1366, 1292, 1264, 1406, 1265, 1367, 1411, 1690, 3140, 4078, 1918]);

export function isMyConnectionError(err: unknown): boolean {
  const e = err as MyErrorLike;
  return CONNECTION_CODES.has(e?.code ?? '') || CONNECTION_ERRNOS.has(e?.errno ?? 0) || (e?.fatal === true && e?.errno === undefined);
}

/** `… for column `db`.`t`.`age` at row 3` / `Data too long for column 'xm' at row 1` → age / xm. */
export function myErrorColumn(err: unknown): string | null {
  const m = /column (.+?) at row/.exec((err as MyErrorLike)?.message ?? '');
  if (!m) return null;
  const parts = m[1].split('.');
  return parts[parts.length - 1].replace(/^[`'"]|[`'"]$/g, '');
}

/** `Unknown column 'src.x' in 'field list'` → x. */
export function myUnknownColumn(err: unknown): string | null {
  const m = /Unknown column '([^']+)'/.exec((err as MyErrorLike)?.message ?? '');
  if (!m) return null;
  return m[1].startsWith('src.') ? m[1].slice(4) : m[1];
}

function wrap(code: ConnectorErrorCode, message: string, err: unknown, retryable = false): ConnectorError {
  return new ConnectorError(code, message, { cause: err, retryable });
}

export function myConnectionError(err: unknown, what: string): ConnectorError {
  const e = err as MyErrorLike;
  // Wrong password or unknown database will not heal by waiting.
  const retryable = e?.errno !== 1045 && e?.errno !== 1049 && e?.errno !== 1044;
  return wrap('CONNECTION_FAILED', `${what}: cannot use MySQL/MariaDB (${e?.message ?? String(err)}) / 无法连接数据库`, err, retryable);
}

export function mapMyApplyError(err: unknown, table: string): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = err as MyErrorLike;
  const msg = e?.message ?? String(err);
  if (isMyConnectionError(err)) return myConnectionError(err, 'apply');
  switch (e?.errno) {
    case 1054:
      return wrap('TARGET_COLUMN_MISSING', `target table ${table} has no column ${myUnknownColumn(err) ?? '(unknown)'} — ${msg} / 目标表缺少字段`, err);
    case 1048:
      return wrap('TARGET_APPLY_FAILED', `null value not allowed in ${table}: ${msg}`, err);
    case 1146:
      return wrap('TARGET_APPLY_FAILED', `target table ${table} does not exist / 目标表不存在`, err);
    case 1213: case 1205:
      return wrap('TARGET_APPLY_FAILED', `apply to ${table} failed: ${msg}`, err, true);
  }
  if (TYPE_ERRNOS.has(e?.errno ?? 0)) {
    const col = myErrorColumn(err);
    return wrap('TARGET_TYPE_MISMATCH', `${col ? `column ${col}: ` : ''}${msg} / 数据类型与目标字段不符`, err);
  }
  return wrap('TARGET_APPLY_FAILED', `apply to ${table} failed: ${msg}`, err);
}

export function mapMySourceError(err: unknown, what: string): ConnectorError {
  if (err instanceof ConnectorError) return err;
  if (isMyConnectionError(err)) return myConnectionError(err, what);
  const e = err as MyErrorLike;
  if (e?.errno === 1054) {
    return wrap('SOURCE_COLUMN_MISSING', `source column ${myUnknownColumn(err) ?? '(unknown)'} does not exist — ${e.message} / 源字段不存在`, err);
  }
  const retryable = e?.errno === 1213 || e?.errno === 1205;
  return wrap('SOURCE_QUERY_FAILED', `${what} failed: ${e?.message ?? String(err)} / 源查询失败`, err, retryable);
}
