import { describe, it, expect, afterEach } from 'vitest';
import { BUILT_IN_YEARS, createWorkingCalendar, parseInstant, type CalendarYear } from './index.ts';

const cal = createWorkingCalendar(BUILT_IN_YEARS);
/** An instant given in CST wall-clock time. */
const cst = (s: string) => new Date(`${s}+08:00`);

function expectHolidays(dates: string[], name: string) {
  for (const date of dates) {
    expect(cal.dayInfo(date), date).toEqual({ date, working: false, kind: 'holiday', name });
    expect(cal.isWorkingDay(date), date).toBe(false);
  }
}
function expectAdjusted(dates: string[], name: string) {
  for (const date of dates) {
    expect(cal.dayInfo(date), date).toEqual({ date, working: true, kind: 'adjustedWorkingDay', name });
    expect(cal.isWorkingDay(date), date).toBe(true);
  }
}

describe('isWorkingDay / dayInfo', () => {
  it('2024 Spring Festival: 02-10..02-17 off, Sundays 02-04 and 02-18 working, 除夕 02-09 working', () => {
    expectHolidays(
      ['2024-02-10', '2024-02-11', '2024-02-12', '2024-02-13', '2024-02-14', '2024-02-15', '2024-02-16', '2024-02-17'],
      '春节',
    );
    expectAdjusted(['2024-02-04', '2024-02-18'], '春节');
    expect(cal.dayInfo('2024-02-09')).toEqual({ date: '2024-02-09', working: true, kind: 'workday' });
    expect(cal.dayInfo('2024-02-03')).toEqual({ date: '2024-02-03', working: false, kind: 'weekend' });
    expect(cal.isWorkingDay('2024-02-19')).toBe(true);
  });

  it('2024 National Day: 10-01..10-07 off, 09-29 (Sun) and 10-12 (Sat) working', () => {
    expectHolidays(
      ['2024-10-01', '2024-10-02', '2024-10-03', '2024-10-04', '2024-10-05', '2024-10-06', '2024-10-07'],
      '国庆节',
    );
    expectAdjusted(['2024-09-29', '2024-10-12'], '国庆节');
    expect(cal.isWorkingDay('2024-10-08')).toBe(true);
    expect(cal.isWorkingDay('2024-10-13')).toBe(false);
  });

  it('2025 Spring Festival (from 除夕, 8 days): 01-28..02-04 off, 01-26 (Sun) and 02-08 (Sat) working', () => {
    expectHolidays(
      ['2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-01', '2025-02-02', '2025-02-03', '2025-02-04'],
      '春节',
    );
    expectAdjusted(['2025-01-26', '2025-02-08'], '春节');
    expect(cal.isWorkingDay('2025-01-27')).toBe(true);
    expect(cal.isWorkingDay('2025-02-05')).toBe(true);
    expect(cal.isWorkingDay('2025-02-09')).toBe(false);
  });

  it('2025 National Day merged with Mid-Autumn: 10-01..10-08 off, 09-28 (Sun) and 10-11 (Sat) working', () => {
    expectHolidays(
      ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-04', '2025-10-05', '2025-10-06', '2025-10-07', '2025-10-08'],
      '国庆节、中秋节',
    );
    expectAdjusted(['2025-09-28', '2025-10-11'], '国庆节、中秋节');
    expect(cal.isWorkingDay('2025-09-30')).toBe(true);
    expect(cal.isWorkingDay('2025-10-09')).toBe(true);
    expect(cal.isWorkingDay('2025-09-27')).toBe(false);
  });

  it('2025 Labour Day (5/1 and 5/2 statutory from 2025): 05-01..05-05 off, 04-27 (Sun) working', () => {
    expectHolidays(['2025-05-01', '2025-05-02', '2025-05-03', '2025-05-04', '2025-05-05'], '劳动节');
    expectAdjusted(['2025-04-27'], '劳动节');
  });

  it('2026 Spring Festival (9 days): 02-15..02-23 off, Saturdays 02-14 and 02-28 working', () => {
    expectHolidays(
      [
        '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19',
        '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23',
      ],
      '春节',
    );
    expectAdjusted(['2026-02-14', '2026-02-28'], '春节');
    expect(cal.isWorkingDay('2026-02-24')).toBe(true);
  });

  it('2026 National Day: 10-01..10-07 off, 09-20 (Sun) and 10-10 (Sat) working; Mid-Autumn 09-25..09-27', () => {
    expectHolidays(
      ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
      '国庆节',
    );
    expectAdjusted(['2026-09-20', '2026-10-10'], '国庆节');
    expectHolidays(['2026-09-25', '2026-09-26', '2026-09-27'], '中秋节');
    expect(cal.isWorkingDay('2026-10-08')).toBe(true);
    expect(cal.isWorkingDay('2026-10-11')).toBe(false);
  });

  it('2026 New Year: 01-01..01-03 off, 01-04 (Sun) working', () => {
    expectHolidays(['2026-01-01', '2026-01-02', '2026-01-03'], '元旦');
    expectAdjusted(['2026-01-04'], '元旦');
  });

  it('2022-12-31 belongs to the 2023 New Year break', () => {
    expect(cal.dayInfo('2022-12-31')).toEqual({ date: '2022-12-31', working: false, kind: 'holiday', name: '元旦' });
  });

  it('falls back to Monday–Friday for a year without data and says so via hasYear', () => {
    expect(cal.hasYear(2025)).toBe(true);
    expect(cal.hasYear(2030)).toBe(false);
    expect(cal.years()).toEqual([2020, 2021, 2022, 2023, 2024, 2025, 2026]);
    expect(cal.dayInfo('2030-10-01')).toEqual({ date: '2030-10-01', working: true, kind: 'workday' });
    expect(cal.dayInfo('2030-10-05')).toEqual({ date: '2030-10-05', working: false, kind: 'weekend' });
  });

  it('rejects malformed dates', () => {
    expect(() => cal.isWorkingDay('2025-2-3')).toThrow(RangeError);
    expect(() => cal.dayInfo('2025-02-30')).toThrow(RangeError);
    expect(() => cal.isWorkingDay('2025-10-01T00:00:00Z')).toThrow(RangeError);
  });
});

