/**
 * A periodic background task that never overlaps itself and never lets an error escape: the next
 * tick tries again. Several servers may run the same task; the task itself takes the database lock
 * it needs (see docs/adr/0004-background-jobs.md).
 */
export interface Logger {
  error(obj: object, msg?: string): void;
  info?(obj: object, msg?: string): void;
}

export function every(name: string, intervalMs: number, task: () => Promise<unknown>, log: Logger) {
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = task()
      .catch((err) => log.error({ err, job: name }, `background job ${name} failed`))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    /** Stops the schedule and waits for a run in progress. */
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
    runNow: async () => {
      while (running) await running;
      tick();
      await running;
    },
  };
}
