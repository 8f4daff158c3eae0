import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Agent, type TestApp } from '../harness.ts';

let t: TestApp;
let user: Agent;

beforeAll(async () => {
  t = await createTestApp();
  user = await t.login('nc_officer'); // any logged-in user may read the calendar
});
afterAll(async () => t?.close());

const qs = (params: Record<string, string | number>) => new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();

async function deadline(start: string, days: number) {
  const res = await user.get(`/api/calendar/deadline?${qs({ start, days })}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

describe('calendar data', () => {
  it('lists the built-in years 2020–2026 with their sources', async () => {
    const res = await user.get('/api/calendar/years');
    expect(res.status).toBe(200);
    expect(res.body.items.map((y: any) => y.year)).toEqual([2020, 2021, 2022, 2023, 2024, 2025, 2026]);
    for (const y of res.body.items) {
      expect(y.source).toBe('built-in');
      expect(y.documentNumber).toMatch(/国办发明电〔\d{4}〕\d+号/);
      expect(y.holidays).toBeGreaterThan(20);
      expect(y.adjustedWorkingDays).toBeGreaterThan(0);
    }
    const y2025 = res.body.items.find((y: any) => y.year === 2025);
    expect(y2025).toEqual({ year: 2025, source: 'built-in', documentNumber: '国办发明电〔2024〕12号；国务院令第795号', holidays: 28, adjustedWorkingDays: 5 });
  });

  it('returns one year with 春节 and the document it was copied from', async () => {
    const res = await user.get('/api/calendar/years/2025');
    expect(res.status).toBe(200);
    expect(res.body.year).toBe(2025);
    const spring = res.body.holidays.filter((h: any) => h.name === '春节').map((h: any) => h.date);
    expect(spring).toEqual(['2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-01', '2025-02-02', '2025-02-03', '2025-02-04']);
    expect(res.body.adjustedWorkingDays).toContainEqual({ date: '2025-01-26', name: '春节' });
    expect(res.body.source[0]).toMatchObject({
      title: '国务院办公厅关于2025年部分节假日安排的通知',
      documentNumber: '国办发明电〔2024〕12号',
      publishedOn: '2024-11-12',
    });
    expect(res.body.source[0].url).toMatch(/^https:\/\/www\.gov\.cn\//);
  });

  it('answers 404 for a year without data, and 400 for a year out of range', async () => {
    const none = await user.get('/api/calendar/years/2019');
    expect(none.status).toBe(404);
    expect(none.body.code).toBe('NOT_FOUND');
    expect((await user.get('/api/calendar/years/1800')).status).toBe(400);
    expect((await user.get('/api/calendar/years/abcd')).status).toBe(400);
  });

  it('marks National Day 2025 as holidays and its swapped weekend days as working days', async () => {
    const oct = await user.get('/api/calendar/months/2025/10');
    expect(oct.status).toBe(200);
    expect(oct.body.items).toHaveLength(31);
    const day = (d: string) => oct.body.items.find((i: any) => i.date === d);
    for (let d = 1; d <= 8; d++) {
      expect(day(`2025-10-0${d}`)).toEqual({ date: `2025-10-0${d}`, working: false, kind: 'holiday', name: '国庆节、中秋节' });
    }
    expect(day('2025-10-09')).toEqual({ date: '2025-10-09', working: true, kind: 'workday' });
    expect(day('2025-10-11')).toEqual({ date: '2025-10-11', working: true, kind: 'adjustedWorkingDay', name: '国庆节、中秋节' });
    expect(day('2025-10-12')).toEqual({ date: '2025-10-12', working: false, kind: 'weekend' });
    // 31 days − 8 holidays − 5 weekend days off (10-12, 10-18, 10-19, 10-25, 10-26).
    expect(oct.body.items.filter((i: any) => i.working)).toHaveLength(18);

    const sep = await user.get('/api/calendar/months/2025/9');
    expect(sep.body.items).toHaveLength(30);
    expect(sep.body.items.find((i: any) => i.date === '2025-09-28')).toEqual({ date: '2025-09-28', working: true, kind: 'adjustedWorkingDay', name: '国庆节、中秋节' });
    expect(sep.body.items.find((i: any) => i.date === '2025-09-27')).toEqual({ date: '2025-09-27', working: false, kind: 'weekend' });

    expect((await user.get('/api/calendar/months/2025/13')).status).toBe(400);
  });

  it('adds working days across National Day 2025', async () => {
    const add = async (from: string, days: number) => {
      const res = await user.get(`/api/calendar/add-working-days?${qs({ from, days })}`);
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ from, days });
      return res.body.date;
    };
    expect(await add('2025-09-30', 1)).toBe('2025-10-09');
    expect(await add('2025-09-30', 3)).toBe('2025-10-11'); // the working Saturday counts
    expect(await add('2025-09-30', 4)).toBe('2025-10-13');
    expect(await add('2025-09-26', 1)).toBe('2025-09-28'); // Friday → working Sunday
    expect(await add('2025-10-09', -1)).toBe('2025-09-30');
    expect(await add('2025-10-03', 0)).toBe('2025-10-09');
    const bad = await user.get(`/api/calendar/add-working-days?${qs({ from: '2025-02-30', days: 1 })}`);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect((await user.get(`/api/calendar/add-working-days?${qs({ from: '2025-9-30', days: 1 })}`)).status).toBe(400);
  });
});

describe('deadlines', () => {
  it('counts 10 working days from 2025-09-30 10:00 past the National Day break', async () => {
    // Not counted: 09-30 (day of receipt), 10-01..10-08 (holidays), 10-12, 10-18, 10-19 (weekend).
    // Counted: 10-09, 10-10, 10-11 (working Saturday), 10-13..10-17, 10-20, 10-21.
    const d = await deadline('2025-09-30T10:00:00+08:00', 10);
    expect(d).toEqual({
      start: '2025-09-30T02:00:00.000Z',
      days: 10,
      receivedOn: '2025-09-30',
      effectiveStart: '2025-09-30',
      firstCountedDay: '2025-10-09',
      deadline: '2025-10-21T15:59:59.999Z',
      deadlineDate: '2025-10-21',
      missingYears: [],
    });
  });

  it('reads a time without offset as Beijing time', async () => {
    expect((await deadline('2025-09-30T10:00', 10)).deadlineDate).toBe('2025-10-21');
    // 02:00Z is 10:00 in Beijing.
    expect((await deadline('2025-09-30T02:00:00Z', 10)).deadlineDate).toBe('2025-10-21');
  });

  it('counts a request received after 17:30 from the next working day', async () => {
    const d = await deadline('2025-09-30T17:45:00+08:00', 5);
    expect(d).toMatchObject({ receivedOn: '2025-09-30', effectiveStart: '2025-10-09', firstCountedDay: '2025-10-10', deadlineDate: '2025-10-15' });
    // 17:30 sharp is already after hours; 17:29:59 is not.
    expect((await deadline('2025-09-30T17:30:00+08:00', 5)).effectiveStart).toBe('2025-10-09');
    expect((await deadline('2025-09-30T17:29:59+08:00', 5)).deadlineDate).toBe('2025-10-14');
    // 09:45Z is 17:45 in Beijing even though it is morning in UTC.
    expect((await deadline('2025-09-30T09:45:00Z', 5)).effectiveStart).toBe('2025-10-09');
  });

  it('counts a request received on a Saturday or a holiday from the next working day', async () => {
    const sat = await deadline('2024-03-09T10:00:00+08:00', 3);
    expect(sat).toMatchObject({ receivedOn: '2024-03-09', effectiveStart: '2024-03-11', firstCountedDay: '2024-03-12', deadlineDate: '2024-03-14' });
    const sat2025 = await deadline('2025-10-18T09:00:00+08:00', 1);
    expect(sat2025).toMatchObject({ effectiveStart: '2025-10-20', deadlineDate: '2025-10-21' });
    const holiday = await deadline('2025-10-03T10:00:00+08:00', 5);
    expect(holiday).toMatchObject({ effectiveStart: '2025-10-09', firstCountedDay: '2025-10-10', deadlineDate: '2025-10-15' });
    // An adjusted working Saturday is a normal day of receipt.
    const working = await deadline('2025-10-11T10:00:00+08:00', 1);
    expect(working).toMatchObject({ effectiveStart: '2025-10-11', deadlineDate: '2025-10-13' });
  });

  it('reports the years without data a deadline runs into', async () => {
    const d = await deadline('2026-12-30T10:00:00+08:00', 5);
    expect(d.missingYears).toEqual([2027]);
    expect(d.deadlineDate).toBe('2027-01-06'); // plain Monday–Friday in 2027
  });

  it('refuses malformed starts and day counts', async () => {
    const bad = await user.get(`/api/calendar/deadline?${qs({ start: 'next tuesday', days: 5 })}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: '/querystring/start' })] });
    expect((await user.get(`/api/calendar/deadline?${qs({ start: '2025-02-30T10:00', days: 5 })}`)).status).toBe(400);
    expect((await user.get(`/api/calendar/deadline?${qs({ start: '2025-09-30T10:00', days: -1 })}`)).status).toBe(400);
  });
});

