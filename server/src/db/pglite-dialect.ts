import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';

/**
 * A tiny async mutex. PGlite is one Postgres backend with one session: two requests that both
 * `BEGIN` on it would share one transaction. Every user of the PGlite instance (Kysely, pg-boss,
 * migrations) takes this lock for as long as it holds the session. See docs/adr/0003.
 */
export class SessionLock {
  #tail: Promise<void> = Promise.resolve();
  readonly #timeoutMs: number;

  /**
   * A wait longer than `timeoutMs` is a bug, not load: typically a query sent through `db` while a
   * transaction of the same request is open, which would otherwise hang forever. It fails loudly.
   */
  constructor(timeoutMs = 60_000) {
    this.#timeoutMs = timeoutMs;
  }

  async acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const prev = this.#tail;
    this.#tail = prev.then(() => next);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`embedded database busy for ${this.#timeoutMs} ms: is a query running outside its open transaction?`)),
        this.#timeoutMs,
      );
      timer.unref();
    });
    try {
      await Promise.race([prev, timedOut]);
    } catch (err) {
      // Give up our turn without blocking those queued behind us.
      void prev.then(release);
      throw err;
    } finally {
      clearTimeout(timer);
    }
    return release;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

class PGliteConnection implements DatabaseConnection {
  readonly #client: PGlite;
  constructor(client: PGlite) {
    this.#client = client;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const res = await this.#client.query<R>(compiled.sql, [...compiled.parameters]);
    const affected = res.affectedRows;
    return {
      rows: res.rows,
      ...(affected !== undefined && /^\s*(insert|update|delete|merge)/i.test(compiled.sql)
        ? { numAffectedRows: BigInt(affected) }
        : {}),
    };
  }

  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming is not supported on the embedded database');
  }
}

class PGliteDriver implements Driver {
  readonly #client: PGlite;
  readonly #lock: SessionLock;
  readonly #releases = new WeakMap<DatabaseConnection, () => void>();

  constructor(client: PGlite, lock: SessionLock) {
    this.#client = client;
    this.#lock = lock;
  }

  async init() {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.#lock.acquire();
    const conn = new PGliteConnection(this.#client);
    this.#releases.set(conn, release);
    return conn;
  }

  async beginTransaction(conn: DatabaseConnection) {
    await conn.executeQuery(CompiledQuery.raw('BEGIN'));
  }
  async commitTransaction(conn: DatabaseConnection) {
    await conn.executeQuery(CompiledQuery.raw('COMMIT'));
  }
  async rollbackTransaction(conn: DatabaseConnection) {
    await conn.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }
  async releaseConnection(conn: DatabaseConnection) {
    this.#releases.get(conn)?.();
    this.#releases.delete(conn);
  }
  async destroy() {}
}

export class PGliteDialect implements Dialect {
  readonly #client: PGlite;
  readonly #lock: SessionLock;
  constructor(client: PGlite, lock: SessionLock) {
    this.#client = client;
    this.#lock = lock;
  }
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver() {
    return new PGliteDriver(this.#client, this.#lock);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db);
  }
}
