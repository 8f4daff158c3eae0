/**
 * Shape of one year of the mainland-China working-day calendar (政务工作日历).
 *
 * A year lists only the exceptions to the plain Monday–Friday week:
 * - `holidays`: every day of every 放假 period announced by the State Council General Office
 *   (the statutory 法定节假日 plus the weekend days and swapped days folded into the break),
 *   one entry per date;
 * - `adjustedWorkingDays`: the Saturdays/Sundays that are working days (调休上班日).
 * `source` cites the documents the data was copied from, so every legal deadline can be traced.
 */
export type CalendarDayEntry = { date: string; name: string };

export type CalendarSource = {
  title: string;
  documentNumber: string;
  /** Release date on gov.cn, 'YYYY-MM-DD'. */
  publishedOn: string;
  url?: string;
};

export type CalendarYear = {
  year: number;
  holidays: CalendarDayEntry[];
  adjustedWorkingDays: CalendarDayEntry[];
  source: CalendarSource[];
};
