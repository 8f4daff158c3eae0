// The progress display of `sync --once` on stderr: a bar redrawn in place on a terminal, plain
// lines every few seconds otherwise (logs, CI), so a redirected stderr is still readable.

export interface ProgressState {
  done: number;
  total: number | null;
  elapsedMs: number;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** h:mm:ss or m:ss. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function rateOf(p: ProgressState): number {
  return p.elapsedMs > 0 ? (p.done * 1000) / p.elapsedMs : 0;
}

/** Seconds left at the average rate so far; null when it cannot be known. */
export function etaSeconds(p: ProgressState): number | null {
  if (p.total === null) return null;
  if (p.done >= p.total) return 0;
  const rate = rateOf(p);
  return rate > 0 ? (p.total - p.done) / rate : null;
}

export function progressLine(p: ProgressState, opts: { unit?: string; barWidth?: number } = {}): string {
  const unit = opts.unit ?? 'rows';
  const width = opts.barWidth ?? 24;
  const rate = `${formatCount(rateOf(p))} ${unit}/s`;
  if (p.total === null) return `${formatCount(p.done)} ${unit}  ${rate}  ${formatDuration(p.elapsedMs / 1000)} elapsed`;
  // A count that was an estimate may be passed; the bar then stays full rather than overflowing.
  const total = Math.max(p.total, p.done);
  const ratio = total === 0 ? 1 : p.done / total;
  const filled = Math.round(ratio * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const eta = etaSeconds({ ...p, total });
  return `${bar} ${formatCount(p.done)}/${formatCount(total)} ${unit}  ${(ratio * 100).toFixed(1)}%  ${rate}  ETA ${eta === null ? '--:--' : formatDuration(eta)}`;
}

export interface ProgressStream {
  isTTY?: boolean;
  write(chunk: string): unknown;
}

export class ProgressReporter {
  readonly #out: ProgressStream;
  readonly #now: () => number;
  readonly #unit: string;
  readonly #start: number;
  readonly #lineEveryMs: number;
  #done = 0;
  #total: number | null = null;
  #lastDraw = 0;
  #drawn = false;

  constructor(out: ProgressStream, opts: { unit?: string; now?: () => number; lineEveryMs?: number } = {}) {
    this.#out = out;
    this.#now = opts.now ?? Date.now;
    this.#unit = opts.unit ?? 'rows';
    this.#start = this.#now();
    this.#lineEveryMs = opts.lineEveryMs ?? 2000;
  }

  get state(): ProgressState {
    return { done: this.#done, total: this.#total, elapsedMs: this.#now() - this.#start };
  }

  setTotal(total: number | null) {
    this.#total = total;
    this.#draw(true);
  }

  done(n: number) {
    this.#done += n;
    this.#draw(false);
  }

  /** A message between progress updates (a retry, a pause). */
  note(message: string) {
    if (this.#out.isTTY && this.#drawn) this.#out.write('\r\x1b[K');
    this.#out.write(`${message}\n`);
    this.#drawn = false;
    this.#draw(true);
  }

  finish() {
    this.#draw(true);
    if (this.#out.isTTY && this.#drawn) this.#out.write('\n');
    this.#drawn = false;
  }

  #draw(force: boolean) {
    const now = this.#now();
    const every = this.#out.isTTY ? 100 : this.#lineEveryMs;
    if (!force && now - this.#lastDraw < every) return;
    this.#lastDraw = now;
    const line = progressLine(this.state, { unit: this.#unit });
    if (this.#out.isTTY) {
      this.#out.write(`\r${line}\x1b[K`);
      this.#drawn = true;
    } else {
      this.#out.write(`${line}\n`);
    }
  }
}
