import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, userId, type Agent, type TestApp } from '../harness.ts';

let t: TestApp;
let admin: Agent;
let ncAdmin: Agent;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  ncAdmin = await t.login('nc_admin');
});
afterAll(async () => t?.close());

/** A made-up 2027 (the real notice is not out yet): 元旦, a 7-day 春节 break 02-05..02-11, Saturday 02-13 working. */
function year2027(): any {
  return {
    year: 2027,
    holidays: [
      { date: '2027-01-01', name: '元旦' },
      ...['05', '06', '07', '08', '09', '10', '11'].map((d) => ({ date: `2027-02-${d}`, name: '春节' })),
    ],
    adjustedWorkingDays: [{ date: '2027-02-13', name: '春节' }],
    source: [
      {
        title: '国务院办公厅关于2027年部分节假日安排的通知',
        documentNumber: '国办发明电〔2026〕9号',
        publishedOn: '2026-11-05',
        url: 'https://www.gov.cn/zhengce/content/2027-test.htm',
      },
    ],
  };
}

const stored = () => t.database.db.selectFrom('calendar.year').selectAll().execute();
const puts = () => t.database.db.selectFrom('audit.entry').selectAll().where('action', '=', 'calendar.year.put').orderBy('id').execute();

async function waitForEntries(requestId: string) {
  for (let i = 0; i < 100; i++) {
    const rows = await t.database.db.selectFrom('audit.entry').selectAll().where('request_id', '=', requestId).execute();
    if (rows.length) return rows;
    await new Promise((r) => setTimeout(r, 20));
  }
  return [];
}

