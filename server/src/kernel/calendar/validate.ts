/**
 * Validation of a CalendarYear submitted by an administrator (PUT /api/calendar/years/{year}) or
 * passed to createWorkingCalendar. A wrong date here shifts legal deadlines, so the checks are
 * strict and every error names the offending field (e.g. `holidays[3].date`) in English and Chinese.
 */
import type { CalendarDayEntry, CalendarSource, CalendarYear } from './types.ts';
import { formatDay, isDateFormat, parseDate, weekdayOf, yearOf } from './dates.ts';

export type CalendarValidationError = { field: string; message: string; messageZh: string };

export type CalendarValidationResult =
  | { ok: true; value: CalendarYear }
  | { ok: false; errors: CalendarValidationError[] };

/** Years a calendar may describe: the People's Republic's dates, with room for future notices. */
export const MIN_CALENDAR_YEAR = 1949;
export const MAX_CALENDAR_YEAR = 2100;
const MAX_TEXT = 200;

const WEEKDAY_EN = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const WEEKDAY_ZH = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

type Errors = CalendarValidationError[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function text(
  errors: Errors,
  field: string,
  value: unknown,
  labelZh: string,
): string | null {
  if (typeof value !== 'string' || value.trim() === '') {
    errors.push({ field, message: 'is required (non-empty string)', messageZh: `${labelZh}不能为空` });
    return null;
  }
  if (value.length > MAX_TEXT) {
    errors.push({
      field,
      message: `must be at most ${MAX_TEXT} characters`,
      messageZh: `${labelZh}不能超过 ${MAX_TEXT} 个字符`,
    });
    return null;
  }
  return value.trim();
}

/** A date field: well-formed, real, and (when `year` is given) inside that year. */
function dateField(errors: Errors, field: string, value: unknown, year?: number): number | null {
  if (typeof value !== 'string') {
    errors.push({ field, message: "is required, format 'YYYY-MM-DD'", messageZh: '日期不能为空，格式为 YYYY-MM-DD' });
    return null;
  }
  if (!isDateFormat(value)) {
    errors.push({
      field,
      message: `'${value}' is not in the format 'YYYY-MM-DD' (zero-padded)`,
      messageZh: `“${value}”格式错误，应为 YYYY-MM-DD（月、日须补零）`,
    });
    return null;
  }
  const day = parseDate(value);
  if (day === null) {
    errors.push({ field, message: `'${value}' is not a real calendar date`, messageZh: `“${value}”不是有效日期` });
    return null;
  }
  if (year !== undefined && yearOf(day) !== year) {
    errors.push({ field, message: `'${value}' is outside year ${year}`, messageZh: `“${value}”不在 ${year} 年内` });
    return null;
  }
  return day;
}

type CheckedEntry = { index: number; day: number; entry: CalendarDayEntry };

function entries(
  errors: Errors,
  field: 'holidays' | 'adjustedWorkingDays',
  value: unknown,
  year: number,
): CheckedEntry[] {
  const labelZh = field === 'holidays' ? '放假日期' : '调休上班日';
  if (!Array.isArray(value)) {
    errors.push({ field, message: 'is required (array)', messageZh: `${labelZh}列表不能缺失，须为数组` });
    return [];
  }
  if (field === 'holidays' && value.length === 0) {
    // Every year has statutory holidays; an empty list is a data-entry mistake, not a real year.
    errors.push({ field, message: 'must list at least one holiday', messageZh: '放假日期不能为空' });
  }
  const seen = new Map<number, number>();
  const out: CheckedEntry[] = [];
  value.forEach((item, index) => {
    const at = `${field}[${index}]`;
    if (!isRecord(item)) {
      errors.push({ field: at, message: 'must be an object { date, name }', messageZh: '须为 { date, name } 对象' });
      return;
    }
    const day = dateField(errors, `${at}.date`, item.date, year);
    const name = text(errors, `${at}.name`, item.name, '名称');
    if (day === null) return;
    const first = seen.get(day);
    if (first !== undefined) {
      errors.push({
        field: `${at}.date`,
        message: `'${formatDay(day)}' is a duplicate of ${field}[${first}]`,
        messageZh: `“${formatDay(day)}”与 ${field}[${first}] 重复`,
      });
      return;
    }
    seen.set(day, index);
    if (name !== null) out.push({ index, day, entry: { date: formatDay(day), name } });
  });
  return out;
}

function sources(errors: Errors, value: unknown): CalendarSource[] {
  if (!Array.isArray(value) || value.length === 0) {
    errors.push({
      field: 'source',
      message: 'at least one source document (State Council notice) is required',
      messageZh: '至少需要一份来源文件（国务院办公厅通知）',
    });
    return [];
  }
  const out: CalendarSource[] = [];
  value.forEach((item, index) => {
    const at = `source[${index}]`;
    if (!isRecord(item)) {
      errors.push({
        field: at,
        message: 'must be an object { title, documentNumber, publishedOn, url? }',
        messageZh: '须为 { title, documentNumber, publishedOn, url? } 对象',
      });
      return;
    }
    const title = text(errors, `${at}.title`, item.title, '文件标题');
    const documentNumber = text(errors, `${at}.documentNumber`, item.documentNumber, '文号');
    const published = dateField(errors, `${at}.publishedOn`, item.publishedOn);
    let url: string | undefined;
    if (item.url !== undefined && item.url !== null && item.url !== '') {
      if (typeof item.url !== 'string' || !/^https?:\/\/\S+$/.test(item.url) || item.url.length > 2000) {
        errors.push({
          field: `${at}.url`,
          message: 'must be an http(s) URL',
          messageZh: '须为 http(s) 网址',
        });
      } else {
        url = item.url;
      }
    }
    if (title !== null && documentNumber !== null && published !== null) {
      const source: CalendarSource = { title, documentNumber, publishedOn: formatDay(published) };
      if (url !== undefined) source.url = url;
      out.push(source);
    }
  });
  return out;
}

/**
 * Checks an untrusted CalendarYear for `year`. On success `value` is a clean copy: known fields
 * only, names trimmed, entries sorted by date.
 */
export function validateCalendarYear(input: unknown, year: number): CalendarValidationResult {
  const errors: Errors = [];
  if (!Number.isInteger(year) || year < MIN_CALENDAR_YEAR || year > MAX_CALENDAR_YEAR) {
    errors.push({
      field: 'year',
      message: `year must be an integer between ${MIN_CALENDAR_YEAR} and ${MAX_CALENDAR_YEAR}`,
      messageZh: `年份须为 ${MIN_CALENDAR_YEAR} 至 ${MAX_CALENDAR_YEAR} 之间的整数`,
    });
    return { ok: false, errors };
  }
  if (!isRecord(input)) {
    errors.push({ field: '', message: 'must be a JSON object', messageZh: '须为 JSON 对象' });
    return { ok: false, errors };
  }
  if (input.year !== year) {
    errors.push({
      field: 'year',
      message: `must be ${year} (the year being defined), got ${JSON.stringify(input.year)}`,
      messageZh: `须为 ${year}（与所设置的年份一致）`,
    });
  }
  const holidays = entries(errors, 'holidays', input.holidays, year);
  const adjusted = entries(errors, 'adjustedWorkingDays', input.adjustedWorkingDays, year);
  const source = sources(errors, input.source);

  const holidayIndex = new Map(holidays.map((h) => [h.day, h.index]));
  for (const a of adjusted) {
    const field = `adjustedWorkingDays[${a.index}].date`;
    const clash = holidayIndex.get(a.day);
    if (clash !== undefined) {
      errors.push({
        field,
        message: `'${a.entry.date}' is also listed as a holiday (holidays[${clash}])`,
        messageZh: `“${a.entry.date}”同时被列为放假日期（holidays[${clash}]）`,
      });
    }
    const weekday = weekdayOf(a.day);
    if (weekday !== 0 && weekday !== 6) {
      errors.push({
        field,
        message: `'${a.entry.date}' is a ${WEEKDAY_EN[weekday]}; adjusted working days are always Saturdays or Sundays`,
        messageZh: `“${a.entry.date}”是${WEEKDAY_ZH[weekday]}，调休上班日只能是星期六或星期日`,
      });
    }
  }

  if (errors.length > 0) return { ok: false, errors };
  const byDay = (x: CheckedEntry, y: CheckedEntry) => x.day - y.day;
  return {
    ok: true,
    value: {
      year,
      holidays: holidays.sort(byDay).map((h) => h.entry),
      adjustedWorkingDays: adjusted.sort(byDay).map((a) => a.entry),
      source,
    },
  };
}
