// Masking happens at the source so that hidden characters never leave the department. A value
// no longer than the characters to keep is hidden entirely: showing a short value whole would
// defeat the rule (a 4-digit value under "keep 6 + 4" would travel in clear).
import type { FieldSpec } from './types.ts';

export type Mask = NonNullable<FieldSpec['mask']>;

/** Masks by characters (code points), like PostgreSQL's char_length/left/right. */
export function maskText(value: string, mask: Mask): string {
  const chars = Array.from(value);
  const n = chars.length;
  if (n <= mask.keepStart + mask.keepEnd) return '*'.repeat(n);
  return chars.slice(0, mask.keepStart).join('') + '*'.repeat(n - mask.keepStart - mask.keepEnd) + (mask.keepEnd > 0 ? chars.slice(n - mask.keepEnd).join('') : '');
}

/** The same rule as a PostgreSQL expression over `expr`; NULL stays NULL. */
export function pgMaskExpr(expr: string, mask: Mask): string {
  const s = checkCount(mask.keepStart);
  const e = checkCount(mask.keepEnd);
  const t = `(${expr})::text`;
  return `CASE WHEN char_length(${t}) <= ${s + e} THEN repeat('*', char_length(${t}))` +
    ` ELSE left(${t}, ${s}) || repeat('*', char_length(${t}) - ${s + e}) || right(${t}, ${e}) END`;
}

function checkCount(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 10_000) throw new Error(`invalid mask length: ${n}`);
  return n;
}
