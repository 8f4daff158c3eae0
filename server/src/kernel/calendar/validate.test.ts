import { describe, it, expect } from 'vitest';
import { BUILT_IN_YEARS, validateCalendarYear, type CalendarYear } from './index.ts';

const y2025 = (): CalendarYear => structuredClone(BUILT_IN_YEARS[5]);

function errorsOf(input: unknown, year = 2025) {
  const r = validateCalendarYear(input, year);
  if (r.ok) throw new Error('expected validation to fail');
  for (const e of r.errors) {
    expect(e.message.length).toBeGreaterThan(0);
    expect(e.messageZh.length).toBeGreaterThan(0);
  }
  return r.errors;
}
const fields = (input: unknown, year = 2025) => errorsOf(input, year).map((e) => e.field);

describe('validateCalendarYear', () => {
  it('accepts the official 2025 data and returns a clean copy', () => {
    const r = validateCalendarYear(y2025(), 2025);
    expect(r).toEqual({ ok: true, value: y2025() });
  });

  it('sorts entries, trims names and drops unknown fields', () => {
    const input = {
      year: 2025,
      extra: 'ignored',
      holidays: [
        { date: '2025-10-02', name: ' 国庆节 ' },
        { date: '2025-10-01', name: '国庆节', note: 'x' },
      ],
      adjustedWorkingDays: [],
      source: [{ title: 't', documentNumber: 'n', publishedOn: '2024-11-12', url: '' }],
    };
    expect(validateCalendarYear(input, 2025)).toEqual({
      ok: true,
      value: {
        year: 2025,
        holidays: [
          { date: '2025-10-01', name: '国庆节' },
          { date: '2025-10-02', name: '国庆节' },
        ],
        adjustedWorkingDays: [],
        source: [{ title: 't', documentNumber: 'n', publishedOn: '2024-11-12' }],
      },
    });
  });

  it('rejects a date that does not exist (2025-02-30)', () => {
    const y = y2025();
    y.holidays[3].date = '2025-02-30';
    expect(errorsOf(y)).toEqual([
      { field: 'holidays[3].date', message: "'2025-02-30' is not a real calendar date", messageZh: '“2025-02-30”不是有效日期' },
    ]);
  });

  it('rejects a date that is not zero-padded (2025-2-3)', () => {
    const y = y2025();
    y.holidays[3].date = '2025-2-3';
    const errors = errorsOf(y);
    expect(errors.map((e) => e.field)).toEqual(['holidays[3].date']);
    expect(errors[0].message).toContain("not in the format 'YYYY-MM-DD'");
  });

  it('rejects dates outside the year', () => {
    const y = y2025();
    y.holidays[0].date = '2024-12-31';
    y.adjustedWorkingDays[0].date = '2026-01-04';
    expect(fields(y)).toEqual(['holidays[0].date', 'adjustedWorkingDays[0].date']);
  });

  it('rejects a date that is both a holiday and an adjusted working day', () => {
    const y = y2025();
    y.adjustedWorkingDays.push({ date: '2025-02-01', name: '春节' }); // a Saturday inside the break
    const errors = errorsOf(y);
    expect(errors).toHaveLength(1);
    expect(errors[0].field).toBe('adjustedWorkingDays[5].date');
    expect(errors[0].message).toBe("'2025-02-01' is also listed as a holiday (holidays[5])");
  });

  it('rejects an adjusted working day that is not a Saturday or Sunday', () => {
    const y = y2025();
    y.adjustedWorkingDays[1].date = '2025-02-07'; // Friday
    const errors = errorsOf(y);
    expect(errors).toEqual([
      {
        field: 'adjustedWorkingDays[1].date',
        message: "'2025-02-07' is a Friday; adjusted working days are always Saturdays or Sundays",
        messageZh: '“2025-02-07”是星期五，调休上班日只能是星期六或星期日',
      },
    ]);
  });

  it('rejects duplicate dates', () => {
    const y = y2025();
    y.holidays.push({ date: '2025-10-03', name: '国庆节' });
    const errors = errorsOf(y);
    expect(errors.map((e) => e.field)).toEqual([`holidays[${y.holidays.length - 1}].date`]);
    expect(errors[0].message).toContain('duplicate of holidays[');
  });

  it('requires at least one source with title, document number and publication date', () => {
    const y = y2025() as Partial<CalendarYear>;
    delete y.source;
    expect(fields(y)).toEqual(['source']);
    expect(fields({ ...y2025(), source: [] })).toEqual(['source']);
    expect(
      fields({
        ...y2025(),
        source: [{ title: '', documentNumber: '  ', publishedOn: '2024-11-31', url: 'ftp://example.org' }],
      }),
    ).toEqual(['source[0].title', 'source[0].documentNumber', 'source[0].publishedOn', 'source[0].url']);
  });

  it('requires the body year to match the year being defined', () => {
    const errors = errorsOf(y2025(), 2026);
    expect(errors[0].field).toBe('year');
    // …and every date of the 2025 body is then outside 2026.
    expect(errors.filter((e) => e.message.includes('outside year 2026'))).toHaveLength(28 + 5);
  });

  it('rejects malformed structure', () => {
    expect(fields(null)).toEqual(['']);
    expect(fields([])).toEqual(['']);
    expect(fields({ ...y2025(), holidays: 'x' })).toEqual(['holidays']);
    expect(fields({ ...y2025(), holidays: [] })).toEqual(['holidays']);
    expect(fields({ ...y2025(), adjustedWorkingDays: undefined })).toEqual(['adjustedWorkingDays']);
    expect(fields({ ...y2025(), holidays: [42, { date: '2025-01-01', name: '' }] })).toEqual([
      'holidays[0]',
      'holidays[1].name',
    ]);
    expect(fields({ ...y2025(), holidays: [{ name: '元旦' }] })).toEqual(['holidays[0].date']);
  });

  it('rejects an unreasonable year', () => {
    expect(fields(y2025(), 2025.5)).toEqual(['year']);
    expect(fields(y2025(), 1800)).toEqual(['year']);
  });
});
