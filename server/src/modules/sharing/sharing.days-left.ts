import type { CalendarService } from '../calendar/index.ts';
import type { RequestDto } from './sharing.service.ts';

/**
 * Adds to requests still waiting for the provider the working days left until the deadline (the
 * day of `now` not counted, the deadline day counted; 0 on the deadline day, negative once
 * overdue), from the working calendar; null once answered. Read after the use case, outside any
 * transaction (the calendar reads through its own connection, docs/adr/0003).
 */
export async function withDaysLeft<T extends RequestDto>(calendar: CalendarService, dtos: T[], now: Date): Promise<(T & { workingDaysLeft: number | null })[]> {
  const cal = dtos.some((d) => d.status === 'pending') ? await calendar.calendar() : null;
  return dtos.map((d) => ({ ...d, workingDaysLeft: cal && d.status === 'pending' ? cal.workingDaysBetween(now, new Date(d.deadline)) : null }));
}

export const oneWithDaysLeft = async <T extends RequestDto>(calendar: CalendarService, dto: T, now: Date) => (await withDaysLeft(calendar, [dto], now))[0];
