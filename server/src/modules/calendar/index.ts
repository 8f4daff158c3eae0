/** The calendar module's public API: the working calendar every deadline is computed with. */
export { CalendarService } from './calendar.service.ts';
export { calendarRoutes } from './calendar.routes.ts';
