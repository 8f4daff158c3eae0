// When a source task runs (§2 schedule and strategy.window). Windows are China Standard Time
// (UTC+8, no daylight saving) whatever the machine's time zone.
import { CronExpressionParser } from 'cron-parser';
import type { Schedule, SourceTask } from '../center/types.ts';

const CST_OFFSET_MIN = 8 * 60;

function minutesOf(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!m || Number(m[1]) > 24 || Number(m[2]) > 59) throw new Error(`window time must be HH:MM, got "${hhmm}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** True when `now` is inside the window (a window may wrap midnight, e.g. 22:00–06:00). */
export function inWindow(window: SourceTask['strategy']['window'], now: Date = new Date()): boolean {
  if (!window) return true;
  const from = minutesOf(window.from);
  const to = minutesOf(window.to);
  if (from === to) return true;
  const cst = (now.getUTCHours() * 60 + now.getUTCMinutes() + CST_OFFSET_MIN) % 1440;
  return from < to ? cst >= from && cst < to : cst >= from || cst < to;
}

/** Milliseconds until the window opens next (0 when open). */
export function msUntilWindow(window: SourceTask['strategy']['window'], now: Date = new Date()): number {
  if (inWindow(window, now)) return 0;
  const from = minutesOf(window!.from);
  const cstMs = (now.getTime() + CST_OFFSET_MIN * 60_000) % 86_400_000;
  let wait = from * 60_000 - cstMs;
  if (wait <= 0) wait += 86_400_000;
  return wait;
}

/**
 * When the next run starts, given the previous run's start (null = never ran here).
 * A cron run missed while the agent was down is made up once at start.
 */
export function nextRunAt(schedule: Schedule, lastRunAt: Date | null, now: Date = new Date()): Date {
  switch (schedule.kind) {
    case 'continuous':
      return lastRunAt ? new Date(lastRunAt.getTime() + Math.max(0.1, schedule.pollSeconds) * 1000) : now;
    case 'interval':
      return lastRunAt ? new Date(lastRunAt.getTime() + Math.max(1, schedule.seconds) * 1000) : now;
    case 'cron': {
      const from = lastRunAt ?? now;
      const next = CronExpressionParser.parse(schedule.expression, { currentDate: from, tz: 'Asia/Shanghai' }).next().toDate();
      return next;
    }
  }
}

export function describeSchedule(s: Schedule): string {
  if (s.kind === 'continuous') return `continuous (every ${s.pollSeconds}s)`;
  if (s.kind === 'interval') return `every ${s.seconds}s`;
  return `cron "${s.expression}" (CST)`;
}
