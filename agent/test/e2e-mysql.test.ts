// A MariaDB source to a PostgreSQL target through the center, agents as child processes: the CSV
// a MariaDB source writes loads into PostgreSQL unchanged (NULL vs empty string, quotes, newlines,
// Chinese text), and a masked field arrives masked.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskBody } from '../../server/test/exchange/helpers.ts';
import { createMyDatabase, MY_ADMIN } from './connectors/scratch.ts';
import { World } from './e2e-helpers.ts';

const w = new World();
let my: { database: string; drop: () => Promise<void> };
let conn: mysql.Connection;

beforeAll(async () => {
  await w.start();
  my = await createMyDatabase('zt_agent_e2e_my');
  conn = await mysql.createConnection({ ...MY_ADMIN, database: my.database, multipleStatements: false });
  await conn.query(`CREATE TABLE enterprise (uscc VARCHAR(18) PRIMARY KEY, ent_name VARCHAR(200) NULL, updated_at DATETIME(6) NOT NULL)`);
  const rows: [string, string | null, string][] = [];
  for (let i = 1; i <= 1200; i++) {
    const name = i % 50 === 0 ? null : i % 49 === 0 ? '' : `企业 "${i}",\n南昌 ${'x'.repeat(i % 7)}`;
    rows.push([`9136010${String(i).padStart(11, '0')}`, name, `2026-01-01 00:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(6, '0')}`]);
  }
  await conn.query(`INSERT INTO enterprise (uscc, ent_name, updated_at) VALUES ?`, [rows]);
  await w.dst.query(`CREATE TABLE enterprise_copy (uscc text PRIMARY KEY, name text)`).catch(() => {});
}, 180_000);

afterAll(async () => {
  await conn?.end();
  await my?.drop();
  await w.stop();
});

describe('MariaDB source to PostgreSQL target', () => {
  it('arrives complete and exact, with the mask applied at the source', async () => {
    const srcConf = w.writeConfig('mysrc', 'legacy', `mysql://${MY_ADMIN.user}:@${MY_ADMIN.host}:${MY_ADMIN.port}/${my.database}`, w.centerUrl, 'mysql');
    const dstConf = w.writeConfig('pgdst', 'warehouse', w.dstDb.url);
    expect((await w.agent(srcConf, 'enrol', '--center', w.centerUrl, '--token', w.cast.source.token).done).code).toBe(0);
    expect((await w.agent(dstConf, 'enrol', '--center', w.centerUrl, '--token', w.cast.target.token).done).code).toBe(0);
    const body = taskBody(w.cast, {
      source: { connection: 'legacy', table: 'enterprise', query: null, keyColumns: ['uscc'], incremental: { column: 'updated_at', kind: 'timestamp' } },
      fields: [{ field: 'uscc', mask: { keepStart: 6, keepEnd: 4 } }, { field: 'name', column: 'ent_name' }],
      strategy: { batchSize: 400, maxInFlight: 2 },
    });
    const res = await w.cast.provider.post('/api/exchange/tasks', body);
    expect(res.status, res.text).toBe(201);
    const taskId = res.body.id;

    const conns = await w.agent(srcConf, 'test-connection').done;
    expect(conns.code, conns.out + conns.err).toBe(0);
    expect(conns.out).toMatch(/legacy\s+mysql\s+ok\s+\S+/);

    const up = await w.agent(srcConf, 'sync', '--task', taskId, '--once').done;
    expect(up.code, up.err).toBe(0);
    expect(up.out).toMatch(/1200 row\(s\) uploaded/);
    const down = await w.agent(dstConf, 'sync', '--task', taskId, '--once').done;
    expect(down.code, down.err).toBe(0);

    const [src] = (await conn.query(`SELECT uscc, ent_name FROM enterprise ORDER BY uscc`)) as unknown as [{ uscc: string; ent_name: string | null }[]];
    const dst = (await w.dst.query(`SELECT uscc, name FROM enterprise_copy ORDER BY uscc`)).rows as { uscc: string; name: string | null }[];
    expect(dst).toHaveLength(1200);
    const masked = (u: string) => u.slice(0, 6) + '*'.repeat(u.length - 10) + u.slice(-4);
    expect(dst).toEqual(src.map((r) => ({ uscc: masked(r.uscc), name: r.ent_name })));
    expect(dst.filter((r) => r.name === null)).toHaveLength(24);
    expect(dst.filter((r) => r.name === '')).toHaveLength(24);
  }, 180_000);
});
