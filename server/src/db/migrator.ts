import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Database } from './database.ts';

const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

/** Plain SQL migrations, applied in file-name order, each in its own transaction, never edited. */
export function migrationFiles(dir = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => {
      const text = readFileSync(join(dir, name), 'utf8');
      return { name, sql: text, checksum: createHash('sha256').update(text).digest('hex') };
    });
}

async function ensureTable(database: Database) {
  await database.executeSql(
    `CREATE TABLE IF NOT EXISTS public.zt_migration (
       name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Applied migrations whose file changed since: a release was edited after it shipped. */
  changed: string[];
}

export async function migrationStatus(database: Database): Promise<MigrationStatus> {
  await ensureTable(database);
  const rows = await database.db.selectFrom('public.zt_migration').select(['name', 'checksum']).execute();
  const applied = new Map(rows.map((r) => [r.name, r.checksum]));
  const files = migrationFiles();
  return {
    applied: files.filter((f) => applied.has(f.name)).map((f) => f.name),
    pending: files.filter((f) => !applied.has(f.name)).map((f) => f.name),
    changed: files.filter((f) => applied.has(f.name) && applied.get(f.name) !== f.checksum).map((f) => f.name),
  };
}

/**
 * Applies pending migrations. On PostgreSQL an advisory lock, held on one pinned connection, keeps
 * two servers starting at once from applying the same file twice.
 */
export async function migrate(database: Database, log: (msg: string) => void = () => {}): Promise<string[]> {
  await ensureTable(database);
  const apply = async () => {
    const { pending, changed } = await migrationStatus(database);
    if (changed.length) log(`warning: applied migrations changed since they ran: ${changed.join(', ')}`);
    const files = migrationFiles().filter((f) => pending.includes(f.name));
    for (const file of files) {
      const insert = `INSERT INTO public.zt_migration (name, checksum) VALUES ('${file.name.replace(/'/g, "''")}', '${file.checksum}');`;
      await database.runScript(`${file.sql}\n;${insert}`);
      log(`applied migration ${file.name}`);
    }
    return files.map((f) => f.name);
  };
  if (database.kind !== 'postgres') return apply();
  const lockKey = 0x7a68656e; // "zhen"
  return database.db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${lockKey})`.execute(conn);
    try {
      return await apply();
    } finally {
      await sql`SELECT pg_advisory_unlock(${lockKey})`.execute(conn);
    }
  });
}
