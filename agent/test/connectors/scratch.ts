// Scratch databases for connector tests: each test file makes its own, uniquely named, and drops it.
import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import pg from 'pg';
import mysql from 'mysql2/promise';

export const PG_ADMIN_URL = process.env.ZT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const MY_ADMIN = { host: process.env.ZT_TEST_MY_HOST ?? '127.0.0.1', port: Number(process.env.ZT_TEST_MY_PORT ?? 3306), user: 'root', password: '' };

export function scratchName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export async function createPgDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = scratchName(prefix);
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    drop: async () => {
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    },
  };
}

export async function createMyDatabase(prefix: string): Promise<{ database: string; drop: () => Promise<void> }> {
  const name = scratchName(prefix);
  const admin = await mysql.createConnection(MY_ADMIN);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await admin.end();
  return {
    database: name,
    drop: async () => {
      const a = await mysql.createConnection(MY_ADMIN);
      await a.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await a.end();
    },
  };
}

/** A writable that keeps what it is given, for reading an extracted batch back. */
export function collector(): { out: PassThrough; text: () => Promise<string> } {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  return {
    out,
    text: async () => {
      out.end();
      await new Promise((r) => out.once('end', r));
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

export function bodyOf(text: string): Readable {
  return Readable.from([Buffer.from(text, 'utf8')]);
}
