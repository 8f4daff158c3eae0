import { api } from './client';
import type { CalendarDay, CalendarYear, CalendarYearSummary, DeadlineResult } from './types';

export const calendarApi = {
  years: () => api.get<{ items: CalendarYearSummary[] }>('/api/calendar/years'),
  year: (year: number) => api.get<CalendarYear>(`/api/calendar/years/${year}`),
  saveYear: (year: number, body: CalendarYear) => api.put<CalendarYear>(`/api/calendar/years/${year}`, body),
  month: (year: number, month: number) => api.get<{ items: CalendarDay[] }>(`/api/calendar/months/${year}/${month}`),
  deadline: (start: string, days: number) => api.get<DeadlineResult>('/api/calendar/deadline', { start, days }),
};
