/**
 * Calendar-date and China Standard Time helpers.
 *
 * Dates are handled as "day numbers" (days since 1970-01-01) computed with UTC arithmetic only, and
 * instants are mapped to CST by adding the fixed +08:00 offset (China has had no DST since 1991).
 * Nothing here reads the machine's local time zone, so results are the same on any server.
 */

export const DAY_MS = 86_400_000;
export const CST_OFFSET_MS = 8 * 3_600_000;

const DATE_FORMAT = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isDateFormat(value: string): boolean {
  return DATE_FORMAT.test(value);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Day number of a real 'YYYY-MM-DD' date (years 1000–9999), or null. `2025-2-3`, `2025-02-30` → null. */
export function parseDate(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = DATE_FORMAT.exec(value);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  // Date.UTC maps years 0–99 to 1900–1999, and such years are never meaningful here.
  if (y < 1000 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return Date.UTC(y, mo - 1, d) / DAY_MS;
}

/** Like parseDate but throws, for public API arguments. */
export function requireDate(value: unknown, label = 'date'): number {
  const day = parseDate(value);
  if (day === null) throw new RangeError(`${label} must be a real calendar date 'YYYY-MM-DD', got ${JSON.stringify(value)}`);
  return day;
}

export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(day: number): number {
  return new Date(day * DAY_MS).getUTCDay();
}

export function isWeekend(day: number): boolean {
  const w = weekdayOf(day);
  return w === 0 || w === 6;
}

export function yearOf(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** CST calendar day of an instant and the milliseconds elapsed since CST midnight. */
export function cstDayOf(instant: Date): { day: number; msOfDay: number } {
  if (!(instant instanceof Date) || !Number.isFinite(instant.getTime())) {
    throw new RangeError('expected a valid Date');
  }
  const shifted = instant.getTime() + CST_OFFSET_MS;
  const day = Math.floor(shifted / DAY_MS);
  return { day, msOfDay: shifted - day * DAY_MS };
}

/** 23:59:59.999 +08:00 of the given day. */
export function endOfCstDay(day: number): Date {
  return new Date((day + 1) * DAY_MS - CST_OFFSET_MS - 1);
}

const INSTANT_FORMAT =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parses an ISO-8601 date or date-time for the API. A value without an offset is read as CST
 * (+08:00), never as the server's local time, which `new Date(string)` would do for date-times.
 * 'YYYY-MM-DD' alone means 00:00 CST of that day. Returns null when malformed.
 */
export function parseInstant(value: string): Date | null {
  const m = INSTANT_FORMAT.exec(value.trim());
  if (!m) return null;
  const day = parseDate(m[1]);
  if (day === null) return null;
  const [hh, mm, ss] = [m[2], m[3], m[4]].map((p) => (p === undefined ? 0 : Number(p)));
  if (hh > 23 || mm > 59 || ss > 59) return null;
  const ms = m[5] === undefined ? 0 : Number(m[5].slice(0, 3).padEnd(3, '0'));
  let offsetMs = CST_OFFSET_MS;
  const offset = m[6];
  if (offset !== undefined && offset !== 'Z') {
    const digits = offset.replace(':', '');
    const oh = Number(digits.slice(1, 3));
    const om = Number(digits.slice(3, 5));
    if (oh > 23 || om > 59) return null;
    offsetMs = (digits[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  } else if (offset === 'Z') {
    offsetMs = 0;
  }
  return new Date(day * DAY_MS + ((hh * 60 + mm) * 60 + ss) * 1000 + ms - offsetMs);
}

/** 'HH:MM' (00:00–23:59) → minutes after midnight, or null. */
export function parseClockTime(value: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return null;
  return h * 60 + min;
}
