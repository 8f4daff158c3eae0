/**
 * The one source of "now". Tests and benchmarks replace it to move time (lockouts, session
 * timeouts, deadlines) without sleeping.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock a test can set and advance. */
export function manualClock(start: Date = new Date()) {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    set(d: Date) {
      current = d.getTime();
    },
    advance(ms: number) {
      current += ms;
    },
  };
}
