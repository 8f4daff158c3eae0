import type { FieldError } from '../../../kernel/errors.ts';
import type { ResourceShareInfo } from '../../catalog/index.ts';

/**
 * The sharing rules of 国发〔2016〕51号 that need no database: which fields an application covers,
 * where a request stands against its 10-working-day clock, whether a grant is in force.
 */

/** Working days the provider has to answer (R-SHR-2), and the reminder days. */
export const ANSWER_WORKING_DAYS = 10;
export const REMINDER_DAYS = [5, 8] as const;

export type Stage = 'on_time' | 'reminded_5' | 'reminded_8' | 'overdue';

const CST_OFFSET_MS = 8 * 3_600_000;
/** The China Standard Time calendar date of an instant, 'YYYY-MM-DD'. */
export const cstDate = (d: Date) => new Date(d.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
export function isRealDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/**
 * Where a request stands, judged on the day it was answered or, while it waits, today (CST):
 * reminders from the 5th and the 8th working day, overdue once the deadline day has passed.
 */
export function stageOf(r: { deadline: Date; remind_at_5: string; remind_at_8: string; answered_at: Date | null }, now: Date): Stage {
  const at = r.answered_at ?? now;
  if (at.getTime() > r.deadline.getTime()) return 'overdue';
  const day = cstDate(at);
  if (day >= r.remind_at_8) return 'reminded_8';
  if (day >= r.remind_at_5) return 'reminded_5';
  return 'on_time';
}

export interface FieldSelection {
  fields: string[];
  wholeResource: boolean;
}

/**
 * The fields an application or grant covers: the chosen ones (which must exist), or the whole
 * resource = every field that is shared at all (the not-shared ones are never part of it).
 */
export function selectFields(info: ResourceShareInfo, requested: string[] | undefined): { selection: FieldSelection; errors: FieldError[] } {
  if (!requested) {
    return { selection: { fields: info.fields.filter((f) => f.shareType !== 'none').map((f) => f.englishName), wholeResource: true }, errors: [] };
  }
  const known = new Set(info.fields.map((f) => f.englishName));
  const errors: FieldError[] = [];
  const unique = [...new Set(requested)];
  unique.forEach((name) => {
    if (!known.has(name)) errors.push({ field: `/body/fields/${requested.indexOf(name)}`, message: `the resource has no field ${name}`, messageZh: `该信息资源没有信息项 ${name}` });
  });
  return { selection: { fields: unique, wholeResource: false }, errors };
}

/** The requested fields (by English name) that are not shared, with their legal basis. */
export const notSharedFields = (info: ResourceShareInfo, fields: string[]) => info.fields.filter((f) => f.shareType === 'none' && fields.includes(f.englishName));
/** The requested fields that need an application (conditional). */
export const conditionalFields = (info: ResourceShareInfo, fields: string[]) => info.fields.filter((f) => f.shareType === 'conditional' && fields.includes(f.englishName));

/** A grant is in force on `today` when it is not revoked and `today` lies within its period. */
export function grantState(g: { status: 'active' | 'revoked'; valid_from: string; valid_to: string | null }, today: string): 'active' | 'revoked' | 'expired' | 'not_yet_valid' {
  if (g.status === 'revoked') return 'revoked';
  if (g.valid_to !== null && today > g.valid_to) return 'expired';
  if (today < g.valid_from) return 'not_yet_valid';
  return 'active';
}

/** Whether a grant covers the fields asked for; none asked for = the whole resource. */
export const covers = (g: { fields: string[]; whole_resource: boolean }, fields: string[]) =>
  fields.length === 0 ? g.whole_resource : fields.every((f) => g.fields.includes(f));

/** A period check shared by applications, approvals and grants. */
export function periodErrors(validFrom: string, validTo: string | null, today: string, at = '/body'): FieldError[] {
  const errors: FieldError[] = [];
  if (!isRealDate(validFrom)) errors.push({ field: `${at}/validFrom`, message: 'must be a date YYYY-MM-DD', messageZh: '日期格式应为 YYYY-MM-DD' });
  if (validTo !== null && !isRealDate(validTo)) errors.push({ field: `${at}/validTo`, message: 'must be a date YYYY-MM-DD', messageZh: '日期格式应为 YYYY-MM-DD' });
  if (errors.length) return errors;
  if (validTo !== null && validTo < validFrom) errors.push({ field: `${at}/validTo`, message: 'the period ends before it starts', messageZh: '有效期截止日期早于起始日期' });
  else if (validTo !== null && validTo < today) errors.push({ field: `${at}/validTo`, message: 'the period has already ended', messageZh: '有效期截止日期已过' });
  return errors;
}
