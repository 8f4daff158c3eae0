import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type Database } from './database.ts';
import { migrate, migrationStatus } from './migrator.ts';

/**
 * The embedded database has one session. These tests prove that concurrent transactions through
 * Kysely do not share it (ADR 0003): a rollback in one never undoes another's work.
 */
let database: Database;
beforeAll(async () => {
  database = await openDatabase({ dataDir: 'memory://' });
  await database.executeSql('CREATE TABLE t (id int PRIMARY KEY, note text)');
});
afterAll(async () => database?.close());

const count = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM t`.execute(database.db)).rows[0].n);

describe('PGlite through Kysely', () => {
  it('keeps concurrent transactions apart: one rolls back, the other commits', async () => {
    const failing = database.db.transaction().execute(async (trx) => {
      await sql`INSERT INTO t VALUES (1, 'rolled back')`.execute(trx);
      await new Promise((r) => setTimeout(r, 20));
      throw new Error('boom');
    });
    const succeeding = database.db.transaction().execute(async (trx) => {
      await sql`INSERT INTO t VALUES (2, 'committed')`.execute(trx);
    });
    await expect(failing).rejects.toThrow('boom');
    await succeeding;
    const rows = (await sql<{ id: number }>`SELECT id FROM t ORDER BY id`.execute(database.db)).rows;
    expect(rows.map((r) => r.id)).toEqual([2]);
  });

  it('runs many concurrent transactions without losing or mixing any', async () => {
    const before = await count();
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        database.db.transaction().execute(async (trx) => {
          await sql`INSERT INTO t VALUES (${100 + i}, 'x')`.execute(trx);
          if (i % 5 === 0) throw new Error('undo');
        }).catch(() => {}),
      ),
    );
    expect(await count()).toBe(before + 40);
  });

  it('keeps raw SQL (pg-boss style) out of an open transaction', async () => {
    let raw: Promise<unknown> | null = null;
    await database.db
      .transaction()
      .execute(async (trx) => {
        await sql`INSERT INTO t VALUES (500, 'in trx')`.execute(trx);
        raw = database.executeSql('INSERT INTO t VALUES ($1, $2)', [501, 'raw']);
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('undo');
      })
      .catch(() => {});
    await raw;
    const ids = (await sql<{ id: number }>`SELECT id FROM t WHERE id >= 500`.execute(database.db)).rows.map((r) => r.id);
    expect(ids).toEqual([501]);
  });

  it('returns int8 values as numbers', async () => {
    const r = await sql<{ n: number }>`SELECT 9007199254740::int8 AS n`.execute(database.db);
    expect(r.rows[0].n).toBe(9007199254740);
  });
});

describe('migrations', () => {
  it('applies every migration once and reports none pending', async () => {
    const fresh = await openDatabase({ dataDir: 'memory://' });
    try {
      const applied = await migrate(fresh);
      expect(applied.length).toBeGreaterThanOrEqual(5);
      expect(await migrate(fresh)).toEqual([]);
      const status = await migrationStatus(fresh);
      expect(status.pending).toEqual([]);
      expect(status.changed).toEqual([]);
      expect(status.applied).toEqual(applied);
    } finally {
      await fresh.close();
    }
  });
});

describe('the embedded session lock', () => {
  it('fails loudly instead of hanging when a query waits on its own open transaction, and recovers', async () => {
    const { SessionLock } = await import('./pglite-dialect.ts');
    const lock = new SessionLock(100);
    const release = await lock.acquire();
    await expect(lock.acquire()).rejects.toThrow(/outside its open transaction/);
    release();
    const again = await lock.acquire();
    again();
    await expect(lock.run(async () => 42)).resolves.toBe(42);
  });
});
