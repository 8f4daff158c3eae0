import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, type Agent, type TestApp } from '../harness.ts';
import { contentJson, summaryColumns } from '../../src/modules/catalog/catalog.repository.ts';
import { codesUpTo, SEARCH_COUNT_CAP, tokenize } from '../../src/modules/catalog/catalog.search.ts';
import type { EntryContent } from '../../src/modules/catalog/domain/entry.ts';
import { entryContent } from './helpers.ts';

/**
 * Paging search results beyond the count cap (docs/adr/0010): 1,300 entries about company
 * registration (classification 102, early in code order) and 400 about discharge permits (210,
 * late in code order) are written straight into the tables, in shuffled order, 10 % of them drafts.
 * Every page the API returns must be exactly the page of the full, sorted list of matches.
 */
let t: TestApp;
let outsider: Agent;
let officer: Agent;

const REGISTRATIONS = 1300;
const PERMITS = 400;

/** A deterministic shuffle, so a failure can be reproduced. */
function shuffled<T>(items: T[]): T[] {
  let s = 7;
  const rand = () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

beforeAll(async () => {
  t = await createTestApp();
  outsider = await t.login('sr_admin');
  officer = await t.login('nc_officer');
  const db = t.database.db;
  const me = await db.selectFrom('identity.user').select('department_id').where('username', '=', 'nc_officer').executeTakeFirstOrThrow();
  const make = (cls: string, name: string, summary: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({ code: `${cls.padEnd(9, '0')}/${String(i + 1).padStart(6, '0')}`, content: entryContent({ classificationCode: cls, name, summary }) as unknown as EntryContent }));
  const entries = shuffled([
    ...make('102', '企业登记信息', '市场主体登记注册信息', REGISTRATIONS),
    ...make('210', '排污许可信息', '排污单位许可证及排放口信息', PERMITS),
  ]);
  const now = new Date('2026-01-05T00:00:00Z');
  for (let done = 0; done < entries.length; done += 500) {
    const batch = entries.slice(done, done + 500).map((e, i) => ({ ...e, id: randomUUID(), draft: (done + i) % 10 === 9 }));
    await db
      .insertInto('catalog.resource')
      .values(batch.map((e) => ({
        id: e.id,
        code: e.code,
        provider_department_id: me.department_id,
        ...summaryColumns(e.content),
        status: e.draft ? ('draft' as const) : ('published' as const),
        latest_version: 1,
        published_version: e.draft ? null : 1,
        is_base: true,
        created_at: now,
        updated_at: now,
        published_at: e.draft ? null : now,
      })))
      .execute();
    await db
      .insertInto('catalog.resource_version')
      .values(batch.map((e) => ({ resource_id: e.id, version: 1, content: contentJson(e.content), state: e.draft ? 'draft' : 'published', created_by: 'test', created_at: now, updated_at: now })))
      .execute();
  }
  await sql`ANALYZE catalog.resource`.execute(db);
});
afterAll(async () => t?.close());

/** Every match, in code order, straight from the table: published ones, or also the drafts. */
async function expected(q: string, drafts: boolean): Promise<string[]> {
  const rows = await t.database.db
    .selectFrom('catalog.resource')
    .select('code')
    .where(sql<boolean>`search_tokens @> ${sql.val(tokenize(q))}::text[]`)
    .$if(!drafts, (b) => b.where('status', '=', 'published'))
    .orderBy(sql`code COLLATE "C"`)
    .execute();
  return rows.map((r) => r.code);
}

const page = async (agent: Agent, q: string, n: number, size = 20) => {
  const res = await agent.get(`/api/catalog/resources?q=${encodeURIComponent(q)}&page=${n}&pageSize=${size}`);
  expect(res.status, res.text).toBe(200);
  return res.body as { items: { code: string }[]; total: number; totalIsEstimate: boolean; page: number; pageSize: number };
};

describe('search paging beyond the count cap', () => {
  it('selects exactly the codes up to a bound with the code prefixes', () => {
    const codes = Array.from({ length: 3000 }, (_, i) => `${['101', '102', '207', '210', '301001'][i % 5].padEnd(9, '0')}/${String((i * 7919) % 1000000).padStart(6, '0')}`);
    for (const bound of ['102000000/000001', '207000000/004242', '210000000/999999', '101000000/000000', codes[1234]]) {
      const wanted = new Set(codesUpTo(bound));
      const selected = codes.filter((c) => Array.from({ length: c.length }, (_, i) => c.slice(0, i + 1)).some((p) => wanted.has(p)));
      expect(selected.sort()).toEqual(codes.filter((c) => c <= bound).sort());
    }
  });

  it('counts up to the cap, then says "more than"', async () => {
    const all = await expected('信息', false);
    expect(all.length).toBeGreaterThan(SEARCH_COUNT_CAP);
    const first = await page(outsider, '信息', 1);
    expect(first).toMatchObject({ total: SEARCH_COUNT_CAP, totalIsEstimate: true, page: 1, pageSize: 20 });
    expect(first.items.map((r) => r.code)).toEqual(all.slice(0, 20));
  });

  it('gives exact counts below the cap', async () => {
    const permits = await expected('排污许可', false);
    expect(permits.length).toBeLessThan(SEARCH_COUNT_CAP);
    const res = await page(outsider, '排污许可', 2);
    expect(res).toMatchObject({ total: permits.length, totalIsEstimate: false });
    expect(res.items.map((r) => r.code)).toEqual(permits.slice(20, 40));
    const all = await outsider.get('/api/catalog/resources?classificationCode=210&pageSize=500');
    expect(all.body).toMatchObject({ total: permits.length, totalIsEstimate: false });
  });

  it('returns the same pages as sorting every match, early and late in code order, with drafts for their department', async () => {
    for (const [agent, drafts] of [[outsider, false], [officer, true]] as const) {
      for (const q of ['信息', '登记', '企业 登记', '许可']) {
        const all = await expected(q, drafts);
        for (const n of [1, 2, 7, 33]) {
          const res = await page(agent, q, n);
          expect(res.items.map((r) => r.code), `${q} page ${n}`).toEqual(all.slice((n - 1) * 20, n * 20));
        }
      }
    }
  });

  it('lets the pager go on past the cap, and counts exactly near the end', async () => {
    const all = await expected('信息', false);
    const p50 = await page(outsider, '信息', 50);
    expect(p50.items.map((r) => r.code)).toEqual(all.slice(980, 1000));
    // Two pages past the one asked for are always counted, so the next page is always offered.
    expect(p50.total).toBeGreaterThanOrEqual(1020);
    const p51 = await page(outsider, '信息', 51);
    expect(p51.items.map((r) => r.code)).toEqual(all.slice(1000, 1020));
    const last = Math.ceil(all.length / 20);
    const end = await page(outsider, '信息', last);
    expect(end).toMatchObject({ total: all.length, totalIsEstimate: false });
    expect(end.items.map((r) => r.code)).toEqual(all.slice((last - 1) * 20));
    expect((await page(outsider, '信息', last + 1)).items).toEqual([]);
    const big = await page(outsider, '信息', 3, 500);
    expect(big.items.map((r) => r.code)).toEqual(all.slice(1000, 1500));
  });

  it('lists without a keyword in code order too', async () => {
    const res = await outsider.get('/api/catalog/resources?page=4&pageSize=50');
    const all = await t.database.db.selectFrom('catalog.resource').select('code').where('status', '=', 'published').orderBy(sql`code COLLATE "C"`).execute();
    expect(res.body.items.map((r: { code: string }) => r.code)).toEqual(all.slice(150, 200).map((r) => r.code));
    expect(res.body).toMatchObject({ total: SEARCH_COUNT_CAP, totalIsEstimate: true });
  });
});
