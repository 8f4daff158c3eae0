// A loop that sleeps until something it waits for happens (a batch sent, new config) or a timeout.
export class Wakeup {
  #waiters: (() => void)[] = [];

  notify() {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  /** Resolves on notify(), after `ms`, or when `signal` aborts. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.#waiters = this.#waiters.filter((f) => f !== done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
      this.#waiters.push(done);
    });
  }
}
