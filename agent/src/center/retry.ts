// Back-off for calls to the center: the agent outlives any outage and resumes by itself.
import { CenterError, CredentialRevokedError, isTransient } from './errors.ts';

/** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** 1 s, 2 s, 4 s … capped, with jitter so a restarted center is not hit by every agent at once. */
export function backoffMs(attempt: number, capMs = 60_000): number {
  const base = Math.min(capMs, 1000 * 2 ** Math.min(attempt, 16));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

export class AbortedError extends Error {
  constructor() {
    super('stopped');
    this.name = 'AbortedError';
  }
}

/**
 * Runs `fn` until it succeeds or fails with a non-transient error. Each attempt is a new request
 * (new timestamp and nonce). 429 waits Retry-After. Aborting ends the wait with AbortedError.
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  opts: { signal?: AbortSignal; onRetry?: (err: unknown, attempt: number, delayMs: number) => void; capMs?: number } = {},
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    if (opts.signal?.aborted) throw new AbortedError();
    try {
      return await fn();
    } catch (err) {
      if (err instanceof CredentialRevokedError || !isTransient(err)) throw err;
      const delay = err instanceof CenterError && err.retryAfter !== null ? err.retryAfter * 1000 : backoffMs(attempt, opts.capMs);
      opts.onRetry?.(err, attempt, delay);
      await sleep(delay, opts.signal);
    }
  }
}
