/**
 * Working-day calendar for mainland China (政务工作日) and the legal deadline rule.
 *
 * Counting rule implemented by `deadline` (see docs/calendar.md):
 * - the day a period starts is not counted (《行政许可法》第八十二条, 《民法典》第二百零一条:
 *   期间开始的当日不计入);
 * - a request received at/after office close, or on a non-working day, counts as received on the
 *   next working day;
 * - the deadline is the end (23:59:59.999 +08:00) of the `limit`-th working day after that day.
 * All instants are read in China Standard Time with the fixed +08:00 offset.
 */
import type { CalendarYear } from './types.ts';
import {
  cstDayOf,
  daysInMonth,
  endOfCstDay,
  formatDay,
  isWeekend,
  parseClockTime,
  requireDate,
  yearOf,
} from './dates.ts';
import { validateCalendarYear } from './validate.ts';

export { validateCalendarYear } from './validate.ts';
export type { CalendarValidationError, CalendarValidationResult } from './validate.ts';

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'adjustedWorkingDay';

export type DayInfo = {
  date: string;
  working: boolean;
  kind: DayKind;
  /** Holiday name, or for an adjusted working day the holiday it was swapped for. */
  name?: string;
};

export type DeadlineDetail = {
  /** CST calendar date of the start instant. */
  receivedOn: string;
  /** Day treated as the receipt day: receivedOn, or the next working day if received after close / on a non-working day. */
  effectiveStart: string;
  /** First working day counted (the day after effectiveStart is counted; effectiveStart itself never is). */
  firstCountedDay: string;
  /** End of deadlineDate, 23:59:59.999 +08:00. */
  deadline: Date;
  deadlineDate: string;
  /** Years between receivedOn and deadlineDate with no official data (plain Mon–Fri used): callers should warn. */
  missingYears: number[];
};

export type WorkingCalendarOptions = {
  /** 'HH:MM' CST; a request at or after this time counts as received the next working day. Default '17:30'. */
  officeClose?: string;
};

export type WorkingCalendar = {
  readonly officeClose: string;
  /** Years with official data, ascending. */
  years(): number[];
  /** False when the year has no official data and plain Monday–Friday is assumed: warn the user. */
  hasYear(year: number): boolean;
  /** The validated (frozen) data of a year, if any. */
  getYear(year: number): CalendarYear | undefined;
  /** 'YYYY-MM-DD': a weekday that is not a holiday, or an adjusted working day. Throws RangeError on a malformed date. */
  isWorkingDay(date: string): boolean;
  dayInfo(date: string): DayInfo;
  /**
   * n > 0: the n-th working day after `date` (`date` itself not counted); n < 0: the |n|-th working
   * day before it; n = 0: `date` if it is a working day, else the next working day.
   */
  addWorkingDays(date: string, n: number): string;
  /**
   * Number of working days d with CST-day(from) < d ≤ CST-day(to): the day of `from` is not counted,
   * the day of `to` is, whatever the times of day. 0 on the same day; negative (the same count,
   * negated) when `to` is before `from`.
   */
  workingDaysBetween(from: Date, to: Date): number;
  /** End (23:59:59.999 +08:00) of the last day of a `limit`-working-day period starting at `start`. */
  deadline(start: Date, limit: number): Date;
  deadlineDetail(start: Date, limit: number): DeadlineDetail;
  /** Every day of a month (1–12), for a calendar view. */
  month(year: number, month: number): DayInfo[];
};

export const DEFAULT_OFFICE_CLOSE = '17:30';
/** Upper bound for day counts, so a typo cannot start a near-endless loop (≈ 380 years of working days). */
export const MAX_WORKING_DAYS = 100_000;

type Special = { kind: 'holiday' | 'adjustedWorkingDay'; name: string };

function requireCount(n: number, label: string, allowNegative: boolean): void {
  if (!Number.isSafeInteger(n) || Math.abs(n) > MAX_WORKING_DAYS || (!allowNegative && n < 0)) {
    const range = allowNegative ? `-${MAX_WORKING_DAYS}..${MAX_WORKING_DAYS}` : `0..${MAX_WORKING_DAYS}`;
    throw new RangeError(`${label} must be an integer in ${range}, got ${n}`);
  }
}

function freezeYear(y: CalendarYear): CalendarYear {
  for (const list of [y.holidays, y.adjustedWorkingDays, y.source]) {
    for (const item of list) Object.freeze(item);
    Object.freeze(list);
  }
  return Object.freeze(y);
}

