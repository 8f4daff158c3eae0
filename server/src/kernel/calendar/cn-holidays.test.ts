import { describe, it, expect } from 'vitest';
import { BUILT_IN_YEARS } from './cn-holidays.ts';
import { validateCalendarYear } from './validate.ts';

/**
 * Cross-check of the built-in data against the text of each notice, typed separately from the
 * data files: [name, first day, last day, "共N天", adjusted working days of that section].
 */
type Period = [name: string, from: string, to: string, days: number, working: string[]];
const NOTICES: Record<number, { doc: string[]; periods: Period[] }> = {
  2020: {
    doc: ['国办发明电〔2019〕16号', '国办发明电〔2020〕1号'],
    periods: [
      ['元旦', '2020-01-01', '2020-01-01', 1, []],
      // 1/24–1/30 by the notice, extended to 2/2 by 国办发明电〔2020〕1号; 2/1 no longer a working day.
      ['春节', '2020-01-24', '2020-02-02', 10, ['2020-01-19']],
      ['清明节', '2020-04-04', '2020-04-06', 3, []],
      ['劳动节', '2020-05-01', '2020-05-05', 5, ['2020-04-26', '2020-05-09']],
      ['端午节', '2020-06-25', '2020-06-27', 3, ['2020-06-28']],
      ['国庆节、中秋节', '2020-10-01', '2020-10-08', 8, ['2020-09-27', '2020-10-10']],
    ],
  },
  2021: {
    doc: ['国办发明电〔2020〕27号'],
    periods: [
      ['元旦', '2021-01-01', '2021-01-03', 3, []],
      ['春节', '2021-02-11', '2021-02-17', 7, ['2021-02-07', '2021-02-20']],
      ['清明节', '2021-04-03', '2021-04-05', 3, []],
      ['劳动节', '2021-05-01', '2021-05-05', 5, ['2021-04-25', '2021-05-08']],
      ['端午节', '2021-06-12', '2021-06-14', 3, []],
      ['中秋节', '2021-09-19', '2021-09-21', 3, ['2021-09-18']],
      ['国庆节', '2021-10-01', '2021-10-07', 7, ['2021-09-26', '2021-10-09']],
    ],
  },
  2022: {
    doc: ['国办发明电〔2021〕11号', '国办发明电〔2022〕16号'],
    periods: [
      ['元旦', '2022-01-01', '2022-01-03', 3, []],
      ['春节', '2022-01-31', '2022-02-06', 7, ['2022-01-29', '2022-01-30']],
      ['清明节', '2022-04-03', '2022-04-05', 3, ['2022-04-02']],
      ['劳动节', '2022-04-30', '2022-05-04', 5, ['2022-04-24', '2022-05-07']],
      ['端午节', '2022-06-03', '2022-06-05', 3, []],
      ['中秋节', '2022-09-10', '2022-09-12', 3, []],
      ['国庆节', '2022-10-01', '2022-10-07', 7, ['2022-10-08', '2022-10-09']],
      // First day of the 2023 New Year break (2022-12-31 至 2023-01-02).
      ['元旦', '2022-12-31', '2022-12-31', 1, []],
    ],
  },
  2023: {
    doc: ['国办发明电〔2022〕16号'],
    periods: [
      ['元旦', '2023-01-01', '2023-01-02', 2, []],
      ['春节', '2023-01-21', '2023-01-27', 7, ['2023-01-28', '2023-01-29']],
      ['清明节', '2023-04-05', '2023-04-05', 1, []],
      ['劳动节', '2023-04-29', '2023-05-03', 5, ['2023-04-23', '2023-05-06']],
      ['端午节', '2023-06-22', '2023-06-24', 3, ['2023-06-25']],
      ['中秋节、国庆节', '2023-09-29', '2023-10-06', 8, ['2023-10-07', '2023-10-08']],
    ],
  },
  2024: {
    doc: ['国办发明电〔2023〕7号'],
    periods: [
      ['元旦', '2024-01-01', '2024-01-01', 1, []],
      ['春节', '2024-02-10', '2024-02-17', 8, ['2024-02-04', '2024-02-18']],
      ['清明节', '2024-04-04', '2024-04-06', 3, ['2024-04-07']],
      ['劳动节', '2024-05-01', '2024-05-05', 5, ['2024-04-28', '2024-05-11']],
      ['端午节', '2024-06-10', '2024-06-10', 1, []],
      ['中秋节', '2024-09-15', '2024-09-17', 3, ['2024-09-14']],
      ['国庆节', '2024-10-01', '2024-10-07', 7, ['2024-09-29', '2024-10-12']],
    ],
  },
  2025: {
    doc: ['国办发明电〔2024〕12号', '国务院令第795号'],
    periods: [
      ['元旦', '2025-01-01', '2025-01-01', 1, []],
      ['春节', '2025-01-28', '2025-02-04', 8, ['2025-01-26', '2025-02-08']],
      ['清明节', '2025-04-04', '2025-04-06', 3, []],
      ['劳动节', '2025-05-01', '2025-05-05', 5, ['2025-04-27']],
      ['端午节', '2025-05-31', '2025-06-02', 3, []],
      ['国庆节、中秋节', '2025-10-01', '2025-10-08', 8, ['2025-09-28', '2025-10-11']],
    ],
  },
  2026: {
    doc: ['国办发明电〔2025〕7号'],
    periods: [
      ['元旦', '2026-01-01', '2026-01-03', 3, ['2026-01-04']],
      ['春节', '2026-02-15', '2026-02-23', 9, ['2026-02-14', '2026-02-28']],
      ['清明节', '2026-04-04', '2026-04-06', 3, []],
      ['劳动节', '2026-05-01', '2026-05-05', 5, ['2026-05-09']],
      ['端午节', '2026-06-19', '2026-06-21', 3, []],
      ['中秋节', '2026-09-25', '2026-09-27', 3, []],
      ['国庆节', '2026-10-01', '2026-10-07', 7, ['2026-09-20', '2026-10-10']],
    ],
  },
};