describe('working days between', () => {
  it('counts the working days after the day of from up to the day of to', async () => {
    const between = async (from: string, to: string) => {
      const res = await user.get(`/api/calendar/working-days-between?${qs({ from, to })}`);
      expect(res.status, res.text).toBe(200);
      return res.body;
    };
    expect(await between('2025-09-30T10:00:00+08:00', '2025-10-14T09:00:00+08:00')).toEqual({
      from: '2025-09-30T02:00:00.000Z',
      to: '2025-10-14T01:00:00.000Z',
      workingDays: 5,
    });
    expect((await between('2025-10-14T09:00:00+08:00', '2025-09-30T10:00:00+08:00')).workingDays).toBe(-5);
    expect((await between('2025-09-30T08:00:00+08:00', '2025-09-30T23:00:00+08:00')).workingDays).toBe(0);
    expect((await between('2025-09-30T10:00:00+08:00', '2025-10-08T10:00:00+08:00')).workingDays).toBe(0);
    expect((await between('2025-09-26', '2025-09-29')).workingDays).toBe(2); // Sun 09-28 is a working day
    const bad = await user.get(`/api/calendar/working-days-between?${qs({ from: 'yesterday', to: '2025-09-29' })}`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('/querystring/from');
  });
});

describe('access', () => {
  it('answers 401 to anonymous callers', async () => {
    const anon = t.anonymous();
    for (const url of [
      '/api/calendar/years',
      '/api/calendar/years/2025',
      '/api/calendar/months/2025/10',
      '/api/calendar/add-working-days?from=2025-09-30&days=1',
      '/api/calendar/working-days-between?from=2025-09-30&to=2025-10-09',
      '/api/calendar/deadline?start=2025-09-30&days=1',
    ]) {
      const res = await anon.get(url);
      expect(res.status, url).toBe(401);
      expect(res.body.code).toBe('AUTH_REQUIRED');
    }
  });
});
