import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { hashPassword } from '../kernel/crypto/index.ts';
import { makeUscc } from '../kernel/ids/index.ts';
import { record } from '../modules/audit/index.ts';
import { DEMO_PASSWORD, DEMO_USERS, JIANGXI_DEPARTMENTS, JIANGXI_DIVISIONS } from './jiangxi.ts';

/** GB 11714 organisation code check digit, so the demo codes look like real ones in every part. */
function orgCode(base8: string): string {
  const w = [3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...base8].reduce((s, c, i) => s + parseInt(c, 36) * w[i], 0);
  const c = 11 - (sum % 11);
  return base8 + (c === 10 ? 'X' : c === 11 ? '0' : String(c));
}

export const demoUscc = (division: string, seq: number) => makeUscc(`11${division}${orgCode(`0${String(1400000 + seq * 37).padStart(7, '0')}`)}`);

export interface SeedResult {
  seeded: boolean;
  users: { username: string; password: string; note: string }[];
}

/**
 * Loads the demo organisation once. A marker row makes a second run a no-op, even after an
 * operator deleted or renamed the demo departments.
 */
export async function seedDemo(database: Database, now = new Date()): Promise<SeedResult> {
  const users = DEMO_USERS.map((u) => ({ username: u.username, password: DEMO_PASSWORD, note: u.note }));
  const done = await sql<{ name: string }>`SELECT name FROM public.zt_seed WHERE name = 'demo'`.execute(database.db);
  if (done.rows.length) return { seeded: false, users };
  const hash = await hashPassword(DEMO_PASSWORD);
  await database.db.transaction().execute(async (trx) => {
    const paths = new Map<string, string>();
    for (const d of JIANGXI_DIVISIONS) {
      const path = `${d.parent ? paths.get(d.parent) : '/'}${d.code}/`;
      paths.set(d.code, path);
      const level = d.code.endsWith('0000') ? 'province' : d.code.endsWith('00') ? 'city' : 'county';
      await trx.insertInto('identity.division').values({ code: d.code, name: d.name, level, parent_code: d.parent ?? null, path }).onConflict((oc) => oc.doNothing()).execute();
    }
    const deptIds = new Map<string, string>();
    let seq = 0;
    for (const d of JIANGXI_DEPARTMENTS) {
      const row = await trx
        .insertInto('identity.department')
        .values({ name: d.name, short_name: d.shortName, uscc: demoUscc(d.division, ++seq), division_code: d.division, kind: d.kind, parent_id: d.parent ? deptIds.get(d.parent)! : null })
        .returning('id')
        .executeTakeFirstOrThrow();
      deptIds.set(d.key, row.id);
    }
    for (const u of DEMO_USERS) {
      const row = await trx
        .insertInto('identity.user')
        .values({
          username: u.username,
          display_name: u.displayName,
          department_id: deptIds.get(u.department)!,
          password_hash: hash,
          must_change_password: u.mustChangePassword ?? false,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.insertInto('identity.user_role').values(u.roles.map((g) => ({ user_id: row.id, role: g.role, scope: g.scope }))).execute();
    }
    await sql`INSERT INTO public.zt_seed (name) VALUES ('demo')`.execute(trx);
    await record(trx, { actor: null, ip: null, requestId: null, now }, {
      action: 'platform.seed',
      target: { type: 'seed', id: 'demo', label: '江西省演示数据 / Jiangxi demo data' },
      actorName: 'system',
      system: true,
      summary: { after: { divisions: JIANGXI_DIVISIONS.length, departments: JIANGXI_DEPARTMENTS.length, users: DEMO_USERS.length } },
    });
  });
  return { seeded: true, users };
}
