import { describe, expect, it } from 'vitest';
import { etaSeconds, formatDuration, progressLine, ProgressReporter } from '../src/progress.ts';

describe('progress display', () => {
  it('formats done/total, percentage, rate and ETA', () => {
    expect(progressLine({ done: 25_000, total: 100_000, elapsedMs: 5_000 }, { barWidth: 10 })).toBe(
      '[###-------] 25,000/100,000 rows  25.0%  5,000 rows/s  ETA 0:15',
    );
    expect(progressLine({ done: 0, total: 10, elapsedMs: 0 }, { barWidth: 4 })).toBe('[----] 0/10 rows  0.0%  0 rows/s  ETA --:--');
    expect(progressLine({ done: 12, total: null, elapsedMs: 3_000 })).toBe('12 rows  4 rows/s  0:03 elapsed');
    // An estimated total that was passed keeps the bar full instead of overflowing.
    expect(progressLine({ done: 120, total: 100, elapsedMs: 1_000 }, { barWidth: 4 })).toBe('[####] 120/120 rows  100.0%  120 rows/s  ETA 0:00');
  });

  it('formats durations and ETA', () => {
    expect(formatDuration(59)).toBe('0:59');
    expect(formatDuration(3_725)).toBe('1:02:05');
    expect(formatDuration(Number.NaN)).toBe('--:--');
    expect(etaSeconds({ done: 10, total: 30, elapsedMs: 10_000 })).toBe(20);
    expect(etaSeconds({ done: 0, total: 30, elapsedMs: 10_000 })).toBeNull();
  });

  it('redraws in place on a terminal and writes throttled plain lines otherwise', () => {
    let t = 0;
    const tty: string[] = [];
    const bar = new ProgressReporter({ isTTY: true, write: (s: string) => tty.push(s) }, { now: () => t });
    bar.setTotal(100);
    t = 1000;
    bar.done(50);
    bar.note('waiting');
    bar.finish();
    expect(tty[0]).toMatch(/^\r\[-+\] 0\/100 rows/);
    expect(tty[1]).toMatch(/^\r\[#+-+\] 50\/100 rows  50\.0%  50 rows\/s  ETA 0:01\x1b\[K$/);
    expect(tty).toContain('\r\x1b[K');
    expect(tty).toContain('waiting\n');
    expect(tty.at(-1)).toBe('\n');

    t = 0;
    const plain: string[] = [];
    const lines = new ProgressReporter({ isTTY: false, write: (s: string) => plain.push(s) }, { now: () => t, lineEveryMs: 2000 });
    lines.setTotal(10);
    for (let i = 0; i < 5; i++) {
      t += 500;
      lines.done(1);
    }
    lines.finish();
    expect(plain.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    // setTotal, one throttled line at 2.0 s, finish.
    expect(plain).toHaveLength(3);
    expect(plain.at(-1)).toMatch(/^\[#+-*\] 5\/10 rows  50\.0%/);
  });
});
