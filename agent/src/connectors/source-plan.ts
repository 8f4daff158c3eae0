// What both database connectors need to know about a source spec before writing dialect SQL.
import { CsvParser } from './csv.ts';
import { checkSourceQuery, type Dialect } from './query-text.ts';
import { ConnectorError, type Checkpoint, type SourceSpec } from './types.ts';

/** Columns that order the rows and make up the checkpoint: incremental column, then keys. */
export function orderColumns(spec: SourceSpec): string[] {
  if (spec.keyColumns.length === 0) throw new ConnectorError('SOURCE_QUERY_FAILED', 'the task has no key columns; rows cannot be read in a stable order');
  return [...(spec.incremental ? [spec.incremental.column] : []), ...spec.keyColumns];
}

export function checkCheckpoint(spec: SourceSpec, after: Checkpoint | null): void {
  if (after === null) return;
  const n = orderColumns(spec).length;
  if (!Array.isArray(after) || after.length !== n) {
    throw new ConnectorError('SOURCE_QUERY_FAILED',
      `checkpoint ${JSON.stringify(after)} has ${Array.isArray(after) ? after.length : '?'} values but the task orders by ${n} columns (the task's columns changed: reset its checkpoint) / 检查点与任务字段不符`);
  }
}

export function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) throw new ConnectorError('SOURCE_QUERY_FAILED', `invalid batch size: ${limit}`);
  return limit;
}

/** A configured SELECT used as a subquery; newlines keep a trailing `--` comment inside it. */
export function subquery(query: string, dialect: Dialect): string {
  return `(\n${checkSourceQuery(query, dialect)}\n)`;
}

/** Every column the source must have: fields, keys and the incremental column. */
export function requiredColumns(spec: SourceSpec): string[] {
  return [...new Set([...spec.fields.map((f) => f.column), ...orderColumns(spec)])];
}

/** countPending counts exactly up to this many rows and estimates beyond. */
export const EXACT_COUNT_LIMIT = 100_000;

/**
 * The checkpoint read off the batch's last CSV record, when every ordering column travels as an
 * unmasked field (the CSV value is then the column's text form, as `::text` gives it). Null when
 * one does not, or holds NULL: the caller then reads the checkpoint from the database.
 */
export function checkpointFromCsvRow(spec: SourceSpec, row: string): Checkpoint | null {
  const at = orderColumns(spec).map((c) => spec.fields.findIndex((f) => f.column === c && !f.mask));
  if (at.some((i) => i < 0)) return null;
  const parser = new CsvParser();
  const records = [...parser.push(row), ...parser.finish()];
  if (records.length !== 1 || records[0].length !== spec.fields.length) return null;
  const values = at.map((i) => records[0][i]);
  return values.some((v) => v === null) ? null : values;
}
