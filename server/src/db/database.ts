import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.ts';

// Re-exported for tooling outside the server workspace (benchmarks), which has no kysely of its own.
export { sql, type Insertable, type Kysely } from 'kysely';
import { PGliteDialect, SessionLock } from './pglite-dialect.ts';

// int8 (bigserial ids, counts) as JS numbers: every value we store stays far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  kind: DatabaseKind;
  /** Runs a multi-statement SQL script in one transaction (migrations). */
  runScript(sql: string): Promise<void>;
  /** Raw parameterised SQL outside Kysely (pg-boss), serialised with everything else on PGlite. */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… ; when absent the embedded PGlite is used. */
  url?: string;
  /** PGlite data directory, or 'memory://' for a throw-away database. */
  dataDir?: string;
  poolSize?: number;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  return opts.url ? openPostgres(opts.url, opts.poolSize ?? 10) : openPglite(opts.dataDir ?? 'memory://');
}

async function openPostgres(url: string, max: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    async runScript(sql) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(sql);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    async executeSql(text, values) {
      const res = await pool.query(text, values as unknown[]);
      return { rows: res.rows };
    },
    async close() {
      await db.destroy();
    },
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  if (!dataDir.includes('://')) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir, {
    parsers: { 20: (v: string) => Number(v) },
  });
  const lock = new SessionLock();
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client, lock) });
  return {
    db,
    kind: 'pglite',
    runScript: (sql) =>
      lock.run(async () => {
        await client.exec('BEGIN');
        try {
          await client.exec(sql);
          await client.exec('COMMIT');
        } catch (e) {
          await client.exec('ROLLBACK').catch(() => {});
          throw e;
        }
      }),
    executeSql: (text, values) =>
      lock.run(async () => {
        if (!values?.length) {
          const results = await client.exec(text);
          return { rows: results.at(-1)?.rows ?? [] };
        }
        const res = await client.query(text, values);
        return { rows: res.rows };
      }),
    async close() {
      await lock.run(async () => {
        await client.close();
      });
    },
  };
}
