import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError } from '../../kernel/errors.ts';
import { Strict } from '../../kernel/schema.ts';
import type { CalendarService } from './calendar.service.ts';

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const YearParams = Strict({ year: Type.Integer({ minimum: 1949, maximum: 2100 }) });
const Entry = Type.Object({ date: Type.String(), name: Type.String() });
const Source = Type.Object({ title: Type.String(), documentNumber: Type.String(), publishedOn: Type.String(), url: Type.Optional(Type.String()) });
const CalendarYearSchema = Type.Object({ year: Type.Integer(), holidays: Type.Array(Entry), adjustedWorkingDays: Type.Array(Entry), source: Type.Array(Source) });
const DayInfoSchema = Type.Object({ date: Type.String(), working: Type.Boolean(), kind: Type.String(), name: Type.Optional(Type.String()) });

export async function calendarRoutes(fastify: FastifyInstance, { calendar }: { calendar: CalendarService }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['calendar'];

  app.get('/api/calendar/years', {
    config: { access: 'authenticated' },
    schema: {
      tags,
      summary: '已有节假日数据的年份 / Years with holiday data',
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({ year: Type.Integer(), source: Type.String(), documentNumber: Type.String(), holidays: Type.Integer(), adjustedWorkingDays: Type.Integer() })),
        }),
      },
    },
  }, async () => ({ items: await calendar.years() }));

  app.get('/api/calendar/years/:year', {
    config: { access: 'authenticated' },
    schema: { tags, summary: '一年的节假日与调休上班日 / One year\'s holidays and adjusted working days', params: YearParams, response: { 200: CalendarYearSchema } },
  }, async (req) => calendar.year(req.params.year));

  app.put('/api/calendar/years/:year', {
    config: { access: 'calendar.manage', action: 'calendar.year.put' },
    // The body is checked by validateCalendarYear, which names every wrong date precisely.
    schema: { tags, summary: '新增或更正一年的数据 / Add or correct a year', params: YearParams, body: Type.Object({}, { additionalProperties: true }), response: { 200: CalendarYearSchema } },
  }, async (req) => {
    const actor = req.actor!;
    if (!actor.grants.some((g) => g.scope === 'platform' && g.role === 'platform_admin')) {
      throw new AppError('FORBIDDEN', { message: 'Only platform administrators maintain the calendar', messageZh: '只有平台管理员可以维护节假日数据' });
    }
    return calendar.putYear(req.ctx, req.params.year, req.body);
  });

  app.get('/api/calendar/months/:year/:month', {
    config: { access: 'authenticated' },
    schema: {
      tags,
      summary: '月历 / Every day of a month',
      params: Strict({ year: Type.Integer({ minimum: 1949, maximum: 2100 }), month: Type.Integer({ minimum: 1, maximum: 12 }) }),
      response: { 200: Type.Object({ items: Type.Array(DayInfoSchema) }) },
    },
  }, async (req) => ({ items: await calendar.month(req.params.year, req.params.month) }));

  app.get('/api/calendar/add-working-days', {
    config: { access: 'authenticated' },
    schema: {
      tags,
      summary: '日期加 N 个工作日 / A date plus N working days',
      querystring: Strict({ from: Day, days: Type.Integer({ minimum: -100000, maximum: 100000 }) }),
      response: { 200: Type.Object({ from: Type.String(), days: Type.Integer(), date: Type.String() }) },
    },
  }, async (req) => calendar.addWorkingDays(req.query.from, req.query.days));

  app.get('/api/calendar/working-days-between', {
    config: { access: 'authenticated' },
    schema: {
      tags,
      summary: '两个时间之间的工作日数 / Working days between two times',
      querystring: Strict({ from: Type.String({ maxLength: 40 }), to: Type.String({ maxLength: 40 }) }),
      response: { 200: Type.Object({ from: Type.String(), to: Type.String(), workingDays: Type.Integer() }) },
    },
  }, async (req) => calendar.workingDaysBetween(req.query.from, req.query.to));

  app.get('/api/calendar/deadline', {
    config: { access: 'authenticated' },
    schema: {
      tags,
      summary: '时限截止时间 / Deadline of a time limit in working days',
      description: '起算当日不计入；下班后（17:30）或非工作日收到的，视为下一个工作日收到。The start day is not counted; a start after office hours or on a non-working day counts from the next working day.',
      querystring: Strict({ start: Type.String({ maxLength: 40 }), days: Type.Integer({ minimum: 0, maximum: 100000 }) }),
      response: {
        200: Type.Object({
          start: Type.String(),
          days: Type.Integer(),
          receivedOn: Type.String(),
          effectiveStart: Type.String(),
          firstCountedDay: Type.String(),
          deadline: Type.String(),
          deadlineDate: Type.String(),
          missingYears: Type.Array(Type.Integer()),
        }),
      },
    },
  }, async (req) => calendar.deadline(req.query.start, req.query.days));
}
