import type { FieldError } from '../../../kernel/errors.ts';

/**
 * A catalog entry's content: the 13 elements of 《政务信息资源目录编制指南（试行）》 (classification,
 * name, code, provider, provider's unit, provider code, summary, format, fields, share attributes,
 * open attributes, update cycle, publish date, related resources). Code, provider, provider code
 * and publish date are kept by the platform; the rest is what a data officer writes.
 */
export const SHARE_TYPES = ['unconditional', 'conditional', 'none'] as const;
export const OPEN_TYPES = ['open', 'conditional', 'closed'] as const;
export const SHARE_MODES = ['interface', 'exchange', 'query', 'download'] as const;
export const FORMATS = ['database', 'file', 'interface', 'spreadsheet', 'image', 'stream', 'other'] as const;
export const UPDATE_CYCLES = ['realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'half_yearly', 'yearly', 'irregular'] as const;
export const DATA_TYPES = ['string', 'integer', 'decimal', 'date', 'datetime', 'boolean', 'binary', 'other'] as const;

export type ShareType = (typeof SHARE_TYPES)[number];
export type OpenType = (typeof OPEN_TYPES)[number];

export interface EntryField {
  name: string;
  englishName: string;
  dataType: (typeof DATA_TYPES)[number];
  length?: number;
  description?: string;
  personal: boolean;
  sensitive: boolean;
  /** A base item of a base resource (R-CAT-3): always shared unconditionally. */
  base?: boolean;
  /** Per-field overrides of the resource's share and open attributes. */
  shareType?: ShareType;
  shareConditions?: string;
  legalBasis?: string;
  openType?: OpenType;
}

export interface EntryContent {
  classificationCode: string;
  name: string;
  providerUnit?: string;
  summary: string;
  format: { kind: (typeof FORMATS)[number]; detail?: string };
  fields: EntryField[];
  share: { type: ShareType; conditions?: string; legalBasis?: string; modes: (typeof SHARE_MODES)[number][] };
  open: { type: OpenType; conditions?: string };
  updateCycle: (typeof UPDATE_CYCLES)[number];
  relatedResourceCodes: string[];
}

const blank = (s: string | undefined) => !s || !s.trim();
const err = (field: string, message: string, messageZh: string): FieldError => ({ field, message, messageZh });

/**
 * The rules an entry must meet before it goes to the sharing authority (a draft may be incomplete):
 * R-CAT-2 — conditional and not-shared entries (and fields) cite their legal basis;
 * R-CAT-3 — the base items of a base resource are shared unconditionally.
 */
export function submissionErrors(c: EntryContent, isBaseResource: boolean): FieldError[] {
  const errors: FieldError[] = [];
  if (c.fields.length === 0) errors.push(err('/body/fields', 'at least one field is required', '至少登记一个信息项'));
  if (c.share.type !== 'unconditional' && blank(c.share.legalBasis)) {
    errors.push(err('/body/share/legalBasis', 'a conditional or not-shared resource must cite its legal basis', '有条件共享或不予共享的资源必须注明法律、法规或政策依据'));
  }
  if (c.share.type === 'conditional' && blank(c.share.conditions)) {
    errors.push(err('/body/share/conditions', 'state the sharing conditions', '请填写共享条件'));
  }
  if (c.share.type !== 'none' && c.share.modes.length === 0) {
    errors.push(err('/body/share/modes', 'choose at least one share mode', '请至少选择一种共享方式'));
  }
  if (c.open.type === 'conditional' && blank(c.open.conditions)) {
    errors.push(err('/body/open/conditions', 'state the opening conditions', '请填写开放条件'));
  }
  const names = new Set<string>();
  c.fields.forEach((f, i) => {
    const at = `/body/fields/${i}`;
    if (names.has(f.englishName)) errors.push(err(`${at}/englishName`, 'duplicate field', '信息项英文名重复'));
    names.add(f.englishName);
    const type = effectiveShareType(c, f);
    if (type !== 'unconditional' && blank(f.legalBasis) && blank(c.share.legalBasis)) {
      errors.push(err(`${at}/legalBasis`, 'a conditional or not-shared field must cite its legal basis', '有条件共享或不予共享的信息项必须注明依据'));
    }
    if (isBaseResource && f.base && type !== 'unconditional') {
      errors.push(err(`${at}/shareType`, 'a base item of a base resource is always shared unconditionally', '基础信息资源的基础信息项必须无条件共享'));
    }
  });
  return errors;
}

export const effectiveShareType = (c: EntryContent, f: EntryField): ShareType => f.shareType ?? c.share.type;

export interface ContentChange {
  path: string;
  before: unknown;
  after: unknown;
}

/** What changed between two versions, element by element and field by field (by English name). */
export function diffContent(a: EntryContent, b: EntryContent): ContentChange[] {
  const changes: ContentChange[] = [];
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  for (const key of ['classificationCode', 'name', 'providerUnit', 'summary', 'format', 'share', 'open', 'updateCycle', 'relatedResourceCodes'] as const) {
    if (!same(a[key], b[key])) changes.push({ path: key, before: a[key] ?? null, after: b[key] ?? null });
  }
  const before = new Map(a.fields.map((f) => [f.englishName, f]));
  const after = new Map(b.fields.map((f) => [f.englishName, f]));
  for (const [name, f] of before) {
    const g = after.get(name);
    if (!g) changes.push({ path: `fields.${name}`, before: f, after: null });
    else if (!same(f, g)) changes.push({ path: `fields.${name}`, before: f, after: g });
  }
  for (const [name, g] of after) if (!before.has(name)) changes.push({ path: `fields.${name}`, before: null, after: g });
  return changes;
}
