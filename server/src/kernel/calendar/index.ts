/** Public API of the working-day calendar (政务工作日历). */
export type { CalendarYear, CalendarDayEntry, CalendarSource } from './types.ts';
export { BUILT_IN_YEARS } from './cn-holidays.ts';
export {
  createWorkingCalendar,
  DEFAULT_OFFICE_CLOSE,
  MAX_WORKING_DAYS,
  validateCalendarYear,
} from './working-calendar.ts';
export type {
  CalendarValidationError,
  CalendarValidationResult,
  DayInfo,
  DayKind,
  DeadlineDetail,
  WorkingCalendar,
  WorkingCalendarOptions,
} from './working-calendar.ts';
export { MIN_CALENDAR_YEAR, MAX_CALENDAR_YEAR } from './validate.ts';
export { parseInstant } from './dates.ts';