describe('addWorkingDays', () => {
  it('steps over the 2025 National Day holiday and counts the adjusted Sundays/Saturdays', () => {
    expect(cal.addWorkingDays('2025-09-30', 1)).toBe('2025-10-09');
    expect(cal.addWorkingDays('2025-09-26', 1)).toBe('2025-09-28');
    expect(cal.addWorkingDays('2025-09-26', 3)).toBe('2025-09-30');
    expect(cal.addWorkingDays('2025-09-26', 4)).toBe('2025-10-09');
    expect(cal.addWorkingDays('2025-10-09', 2)).toBe('2025-10-11');
    expect(cal.addWorkingDays('2025-10-09', 3)).toBe('2025-10-13');
  });

  it('steps over Spring Festival 2024, 2025 and 2026', () => {
    expect(cal.addWorkingDays('2024-02-08', 1)).toBe('2024-02-09');
    expect(cal.addWorkingDays('2024-02-09', 1)).toBe('2024-02-18');
    expect(cal.addWorkingDays('2024-02-09', 2)).toBe('2024-02-19');
    expect(cal.addWorkingDays('2025-01-24', 1)).toBe('2025-01-26');
    expect(cal.addWorkingDays('2025-01-27', 1)).toBe('2025-02-05');
    expect(cal.addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    expect(cal.addWorkingDays('2026-02-14', 1)).toBe('2026-02-24');
    expect(cal.addWorkingDays('2026-09-30', 1)).toBe('2026-10-08');
    expect(cal.addWorkingDays('2026-09-18', 1)).toBe('2026-09-20');
  });

  it('crosses a year boundary', () => {
    expect(cal.addWorkingDays('2025-12-31', 1)).toBe('2026-01-04');
    expect(cal.addWorkingDays('2026-01-04', -1)).toBe('2025-12-31');
  });

  it('n = 0 returns the date if working, else the next working day', () => {
    expect(cal.addWorkingDays('2025-09-30', 0)).toBe('2025-09-30');
    expect(cal.addWorkingDays('2025-10-04', 0)).toBe('2025-10-09');
    expect(cal.addWorkingDays('2025-10-11', 0)).toBe('2025-10-11');
    expect(cal.addWorkingDays('2025-10-12', 0)).toBe('2025-10-13');
  });

  it('negative n goes backwards', () => {
    expect(cal.addWorkingDays('2025-10-09', -1)).toBe('2025-09-30');
    expect(cal.addWorkingDays('2025-10-13', -3)).toBe('2025-10-09');
    expect(cal.addWorkingDays('2025-10-05', -1)).toBe('2025-09-30');
    expect(cal.addWorkingDays('2025-02-05', -1)).toBe('2025-01-27');
  });

  it('rejects non-integer counts', () => {
    expect(() => cal.addWorkingDays('2025-10-09', 1.5)).toThrow(RangeError);
    expect(() => cal.addWorkingDays('2025-10-09', Number.NaN)).toThrow(RangeError);
    expect(() => cal.addWorkingDays('2025-10-09', 1e9)).toThrow(RangeError);
  });
});

describe('deadline (期间开始的当日不计入)', () => {
  it('request on the working day before National Day 2025: 5 working days end after the holiday', () => {
    const start = cst('2025-09-30T10:00:00');
    expect(cal.deadlineDetail(start, 5)).toEqual({
      receivedOn: '2025-09-30',
      effectiveStart: '2025-09-30',
      firstCountedDay: '2025-10-09',
      deadline: new Date('2025-10-14T15:59:59.999Z'),
      deadlineDate: '2025-10-14',
      missingYears: [],
    });
    expect(cal.deadline(start, 5).toISOString()).toBe('2025-10-14T15:59:59.999Z');
    expect(cal.deadline(start, 1).toISOString()).toBe('2025-10-09T15:59:59.999Z');
  });

  it('request on the working day before National Day 2024: the adjusted Saturday 10-12 is the 5th day', () => {
    expect(cal.deadlineDetail(cst('2024-09-30T09:00:00'), 5).deadlineDate).toBe('2024-10-12');
  });

  it('after office close counts as received on the next working day', () => {
    const d = cal.deadlineDetail(cst('2025-09-30T17:45:00'), 5);
    expect(d.receivedOn).toBe('2025-09-30');
    expect(d.effectiveStart).toBe('2025-10-09');
    expect(d.firstCountedDay).toBe('2025-10-10');
    expect(d.deadlineDate).toBe('2025-10-15');
    expect(d.deadline.toISOString()).toBe('2025-10-15T15:59:59.999Z');
  });

  it('office close is exclusive: 17:29:59.999 is in time, 17:30:00 is late', () => {
    expect(cal.deadlineDetail(cst('2025-09-30T17:29:59.999'), 5).deadlineDate).toBe('2025-10-14');
    expect(cal.deadlineDetail(cst('2025-09-30T17:30:00'), 5).deadlineDate).toBe('2025-10-15');
  });

  it('honours a configured office close', () => {
    const early = createWorkingCalendar(BUILT_IN_YEARS, { officeClose: '16:00' });
    expect(early.officeClose).toBe('16:00');
    expect(early.deadlineDetail(cst('2025-09-30T16:30:00'), 5).deadlineDate).toBe('2025-10-15');
    expect(cal.deadlineDetail(cst('2025-09-30T16:30:00'), 5).deadlineDate).toBe('2025-10-14');
    expect(() => createWorkingCalendar(BUILT_IN_YEARS, { officeClose: '25:00' })).toThrow(RangeError);
    expect(() => createWorkingCalendar(BUILT_IN_YEARS, { officeClose: '9:00' })).toThrow(RangeError);
  });

  it('a request on a weekend counts as received on Monday', () => {
    expect(cal.deadlineDetail(cst('2024-03-09T10:00:00'), 3)).toMatchObject({
      receivedOn: '2024-03-09',
      effectiveStart: '2024-03-11',
      firstCountedDay: '2024-03-12',
      deadlineDate: '2024-03-14',
    });
    expect(cal.deadlineDetail(cst('2024-03-10T08:00:00'), 3).deadlineDate).toBe('2024-03-14');
  });

  it('a request on an adjusted working Sunday is received that day', () => {
    expect(cal.deadlineDetail(cst('2025-09-28T10:00:00'), 1)).toMatchObject({
      effectiveStart: '2025-09-28',
      deadlineDate: '2025-09-29',
    });
  });

  it('a request during a holiday counts from the first working day after it', () => {
    expect(cal.deadlineDetail(cst('2026-02-16T09:00:00'), 1)).toMatchObject({
      effectiveStart: '2026-02-24',
      firstCountedDay: '2026-02-25',
      deadlineDate: '2026-02-25',
    });
    // Friday evening before Spring Festival 2025: received on the adjusted Sunday 01-26.
    expect(cal.deadlineDetail(cst('2025-01-24T18:00:00'), 1)).toMatchObject({
      effectiveStart: '2025-01-26',
      deadlineDate: '2025-01-27',
    });
    expect(cal.deadlineDetail(cst('2025-01-24T18:00:00'), 2).deadlineDate).toBe('2025-02-05');
  });

  it('reads the instant in CST, not UTC: 2025-09-30T16:30Z is 10-01 00:30 in Beijing', () => {
    expect(cal.deadlineDetail(new Date('2025-09-30T16:30:00Z'), 5)).toMatchObject({
      receivedOn: '2025-10-01',
      effectiveStart: '2025-10-09',
      deadlineDate: '2025-10-15',
    });
    expect(cal.deadlineDetail(new Date('2025-09-30T02:00:00Z'), 5).deadlineDate).toBe('2025-10-14');
  });

  it('limit 0 ends on the effective receipt day', () => {
    expect(cal.deadlineDetail(cst('2025-10-04T10:00:00'), 0).deadlineDate).toBe('2025-10-09');
  });

  it('reports years without official data', () => {
    const d = cal.deadlineDetail(cst('2026-12-30T10:00:00'), 5);
    expect(d.deadlineDate).toBe('2027-01-06');
    expect(d.missingYears).toEqual([2027]);
  });

  it('rejects invalid limits and dates', () => {
    expect(() => cal.deadline(cst('2025-09-30T10:00:00'), -1)).toThrow(RangeError);
    expect(() => cal.deadline(cst('2025-09-30T10:00:00'), 2.5)).toThrow(RangeError);
    expect(() => cal.deadline(new Date('nonsense'), 5)).toThrow(RangeError);
  });
});

describe('workingDaysBetween', () => {
  it('counts working days after the day of `from` up to and including the day of `to`', () => {
    expect(cal.workingDaysBetween(cst('2025-09-30T10:00:00'), cst('2025-10-14T09:00:00'))).toBe(5);
    expect(cal.workingDaysBetween(cst('2025-09-30T23:30:00'), cst('2025-10-09T00:10:00'))).toBe(1);
    expect(cal.workingDaysBetween(cst('2025-09-30T10:00:00'), cst('2025-10-08T23:00:00'))).toBe(0);
    expect(cal.workingDaysBetween(cst('2024-02-01T12:00:00'), cst('2024-02-29T12:00:00'))).toBe(17);
  });

  it('is 0 on the same day and negative when reversed', () => {
    expect(cal.workingDaysBetween(cst('2025-09-30T08:00:00'), cst('2025-09-30T20:00:00'))).toBe(0);
    expect(cal.workingDaysBetween(cst('2025-10-14T09:00:00'), cst('2025-09-30T10:00:00'))).toBe(-5);
  });

  it('splits days at CST midnight', () => {
    expect(cal.workingDaysBetween(new Date('2025-10-08T15:59:59Z'), new Date('2025-10-08T16:00:00Z'))).toBe(1);
    expect(cal.workingDaysBetween(new Date('2025-09-30T15:59:59Z'), new Date('2025-09-30T16:00:00Z'))).toBe(0);
  });

  it('agrees with deadline for an in-hours working-day start', () => {
    for (const limit of [1, 5, 20, 60]) {
      const start = cst('2025-09-30T10:00:00');
      expect(cal.workingDaysBetween(start, cal.deadline(start, limit))).toBe(limit);
    }
  });
});

describe('month', () => {
  it('October 2025 for a calendar view', () => {
    const days = cal.month(2025, 10);
    expect(days).toHaveLength(31);
    expect(days.slice(0, 8).every((d) => d.kind === 'holiday' && d.name === '国庆节、中秋节')).toBe(true);
    expect(days[8]).toEqual({ date: '2025-10-09', working: true, kind: 'workday' });
    expect(days[10]).toEqual({ date: '2025-10-11', working: true, kind: 'adjustedWorkingDay', name: '国庆节、中秋节' });
    expect(days[11]).toEqual({ date: '2025-10-12', working: false, kind: 'weekend' });
    // 10-09, 10-10, 10-11 (adjusted Saturday), then three full weeks 10-13..10-31.
    expect(days.filter((d) => d.working)).toHaveLength(18);
  });

  it('has the right number of days and rejects bad months', () => {
    expect(cal.month(2024, 2)).toHaveLength(29);
    expect(cal.month(2025, 2).at(-1)?.date).toBe('2025-02-28');
    expect(() => cal.month(2025, 13)).toThrow(RangeError);
    expect(() => cal.month(2025, 0)).toThrow(RangeError);
  });
});

describe('createWorkingCalendar', () => {
  it('lets a later entry for the same year replace the built-in one (administrator correction)', () => {
    const corrected: CalendarYear = structuredClone(BUILT_IN_YEARS[6]);
    corrected.holidays.push({ date: '2026-10-08', name: '国庆节' });
    const c = createWorkingCalendar([...BUILT_IN_YEARS, corrected]);
    expect(c.isWorkingDay('2026-10-08')).toBe(false);
    expect(cal.isWorkingDay('2026-10-08')).toBe(true);
    expect(Object.isFrozen(c.getYear(2026))).toBe(true);
  });

  it('refuses invalid data', () => {
    const bad = structuredClone(BUILT_IN_YEARS[5]);
    bad.adjustedWorkingDays.push({ date: '2025-01-27', name: '春节' });
    expect(() => createWorkingCalendar([bad])).toThrow(/adjustedWorkingDays\[5\]\.date/);
  });

  it('works without any data (plain Monday–Friday)', () => {
    const empty = createWorkingCalendar([]);
    expect(empty.isWorkingDay('2025-10-01')).toBe(true);
    expect(empty.addWorkingDays('2025-10-03', 1)).toBe('2025-10-06');
  });
});

describe('time-zone independence', () => {
  const original = process.env.TZ;
  afterEach(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });

  for (const tz of ['UTC', 'America/Los_Angeles', 'Asia/Kolkata', 'Pacific/Kiritimati']) {
    it(`gives the same results with TZ=${tz}`, () => {
      process.env.TZ = tz;
      const c = createWorkingCalendar(BUILT_IN_YEARS);
      expect(c.deadline(new Date('2025-09-30T02:00:00Z'), 5).toISOString()).toBe('2025-10-14T15:59:59.999Z');
      expect(c.deadlineDetail(new Date('2025-09-30T16:30:00Z'), 5).deadlineDate).toBe('2025-10-15');
      expect(c.workingDaysBetween(new Date('2025-10-08T15:59:59Z'), new Date('2025-10-08T16:00:00Z'))).toBe(1);
      expect(parseInstant('2025-09-30T10:00')?.toISOString()).toBe('2025-09-30T02:00:00.000Z');
    });
  }
});

describe('parseInstant', () => {
  it('reads values without offset as CST and honours explicit offsets', () => {
    expect(parseInstant('2025-09-30')?.toISOString()).toBe('2025-09-29T16:00:00.000Z');
    expect(parseInstant('2025-09-30T17:45')?.toISOString()).toBe('2025-09-30T09:45:00.000Z');
    expect(parseInstant('2025-09-30T17:45:30.5')?.toISOString()).toBe('2025-09-30T09:45:30.500Z');
    expect(parseInstant('2025-09-30T09:45:00Z')?.toISOString()).toBe('2025-09-30T09:45:00.000Z');
    expect(parseInstant('2025-09-30T17:45:00+08:00')?.toISOString()).toBe('2025-09-30T09:45:00.000Z');
    expect(parseInstant('2025-09-30T04:45:00-0500')?.toISOString()).toBe('2025-09-30T09:45:00.000Z');
  });

  it('rejects malformed values', () => {
    for (const bad of ['2025-02-30', '2025-9-30', '2025-09-30T24:00', '2025-09-30T10:60', 'yesterday', '']) {
      expect(parseInstant(bad), bad).toBeNull();
    }
  });
});