/**
 * Builds a calendar from official years. Each year is validated (throws on invalid data); when the
 * same year appears twice the later entry wins, so `[...BUILT_IN_YEARS, ...correctedYears]` lets an
 * administrator's correction replace the built-in data.
 */
export function createWorkingCalendar(
  years: readonly CalendarYear[],
  options: WorkingCalendarOptions = {},
): WorkingCalendar {
  const officeClose = options.officeClose ?? DEFAULT_OFFICE_CLOSE;
  const closeMinutes = parseClockTime(officeClose);
  if (closeMinutes === null) throw new RangeError(`officeClose must be 'HH:MM', got ${JSON.stringify(officeClose)}`);
  const closeMs = closeMinutes * 60_000;

  const byYear = new Map<number, CalendarYear>();
  for (const input of years) {
    const year = (input as { year?: unknown } | null)?.year;
    const checked = validateCalendarYear(input, typeof year === 'number' ? year : NaN);
    if (!checked.ok) {
      const details = checked.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
      throw new Error(`invalid calendar data for year ${String(year)}: ${details}`);
    }
    byYear.set(checked.value.year, freezeYear(checked.value));
  }

  const special = new Map<number, Special>();
  for (const y of byYear.values()) {
    for (const h of y.holidays) special.set(requireDate(h.date), { kind: 'holiday', name: h.name });
    for (const a of y.adjustedWorkingDays) special.set(requireDate(a.date), { kind: 'adjustedWorkingDay', name: a.name });
  }

  const working = (day: number): boolean => {
    const s = special.get(day);
    return s ? s.kind === 'adjustedWorkingDay' : !isWeekend(day);
  };

  const info = (day: number): DayInfo => {
    const date = formatDay(day);
    const s = special.get(day);
    if (s) return { date, working: s.kind === 'adjustedWorkingDay', kind: s.kind, name: s.name };
    return isWeekend(day) ? { date, working: false, kind: 'weekend' } : { date, working: true, kind: 'workday' };
  };

  /** n = 0: the day itself if working, else the next working day; n ≠ 0: |n| working days forward/back, the day itself not counted. */
  const step = (day: number, n: number): number => {
    if (n === 0) {
      while (!working(day)) day += 1;
      return day;
    }
    const dir = n > 0 ? 1 : -1;
    for (let left = Math.abs(n); left > 0; ) {
      day += dir;
      if (working(day)) left -= 1;
    }
    return day;
  };

  /** Working days in (a, b] for a ≤ b. */
  const countAfter = (a: number, b: number): number => {
    let count = 0;
    for (let d = a + 1; d <= b; d += 1) if (working(d)) count += 1;
    return count;
  };

  const deadlineDetail = (start: Date, limit: number): DeadlineDetail => {
    requireCount(limit, 'limit', false);
    const { day, msOfDay } = cstDayOf(start);
    // After close or on a non-working day: the first working day after `day`.
    const effective = working(day) && msOfDay < closeMs ? day : step(day, 1);
    const last = step(effective, limit);
    const missingYears: number[] = [];
    for (let y = yearOf(day); y <= yearOf(last); y += 1) if (!byYear.has(y)) missingYears.push(y);
    return {
      receivedOn: formatDay(day),
      effectiveStart: formatDay(effective),
      firstCountedDay: formatDay(step(effective, 1)),
      deadline: endOfCstDay(last),
      deadlineDate: formatDay(last),
      missingYears,
    };
  };

  return {
    officeClose,
    years: () => [...byYear.keys()].sort((a, b) => a - b),
    hasYear: (year) => byYear.has(year),
    getYear: (year) => byYear.get(year),
    isWorkingDay: (date) => working(requireDate(date)),
    dayInfo: (date) => info(requireDate(date)),
    addWorkingDays: (date, n) => {
      requireCount(n, 'n', true);
      return formatDay(step(requireDate(date), n));
    },
    workingDaysBetween: (from, to) => {
      const a = cstDayOf(from).day;
      const b = cstDayOf(to).day;
      return a <= b ? countAfter(a, b) : -countAfter(b, a);
    },
    deadline: (start, limit) => deadlineDetail(start, limit).deadline,
    deadlineDetail,
    month: (year, month) => {
      if (!Number.isInteger(year) || year < 1000 || year > 9999 || !Number.isInteger(month) || month < 1 || month > 12) {
        throw new RangeError(`invalid month ${year}-${month}`);
      }
      const first = requireDate(`${year}-${String(month).padStart(2, '0')}-01`);
      return Array.from({ length: daysInMonth(year, month) }, (_, i) => info(first + i));
    },
  };
}
