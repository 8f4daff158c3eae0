// The agent's PGlite state database, run in a worker thread. In the agent's own thread, PGlite's
// WebAssembly heap and the thousands of buffers of its in-memory file system made every garbage
// collection of the agent's busy streams several times dearer: at a million rows each agent spent
// about 0.6 CPU-seconds in the collector (bench/README.md). The worker keeps them in a heap of their
// own. Queries go one at a time; a transaction holds the database until it ends.
import { Worker } from 'node:worker_threads';
import { Mutex } from './mutex.ts';

export type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Queryable {
  query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<{ rows: T[]; affectedRows: number }>;
}

type Reply = { id: number; ready?: boolean; rows?: Row[]; affectedRows?: number; error?: { message: string; code?: string } };

export class StateDbError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'StateDbError';
    this.code = code;
  }
}

export class StateDb implements Queryable {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  readonly #mutex = new Mutex();
  #nextId = 1;
  #dead: Error | null = null;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (reply: Reply) => {
      const p = this.#pending.get(reply.id);
      if (!p) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      p.resolve(reply);
    });
    const die = (err: Error) => {
      this.#dead ??= err;
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
    worker.on('error', die);
    worker.on('exit', (code) => die(new StateDbError(`the state database worker exited (code ${code})`)));
  }

  /** Opens (creating if needed) the PGlite database in `dataDir`. */
  static async open(dataDir: string): Promise<StateDb> {
    const worker = new Worker(new URL('./db-worker.ts', import.meta.url), { workerData: { dataDir } });
    const first = await new Promise<Reply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new StateDbError(`the state database worker exited (code ${code}) while opening ${dataDir}`)));
    });
    if (first.error) {
      await worker.terminate();
      throw new StateDbError(`cannot open the state database in ${dataDir}: ${first.error.message}`, first.error.code);
    }
    worker.unref();
    return new StateDb(worker);
  }

  query<T extends Row = Row>(sql: string, params: unknown[] = []): Promise<{ rows: T[]; affectedRows: number }> {
    return this.#mutex.run(() => this.#send<T>('query', sql, params));
  }

  async exec(sql: string): Promise<void> {
    await this.#mutex.run(() => this.#send('exec', sql));
  }

  /** BEGIN … COMMIT around `fn`, ROLLBACK when it throws; nothing else runs on the database meanwhile. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.#mutex.run(async () => {
      await this.#send('query', 'BEGIN');
      try {
        const result = await fn({ query: (sql, params = []) => this.#send('query', sql, params) });
        await this.#send('query', 'COMMIT');
        return result;
      } catch (err) {
        await this.#send('query', 'ROLLBACK').catch(() => {});
        throw err;
      }
    });
  }

  async close(): Promise<void> {
    if (this.#dead) return;
    await this.#mutex.run(() => this.#send('close'));
    await this.#worker.terminate();
  }

  #send<T extends Row = Row>(op: 'query' | 'exec' | 'close', sql?: string, params?: unknown[]): Promise<{ rows: T[]; affectedRows: number }> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise<Reply>((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, op, sql, params });
    }).then((reply) => {
      if (reply.error) throw new StateDbError(reply.error.message, reply.error.code);
      return { rows: (reply.rows ?? []) as T[], affectedRows: reply.affectedRows ?? 0 };
    });
  }
}
