// Values between MySQL/MariaDB and the batch's PostgreSQL-style text (docs/exchange-protocol.md §3).
import type { DataType } from './types.ts';

// MySQL column type codes (protocol ColumnDefinition.type).
export const MY_TYPE = {
  DECIMAL: 0, TINY: 1, SHORT: 2, LONG: 3, FLOAT: 4, DOUBLE: 5, TIMESTAMP: 7, LONGLONG: 8, INT24: 9,
  DATE: 10, TIME: 11, DATETIME: 12, YEAR: 13, NEWDATE: 14, BIT: 16, NEWDECIMAL: 246,
  TINY_BLOB: 249, MEDIUM_BLOB: 250, LONG_BLOB: 251, BLOB: 252, VAR_STRING: 253, STRING: 254,
} as const;

const INTEGER_TYPES = new Set<number>([MY_TYPE.TINY, MY_TYPE.SHORT, MY_TYPE.LONG, MY_TYPE.LONGLONG, MY_TYPE.INT24, MY_TYPE.YEAR]);
const DATETIME_TYPES = new Set<number>([MY_TYPE.TIMESTAMP, MY_TYPE.DATETIME]);
const UNSIGNED_FLAG = 32;
const BINARY_FLAG = 128;

export interface MyColumnInfo { type: number; unsigned: boolean; binary: boolean }

export function columnInfo(field: { columnType?: number; type?: number; flags: number | string[] }): MyColumnInfo {
  const type = field.columnType ?? field.type ?? MY_TYPE.VAR_STRING;
  const flags = field.flags;
  const has = (bit: number, name: string) => (typeof flags === 'number' ? (flags & bit) !== 0 : flags.includes(name));
  return { type, unsigned: has(UNSIGNED_FLAG, 'UNSIGNED'), binary: has(BINARY_FLAG, 'BINARY') };
}

/**
 * The placeholder for a checkpoint value compared with a column of this type. Without the cast
 * MySQL compares an integer column with a string as doubles, which is wrong past 2^53.
 */
export function castPlaceholder(col: MyColumnInfo): string {
  if (INTEGER_TYPES.has(col.type)) return col.unsigned ? 'CAST(? AS UNSIGNED)' : 'CAST(? AS SIGNED)';
  if (col.type === MY_TYPE.DECIMAL || col.type === MY_TYPE.NEWDECIMAL) return 'CAST(? AS DECIMAL(65,30))';
  if (col.type === MY_TYPE.FLOAT || col.type === MY_TYPE.DOUBLE) return 'CAST(? AS DOUBLE)';
  if (col.type === MY_TYPE.DATE || col.type === MY_TYPE.NEWDATE) return 'CAST(? AS DATE)';
  if (DATETIME_TYPES.has(col.type)) return 'CAST(? AS DATETIME(6))';
  if (col.type === MY_TYPE.TIME) return 'CAST(? AS TIME(6))';
  return '?';
}

const ZERO_DATE = /^0000-00-00/;

/** A value read with dateStrings/bigNumberStrings as the text PostgreSQL's COPY would write. */
export function mysqlValueToText(v: unknown, dataType: DataType): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    if (dataType === 'boolean') return v === '0' ? 'f' : v === '1' ? 't' : v;
    // MySQL's zero date means "no date"; PostgreSQL has no such value.
    if ((dataType === 'date' || dataType === 'datetime') && ZERO_DATE.test(v)) return null;
    return v;
  }
  if (typeof v === 'number') {
    if (dataType === 'boolean') return v === 0 ? 'f' : 't';
    return String(v);
  }
  if (typeof v === 'bigint') return v.toString();
  if (Buffer.isBuffer(v)) {
    if (dataType === 'boolean') return v.some((b) => b !== 0) ? 't' : 'f';
    if (dataType === 'string') return v.toString('utf8');
    return '\\x' + v.toString('hex');
  }
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace('Z', '');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

const TS_WITH_OFFSET = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(\.\d{1,6})?(?:(Z)|([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?)$/;

/**
 * Batch text → a value MySQL accepts for a column of this type. PostgreSQL writes timestamptz
 * with an offset, booleans as t/f and bytea as \x hex, none of which MySQL reads.
 */
export function textToMysqlValue(text: string | null, dataType: DataType, col: MyColumnInfo): string | number | Buffer | null {
  if (text === null) return null;
  if (DATETIME_TYPES.has(col.type) || col.type === MY_TYPE.DATE || col.type === MY_TYPE.NEWDATE) {
    const m = TS_WITH_OFFSET.exec(text);
    if (m) {
      let ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
      if (!m[8]) {
        const sign = m[9] === '-' ? -1 : 1;
        ms -= sign * ((+m[10] * 60 + +(m[11] ?? 0)) * 60 + +(m[12] ?? 0)) * 1000;
      }
      const iso = new Date(ms).toISOString();
      const day = iso.slice(0, 10);
      if (col.type === MY_TYPE.DATE || col.type === MY_TYPE.NEWDATE) return day;
      return `${day} ${iso.slice(11, 19)}${m[7] ?? ''}`;
    }
    return text;
  }
  if (dataType === 'boolean' || col.type === MY_TYPE.BIT) {
    if (text === 't' || text === 'true') return 1;
    if (text === 'f' || text === 'false') return 0;
    return text;
  }
  if (dataType === 'binary' && text.startsWith('\\x') && /^[0-9a-fA-F]*$/.test(text.slice(2)) && text.length % 2 === 0) {
    return Buffer.from(text.slice(2), 'hex');
  }
  return text;
}

export function isIntegerType(col: MyColumnInfo): boolean {
  return INTEGER_TYPES.has(col.type);
}
