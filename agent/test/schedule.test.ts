import { describe, expect, it } from 'vitest';
import { inWindow, msUntilWindow, nextRunAt } from '../src/engine/schedule.ts';

// Instants given in China Standard Time (UTC+8), whatever this machine's zone.
const cst = (s: string) => new Date(`${s}+08:00`);

describe('schedules and windows', () => {
  it('a night window wraps midnight in CST', () => {
    const night = { from: '22:00', to: '06:00' };
    expect(inWindow(night, cst('2026-11-22T23:30:00'))).toBe(true);
    expect(inWindow(night, cst('2026-11-22T05:59:00'))).toBe(true);
    expect(inWindow(night, cst('2026-11-22T06:00:00'))).toBe(false);
    expect(inWindow(night, cst('2026-11-22T12:00:00'))).toBe(false);
    expect(inWindow(null, cst('2026-11-22T12:00:00'))).toBe(true);
    expect(msUntilWindow(night, cst('2026-11-22T21:00:00'))).toBe(3_600_000);
    expect(msUntilWindow(night, cst('2026-11-22T23:00:00'))).toBe(0);
    const day = { from: '09:00', to: '17:30' };
    expect(inWindow(day, cst('2026-11-22T17:29:00'))).toBe(true);
    expect(inWindow(day, cst('2026-11-22T08:59:00'))).toBe(false);
    expect(msUntilWindow(day, cst('2026-11-22T18:00:00'))).toBe(15 * 3_600_000);
  });

  it('continuous and interval runs follow the previous run; the first runs at once', () => {
    const now = cst('2026-11-22T10:00:00');
    expect(nextRunAt({ kind: 'interval', seconds: 300 }, null, now)).toEqual(now);
    expect(nextRunAt({ kind: 'interval', seconds: 300 }, cst('2026-11-22T09:58:00'), now)).toEqual(cst('2026-11-22T10:03:00'));
    expect(nextRunAt({ kind: 'continuous', pollSeconds: 2 }, cst('2026-11-22T09:59:59'), now)).toEqual(cst('2026-11-22T10:00:01'));
  });

  it('cron expressions are China Standard Time; a run missed while down is made up once', () => {
    const now = cst('2026-11-22T10:00:00');
    expect(nextRunAt({ kind: 'cron', expression: '0 2 * * *' }, null, now)).toEqual(cst('2026-11-23T02:00:00'));
    // Last ran two days ago at 02:00: the next fire (yesterday 02:00) is past, so it is due now.
    const due = nextRunAt({ kind: 'cron', expression: '0 2 * * *' }, cst('2026-11-20T02:00:00'), now);
    expect(due.getTime()).toBeLessThanOrEqual(now.getTime());
    expect(nextRunAt({ kind: 'cron', expression: '*/15 * * * *' }, cst('2026-11-22T09:50:00'), now)).toEqual(cst('2026-11-22T10:00:00'));
  });
});
