import { CronExpressionParser } from 'cron-parser';
import type { FieldError } from '../../../kernel/errors.ts';

/**
 * An exchange task's configuration as the center stores it and the agent runs it
 * (docs/exchange-protocol.md §2). The checks here need no database; the ones against the
 * catalog and the grants are in exchange.tasks.ts.
 */
export type DataType = 'string' | 'integer' | 'decimal' | 'date' | 'datetime' | 'boolean' | 'binary' | 'other';
export interface Mask {
  keepStart: number;
  keepEnd: number;
}
export interface TaskField {
  field: string;
  column: string;
  dataType: DataType;
  mask: Mask | null;
}
export interface TaskSource {
  /** rows (a table or query) or files (a folder: unstructured data, one file per batch). Default rows. */
  kind?: 'rows' | 'files';
  connection: string;
  table: string | null;
  query: string | null;
  keyColumns: string[];
  incremental: { column: string; kind: 'timestamp' | 'sequence' } | null;
}
export type Schedule = { kind: 'continuous'; pollSeconds: number } | { kind: 'interval'; seconds: number } | { kind: 'cron'; expression: string };
export interface Strategy {
  batchSize: number;
  priority: number;
  maxInFlight: number;
  window: { from: string; to: string } | null;
  /**
   * Incremental sources read only up to the greatest value already visible this many seconds ago,
   * so a transaction that commits a lower value late is not passed by the checkpoint (ADR 0015).
   */
  settleSeconds: number;
}

/** Named masks for the identifiers Chinese registries hold (身份证号, 手机号, 姓名, 银行卡号). */
export const MASK_PRESETS = {
  id_number: { keepStart: 6, keepEnd: 4 },
  phone: { keepStart: 3, keepEnd: 4 },
  name: { keepStart: 1, keepEnd: 0 },
  bank_card: { keepStart: 4, keepEnd: 4 },
} as const satisfies Record<string, Mask>;
export type MaskPreset = keyof typeof MASK_PRESETS;

export const DEFAULT_STRATEGY: Strategy = { batchSize: 10_000, priority: 5, maxInFlight: 4, window: null, settleSeconds: 2 };

/** A stored strategy with the defaults of keys added since it was stored (settleSeconds). */
export function strategyOf(stored: unknown): Strategy {
  return { ...DEFAULT_STRATEGY, ...(stored as Partial<Strategy>) };
}

export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;
export const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_$]{0,62}(\.[A-Za-z_][A-Za-z0-9_$]{0,62})?$/;
export const CONNECTION_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const CLOCK = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

const err = (field: string, message: string, messageZh: string): FieldError => ({ field, message, messageZh });

export function sourceErrors(s: TaskSource): FieldError[] {
  const out: FieldError[] = [];
  if (s.kind === 'files') {
    // A folder source: the agent's connection names the folder; files are opaque and ordered by time.
    if (s.table !== null || s.query !== null || s.incremental !== null || s.keyColumns.length) {
      out.push(err('/body/source', 'a files source has no table, query, key or incremental column', '文件类来源不设表、查询、主键或增量列'));
    }
    return out;
  }
  if ((s.table === null) === (s.query === null)) out.push(err('/body/source', 'give either a table or a query', '请填写来源表或查询语句（二选一）'));
  if (s.query !== null) {
    const q = s.query.trim();
    // One read-only statement: the agent wraps it as a subquery, so a second statement or a write
    // would either fail there or do harm in the department's database.
    if (!/^(select|with)\s/i.test(q) || q.replace(/;\s*$/, '').includes(';')) {
      out.push(err('/body/source/query', 'the query must be one SELECT (or WITH … SELECT) statement', '查询语句须为单条 SELECT 语句'));
    }
  }
  if (s.keyColumns.length === 0) out.push(err('/body/source/keyColumns', 'name the key columns', '请填写主键列'));
  return out;
}

export function scheduleErrors(s: Schedule): FieldError[] {
  if (s.kind !== 'cron') return [];
  try {
    CronExpressionParser.parse(s.expression, { tz: 'Asia/Shanghai' });
    if (s.expression.trim().split(/\s+/).length !== 5) throw new Error('five fields expected');
    return [];
  } catch (e) {
    return [err('/body/schedule/expression', `not a cron expression (minute hour day month weekday): ${(e as Error).message}`, 'cron 表达式不合法（分 时 日 月 周）')];
  }
}

export function strategyErrors(s: Strategy): FieldError[] {
  if (!s.window) return [];
  const out: FieldError[] = [];
  if (!CLOCK.test(s.window.from)) out.push(err('/body/strategy/window/from', 'use HH:MM (China Standard Time)', '请使用 HH:MM（北京时间）'));
  if (!CLOCK.test(s.window.to)) out.push(err('/body/strategy/window/to', 'use HH:MM (China Standard Time)', '请使用 HH:MM（北京时间）'));
  if (!out.length && s.window.from === s.window.to) out.push(err('/body/strategy/window', 'the window is empty', '时间窗口为空'));
  return out;
}

/** A mask given by preset name or by counts. */
export function resolveMask(m: { preset?: MaskPreset; keepStart?: number; keepEnd?: number } | null | undefined): Mask | null {
  if (!m) return null;
  if (m.preset) return { ...MASK_PRESETS[m.preset] };
  return { keepStart: m.keepStart ?? 0, keepEnd: m.keepEnd ?? 0 };
}
