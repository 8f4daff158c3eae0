// How a batch's CSV columns land in a target table, checked before any row is read.
import { ConnectorError, type BatchRef, type TargetApplySpec } from './types.ts';

export interface ApplyColumn { field: string; target: string | null }

/** Manifest columns in CSV order with their target columns (null: the target does not take it). */
export function planApply(target: TargetApplySpec, batch: BatchRef): ApplyColumn[] {
  const plan = batch.columns.map((c) => ({ field: c.name, target: Object.hasOwn(target.columnMap, c.name) ? target.columnMap[c.name] : null }));
  const seen = new Set<string>();
  for (const p of plan) {
    if (p.target === null) continue;
    if (seen.has(p.target)) throw new ConnectorError('BATCH_SCHEMA_MISMATCH', `two fields map to target column ${p.target}`);
    seen.add(p.target);
  }
  if (seen.size === 0) throw new ConnectorError('BATCH_SCHEMA_MISMATCH', 'no field of the batch maps to a target column / 批次字段均未映射到目标字段');
  if (target.mode === 'upsert') {
    if (target.keyColumns.length === 0) throw new ConnectorError('TARGET_APPLY_FAILED', 'upsert needs key columns');
    for (const k of target.keyColumns) {
      if (!seen.has(k)) throw new ConnectorError('BATCH_SCHEMA_MISMATCH', `target key column ${k} is not mapped from any field of the batch / 目标主键字段未映射`);
    }
  }
  return plan;
}
