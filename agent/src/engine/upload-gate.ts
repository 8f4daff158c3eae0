// The tasks of one agent share its link to the center. Each task uploads its batches one at a time
// in sequence order; across tasks, at most `slots` uploads run at once and a waiting upload of a
// higher-priority task (strategy.priority, 9 highest) goes before a lower one, then first come,
// first served. So a large low-priority load does not hold up a small urgent task.
export const UPLOAD_SLOTS = 2;

interface Waiter {
  priority: number;
  order: number;
  grant: () => void;
}

export class UploadGate {
  #free: number;
  readonly #waiting: Waiter[] = [];
  #order = 0;

  constructor(slots = UPLOAD_SLOTS) {
    this.#free = slots;
  }

  /** Resolves with the function that gives the slot back (call it once the upload is over). */
  async acquire(priority: number, signal?: AbortSignal): Promise<() => void> {
    if (this.#free > 0 && this.#waiting.length === 0) {
      this.#free--;
      return this.#releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const w: Waiter = { priority, order: this.#order++, grant: resolve };
      const at = this.#waiting.findIndex((o) => o.priority < priority);
      this.#waiting.splice(at < 0 ? this.#waiting.length : at, 0, w);
      signal?.addEventListener('abort', () => {
        const i = this.#waiting.indexOf(w);
        if (i < 0) return; // granted already: the caller releases it
        this.#waiting.splice(i, 1);
        reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
      }, { once: true });
    });
    return this.#releaser();
  }

  /** Uploads waiting for a slot (for status and tests). */
  get waiting(): number {
    return this.#waiting.length;
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next.grant();
      else this.#free++;
    };
  }
}
