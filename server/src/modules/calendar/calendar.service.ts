import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { record } from '../audit/index.ts';
import {
  BUILT_IN_YEARS,
  createWorkingCalendar,
  parseInstant,
  validateCalendarYear,
  type CalendarYear,
  type WorkingCalendar,
} from '../../kernel/calendar/index.ts';
import type { RequestContext } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';

/**
 * The working calendar = the built-in State Council data, overridden year by year by what platform
 * admins stored. Cached briefly: several servers share the table, and a correction must reach all
 * of them within the TTL without a restart.
 */
export class CalendarService {
  readonly #db: Kysely<DB>;
  readonly #ttlMs: number;
  #cached: { at: number; calendar: WorkingCalendar; custom: Set<number> } | null = null;

  constructor(db: Kysely<DB>, ttlMs = 30_000) {
    this.#db = db;
    this.#ttlMs = ttlMs;
  }

  async calendar(): Promise<WorkingCalendar> {
    return (await this.#load()).calendar;
  }

  async #load() {
    if (this.#cached && Date.now() - this.#cached.at < this.#ttlMs) return this.#cached;
    const rows = await this.#db.selectFrom('calendar.year').select(['year', 'data']).orderBy('year').execute();
    const custom = rows.map((r) => r.data as CalendarYear);
    this.#cached = {
      at: Date.now(),
      calendar: createWorkingCalendar([...BUILT_IN_YEARS, ...custom]),
      custom: new Set(rows.map((r) => r.year)),
    };
    return this.#cached;
  }

  async years() {
    const { calendar, custom } = await this.#load();
    return calendar.years().map((year) => {
      const y = calendar.getYear(year)!;
      return {
        year,
        source: custom.has(year) ? ('custom' as const) : ('built-in' as const),
        documentNumber: y.source.map((s) => s.documentNumber).join('；'),
        holidays: y.holidays.length,
        adjustedWorkingDays: y.adjustedWorkingDays.length,
      };
    });
  }

  async year(year: number): Promise<CalendarYear> {
    const y = (await this.calendar()).getYear(year);
    if (!y) throw new AppError('NOT_FOUND', { message: `No calendar data for ${year}`, messageZh: `没有 ${year} 年的节假日数据` });
    return y;
  }

  async month(year: number, month: number) {
    return (await this.calendar()).month(year, month);
  }

  async addWorkingDays(from: string, days: number) {
    const cal = await this.calendar();
    try {
      return { from, days, date: cal.addWorkingDays(from, days) };
    } catch (e) {
      throw new AppError('VALIDATION_FAILED', { fields: [{ field: '/querystring/from', message: (e as Error).message, messageZh: '日期不合法' }] });
    }
  }

  async workingDaysBetween(from: string, to: string) {
    const a = instant(from, 'from');
    const b = instant(to, 'to');
    return { from: a.toISOString(), to: b.toISOString(), workingDays: (await this.calendar()).workingDaysBetween(a, b) };
  }

  async deadline(start: string, days: number) {
    const s = instant(start, 'start');
    const d = (await this.calendar()).deadlineDetail(s, days);
    return {
      start: s.toISOString(),
      days,
      receivedOn: d.receivedOn,
      effectiveStart: d.effectiveStart,
      firstCountedDay: d.firstCountedDay,
      deadline: d.deadline.toISOString(),
      deadlineDate: d.deadlineDate,
      missingYears: d.missingYears,
    };
  }

  /** Adds or corrects one year; the built-in data stays in the code and is only shadowed. */
  async putYear(ctx: RequestContext, year: number, body: unknown) {
    const result = validateCalendarYear(body, year);
    if (!result.ok) {
      throw new AppError('CALENDAR_YEAR_INVALID', {
        fields: result.errors.map((e) => ({ field: `/body/${e.field.replace(/\[(\d+)\]/g, '/$1').replace(/\./g, '/')}`, message: e.message, messageZh: e.messageZh })),
      });
    }
    const before = (await this.calendar()).getYear(year) ?? null;
    await this.#db.transaction().execute(async (trx) => {
      const data = JSON.stringify(result.value);
      await trx
        .insertInto('calendar.year')
        .values({ year, data: sql`${data}::text::jsonb`, updated_at: ctx.now, updated_by: ctx.actor?.id ?? null })
        .onConflict((oc) => oc.column('year').doUpdateSet({ data: sql`${data}::text::jsonb`, updated_at: ctx.now, updated_by: ctx.actor?.id ?? null }))
        .execute();
      await record(trx, ctx, {
        action: 'calendar.year.put',
        target: { type: 'calendar_year', id: String(year), label: `${year}` },
        summary: {
          before: before ? { holidays: before.holidays.length, adjustedWorkingDays: before.adjustedWorkingDays.length } : null,
          after: { holidays: result.value.holidays.length, adjustedWorkingDays: result.value.adjustedWorkingDays.length, source: result.value.source.map((s) => s.documentNumber) },
        },
      });
    });
    this.#cached = null;
    return result.value;
  }
}

function instant(value: string, field: string): Date {
  const d = parseInstant(value);
  if (!d) {
    throw new AppError('VALIDATION_FAILED', {
      fields: [{ field: `/querystring/${field}`, message: 'must be an ISO 8601 date-time', messageZh: '应为 ISO 8601 时间，例如 2025-09-30T10:00:00+08:00' }],
    });
  }
  return d;
}