/**
 * Statutory days (全国年节及纪念日放假办法), computed independently of the notices: lunar dates of
 * 春节 正月初一, 清明, 端午 and 中秋. 2014–2024: 春节 = 初一–初三, 劳动节 = 5/1 (11 days a year);
 * from 2025 (国务院令第795号): 春节 = 除夕–初三, 劳动节 = 5/1–5/2 (13 days).
 */
const LUNAR: Record<number, { newYear: string; qingming: string; duanwu: string; zhongqiu: string }> = {
  2020: { newYear: '2020-01-25', qingming: '2020-04-04', duanwu: '2020-06-25', zhongqiu: '2020-10-01' },
  2021: { newYear: '2021-02-12', qingming: '2021-04-04', duanwu: '2021-06-14', zhongqiu: '2021-09-21' },
  2022: { newYear: '2022-02-01', qingming: '2022-04-05', duanwu: '2022-06-03', zhongqiu: '2022-09-10' },
  2023: { newYear: '2023-01-22', qingming: '2023-04-05', duanwu: '2023-06-22', zhongqiu: '2023-09-29' },
  2024: { newYear: '2024-02-10', qingming: '2024-04-04', duanwu: '2024-06-10', zhongqiu: '2024-09-17' },
  2025: { newYear: '2025-01-29', qingming: '2025-04-04', duanwu: '2025-05-31', zhongqiu: '2025-10-06' },
  2026: { newYear: '2026-02-17', qingming: '2026-04-05', duanwu: '2026-06-19', zhongqiu: '2026-09-25' },
};

const DAY = 86_400_000;
const toMs = (d: string) => Date.parse(`${d}T00:00:00Z`);
const shift = (d: string, n: number) => new Date(toMs(d) + n * DAY).toISOString().slice(0, 10);
const weekday = (d: string) => new Date(toMs(d)).getUTCDay();
function range(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = shift(d, 1)) out.push(d);
  return out;
}