async function deadline(start: string, days: number) {
  const res = await admin.get(`/api/calendar/deadline?start=${encodeURIComponent(start)}&days=${days}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

describe('PUT /api/calendar/years/{year}', () => {
  it('has no 2027 data to begin with: deadlines fall back to Monday–Friday and say so', async () => {
    expect((await admin.get('/api/calendar/years/2027')).status).toBe(404);
    const d = await deadline('2027-02-04T10:00:00+08:00', 3);
    expect(d).toMatchObject({ deadlineDate: '2027-02-09', missingYears: [2027] });
  });

  it('refuses malformed dates with 422 CALENDAR_YEAR_INVALID naming each field, and stores nothing', async () => {
    const body = year2027();
    body.holidays[0].date = '2027-02-30';
    body.holidays[1].date = '2027-2-3';
    const res = await admin.put('/api/calendar/years/2027', body);
    expect(res.status, res.text).toBe(422);
    expect(res.body.code).toBe('CALENDAR_YEAR_INVALID');
    const fields = res.body.errors.map((e: any) => e.field);
    expect(fields).toEqual(['/body/holidays/0/date', '/body/holidays/1/date']);
    for (const e of res.body.errors) {
      expect(e.message).toBeTruthy();
      expect(e.messageZh).toBeTruthy();
    }
    expect(await stored()).toEqual([]);
    expect((await admin.get('/api/calendar/years/2027')).status).toBe(404);
    // The refusal is on record (written just after the response), and is the only calendar.year.put so far.
    const [entry] = await waitForEntries(String(res.headers['x-request-id']));
    expect(entry).toMatchObject({ action: 'calendar.year.put', outcome: 'failure', error_code: 'CALENDAR_YEAR_INVALID', target_id: '/api/calendar/years/2027' });
    expect((await puts()).map((e) => e.id)).toEqual([entry.id]);
  });

  it('names the fields of other mistakes: wrong year, weekday swap, duplicate, bad source', async () => {
    const body = year2027();
    body.year = 2028;
    body.adjustedWorkingDays = [{ date: '2027-02-12', name: '春节' }]; // a Friday
    body.holidays.push({ date: '2027-01-01', name: '元旦' });
    body.source[0].publishedOn = '2026-13-01';
    const res = await admin.put('/api/calendar/years/2027', body);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('CALENDAR_YEAR_INVALID');
    expect(res.body.errors.map((e: any) => e.field).sort()).toEqual(
      ['/body/year', '/body/holidays/8/date', '/body/source/0/publishedOn', '/body/adjustedWorkingDays/0/date'].sort(),
    );
    const missing = await admin.put('/api/calendar/years/2027', { year: 2027, holidays: [] });
    expect(missing.status).toBe(422);
    expect(missing.body.errors.map((e: any) => e.field).sort()).toEqual(['/body/adjustedWorkingDays', '/body/holidays', '/body/source']);
    expect(await stored()).toEqual([]);
  });

  it('refuses a department administrator with 403 and stores nothing', async () => {
    const res = await ncAdmin.put('/api/calendar/years/2027', year2027());
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
    expect(await stored()).toEqual([]);
    const [entry] = await waitForEntries(String(res.headers['x-request-id']));
    expect(entry).toMatchObject({ action: 'calendar.year.put', outcome: 'denied', actor_id: await userId(t, 'nc_admin') });
  });

  it('refuses an anonymous caller with 401', async () => {
    const res = await t.anonymous().put('/api/calendar/years/2027', year2027());
    expect(res.status).toBe(401);
    expect(await stored()).toEqual([]);
  });

  it('stores a valid year for the platform administrator, audited', async () => {
    const body = year2027();
    body.holidays.reverse(); // stored sorted by date
    const res = await admin.put('/api/calendar/years/2027', body);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual(year2027());

    const rows = await stored();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ year: 2027, updated_by: await userId(t, 'admin') });
    expect(rows[0].data).toEqual(year2027());

    const entries = (await puts()).filter((e) => e.outcome === 'success');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor_id: await userId(t, 'admin'),
      target_type: 'calendar_year',
      target_id: '2027',
      request_id: res.headers['x-request-id'],
      error_code: null,
    });
    expect(entries[0].summary).toEqual({ before: null, after: { holidays: 8, adjustedWorkingDays: 1, source: ['国办发明电〔2026〕9号'] } });
  });

  it('shows the new year in /years, /years/2027 and the month view', async () => {
    const years = await admin.get('/api/calendar/years');
    expect(years.body.items.map((y: any) => y.year)).toEqual([2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027]);
    expect(years.body.items.at(-1)).toEqual({ year: 2027, source: 'custom', documentNumber: '国办发明电〔2026〕9号', holidays: 8, adjustedWorkingDays: 1 });
    expect((await admin.get('/api/calendar/years/2027')).body).toEqual(year2027());
    const feb = await admin.get('/api/calendar/months/2027/2');
    expect(feb.body.items.find((d: any) => d.date === '2027-02-08')).toEqual({ date: '2027-02-08', working: false, kind: 'holiday', name: '春节' });
    expect(feb.body.items.find((d: any) => d.date === '2027-02-13')).toEqual({ date: '2027-02-13', working: true, kind: 'adjustedWorkingDay', name: '春节' });
  });

  it('uses the new year for deadlines', async () => {
    // 02-05..02-11 are holidays now; 02-12 (Fri), 02-13 (working Sat), 02-15 (Mon).
    const d = await deadline('2027-02-04T10:00:00+08:00', 3);
    expect(d).toMatchObject({ firstCountedDay: '2027-02-12', deadlineDate: '2027-02-15', deadline: '2027-02-15T15:59:59.999Z', missingYears: [] });
    const add = await admin.get('/api/calendar/add-working-days?from=2027-02-04&days=2');
    expect(add.body.date).toBe('2027-02-13');
  });

  it('replaces a year on a second PUT and records what it was before', async () => {
    const body = year2027();
    body.adjustedWorkingDays.push({ date: '2027-01-31', name: '春节' });
    const res = await admin.put('/api/calendar/years/2027', body);
    expect(res.status).toBe(200);
    expect(await stored()).toHaveLength(1);
    const last = (await puts()).find((e) => e.request_id === res.headers['x-request-id'])!;
    expect(last.outcome).toBe('success');
    expect(last.summary).toEqual({
      before: { holidays: 8, adjustedWorkingDays: 1 },
      after: { holidays: 8, adjustedWorkingDays: 2, source: ['国办发明电〔2026〕9号'] },
    });
    expect((await admin.get('/api/calendar/years/2027')).body.adjustedWorkingDays.map((d: any) => d.date)).toEqual(['2027-01-31', '2027-02-13']);
  });

  it('can correct a built-in year, which then shows as custom', async () => {
    const y2026 = (await admin.get('/api/calendar/years/2026')).body;
    const res = await admin.put('/api/calendar/years/2026', y2026);
    expect(res.status, res.text).toBe(200);
    const years = await admin.get('/api/calendar/years');
    expect(years.body.items.find((y: any) => y.year === 2026).source).toBe('custom');
    expect(years.body.items.find((y: any) => y.year === 2025).source).toBe('built-in');
  });

  it('stores any year the API accepts, down to 1949, and refuses years outside 1949–2100', async () => {
    const body = {
      year: 1949,
      holidays: [{ date: '1949-10-01', name: '国庆节' }],
      adjustedWorkingDays: [],
      source: [{ title: '测试数据', documentNumber: '测试〔1949〕1号', publishedOn: '1949-09-30' }],
    };
    const res = await admin.put('/api/calendar/years/1949', body);
    expect(res.status, res.text).toBe(200);
    expect((await admin.get('/api/calendar/years/1949')).body).toEqual(body);
    expect((await admin.get('/api/calendar/years')).body.items[0]).toMatchObject({ year: 1949, source: 'custom' });
    for (const year of [1948, 2101]) {
      const out = await admin.put(`/api/calendar/years/${year}`, { ...body, year });
      expect(out.status).toBe(400);
      expect(out.body.code).toBe('VALIDATION_FAILED');
    }
  });
});