describe('BUILT_IN_YEARS', () => {
  it('covers exactly 2020–2026 in order', () => {
    expect(BUILT_IN_YEARS.map((y) => y.year)).toEqual([2020, 2021, 2022, 2023, 2024, 2025, 2026]);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(BUILT_IN_YEARS)).toBe(true);
    expect(Object.isFrozen(BUILT_IN_YEARS[5].holidays[0])).toBe(true);
  });

  for (const y of BUILT_IN_YEARS) {
    const notice = NOTICES[y.year];

    describe(String(y.year), () => {
      it('passes validateCalendarYear', () => {
        expect(validateCalendarYear(y, y.year)).toMatchObject({ ok: true });
      });

      it('cites the State Council notices with gov.cn URLs', () => {
        expect(y.source.map((s) => s.documentNumber)).toEqual(notice.doc);
        expect(y.source[0].title).toBe(`国务院办公厅关于${y.year}年部分节假日安排的通知`);
        for (const s of y.source) expect(s.url).toMatch(/^https?:\/\/www\.gov\.cn\//);
      });

      it('holds exactly the holiday periods of the notice, each of the stated length', () => {
        const expected = notice.periods.flatMap(([, from, to, days]) => {
          const dates = range(from, to);
          expect(dates).toHaveLength(days);
          return dates;
        });
        expect(y.holidays.map((h) => h.date)).toEqual(expected);
        for (const [name, from, to] of notice.periods) {
          for (const h of y.holidays.filter((x) => x.date >= from && x.date <= to)) {
            expect(h.name.startsWith(name)).toBe(true);
          }
        }
      });

      it('holds exactly the adjusted working days of the notice, all Saturdays or Sundays', () => {
        const expected = notice.periods.flatMap(([, , , , working]) => working).sort();
        expect(y.adjustedWorkingDays.map((a) => a.date)).toEqual(expected);
        for (const a of y.adjustedWorkingDays) expect([0, 6]).toContain(weekday(a.date));
      });

      it('includes every statutory holiday', () => {
        const l = LUNAR[y.year];
        const statutory = [
          `${y.year}-01-01`,
          ...range(l.newYear, shift(l.newYear, 2)),
          l.qingming,
          `${y.year}-05-01`,
          l.duanwu,
          l.zhongqiu,
          ...range(`${y.year}-10-01`, `${y.year}-10-03`),
        ];
        if (y.year >= 2025) statutory.push(shift(l.newYear, -1), `${y.year}-05-02`);
        const holidays = new Set(y.holidays.map((h) => h.date));
        for (const d of statutory) expect(holidays.has(d), d).toBe(true);
      });

      it('swaps are zero-sum: days off − weekend days = statutory days (+2 for the 2020 extension)', () => {
        // Weekend statutory days are compensated on a weekday and every swapped weekday is worked
        // back on a weekend, so the year has exactly (weekend days + statutory days) days off.
        const holidays = new Set(y.holidays.map((h) => h.date));
        const adjusted = new Set(y.adjustedWorkingDays.map((a) => a.date));
        let off = 0;
        let weekends = 0;
        for (const d of range(`${y.year}-01-01`, `${y.year}-12-31`)) {
          const weekend = weekday(d) === 0 || weekday(d) === 6;
          if (weekend) weekends += 1;
          if (holidays.has(d) || (weekend && !adjusted.has(d))) off += 1;
        }
        const statutory = y.year >= 2025 ? 13 : 11;
        // 2020: 1/31 (Fri) became a holiday and 2/1 (Sat) stopped being a working day.
        expect(off - weekends).toBe(y.year === 2020 ? statutory + 2 : statutory);
      });
    });
  }

  it('2020: the Spring Festival extension is included and cited, 2020-02-01 is not a working day', () => {
    const y2020 = BUILT_IN_YEARS[0];
    expect(y2020.holidays.filter((h) => h.date >= '2020-01-31' && h.date <= '2020-02-02')).toEqual([
      { date: '2020-01-31', name: '春节（延长假期）' },
      { date: '2020-02-01', name: '春节（延长假期）' },
      { date: '2020-02-02', name: '春节（延长假期）' },
    ]);
    expect(y2020.adjustedWorkingDays.map((a) => a.date)).not.toContain('2020-02-01');
    expect(y2020.source[1]).toMatchObject({
      title: '国务院办公厅关于延长2020年春节假期的通知',
      documentNumber: '国办发明电〔2020〕1号',
    });
  });

  it('2024: 除夕 (2024-02-09) is only "encouraged" off, not a holiday', () => {
    expect(BUILT_IN_YEARS[4].holidays.map((h) => h.date)).not.toContain('2024-02-09');
  });
});
