import { sql } from 'kysely';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentSchema } from '../../src/modules/catalog/catalog.schemas.ts';
import { submissionErrors, type EntryContent } from '../../src/modules/catalog/domain/entry.ts';
import { DEMO_CATALOG, seedCatalogDemo } from '../../src/seed/catalog-demo.ts';
import { auditEntries, createTestApp, type Agent, type TestApp } from '../harness.ts';

/** The demo catalog that `zhengtong serve` loads (the harness itself never loads it). */
let t: TestApp;
let officer: Agent;

beforeAll(async () => {
  t = await createTestApp();
  officer = await t.login('ncsp_officer');
});
afterAll(async () => t?.close());

type Resource = { id: string; code: string; name: string; shareType: string; status: string; providerDepartmentName: string };

describe('demo catalog seed', () => {
  it('is not part of the test harness', async () => {
    expect((await officer.get('/api/catalog/resources')).body.total).toBe(0);
  });

  it('publishes every demo entry through the catalog service', async () => {
    const result = await seedCatalogDemo(t.database, t.clock.now());
    expect(result).toEqual({ seeded: true, created: DEMO_CATALOG.length, skipped: [] });
    expect(DEMO_CATALOG.length).toBeGreaterThanOrEqual(15);
    const list = await officer.get('/api/catalog/resources?status=published&pageSize=100');
    expect(list.body.total).toBe(DEMO_CATALOG.length);
    const items = list.body.items as Resource[];
    expect(new Set(items.map((r) => r.providerDepartmentName)).size).toBeGreaterThanOrEqual(6);
    expect(items.filter((r) => r.shareType === 'none').map((r) => r.name)).toEqual(['违法犯罪人员信息']);
    expect(items.filter((r) => r.shareType === 'conditional').length).toBeGreaterThanOrEqual(2);
    // Published like any entry, with its audit entry.
    expect(await auditEntries(t, 'catalog.resource.publish')).toHaveLength(DEMO_CATALOG.length);
  });

  it('gives entries that validate and meet the submission rules', async () => {
    const list = await officer.get('/api/catalog/resources?status=published&pageSize=100');
    for (const r of list.body.items as (Resource & { isBase: boolean })[]) {
      const detail = await officer.get(`/api/catalog/resources/${r.id}`);
      expect(detail.status).toBe(200);
      const content = detail.body.version.content as EntryContent;
      expect(Value.Check(ContentSchema, content), r.name).toBe(true);
      expect(submissionErrors(content, r.isBase)).toEqual([]);
      if (content.share.type !== 'unconditional') expect(content.share.legalBasis, r.name).toBeTruthy();
    }
    // An ID number shared only on conditions, inside a resource shared unconditionally.
    const enterprise = (list.body.items as Resource[]).find((r) => r.name === '企业登记信息')!;
    const content = (await officer.get(`/api/catalog/resources/${enterprise.id}`)).body.version.content as EntryContent;
    expect(content.share.type).toBe('unconditional');
    expect(content.fields.find((f) => f.englishName === 'legal_rep_id_no')).toMatchObject({ personal: true, sensitive: true, shareType: 'conditional' });
    // Related codes point at entries of the seed.
    const licence = (list.body.items as Resource[]).find((r) => r.name === '营业执照电子证照')!;
    expect((await officer.get(`/api/catalog/resources/${licence.id}`)).body.version.content.relatedResourceCodes).toEqual([enterprise.code]);
  });

  it('is idempotent: a second run changes nothing, even without its marker row', async () => {
    expect(await seedCatalogDemo(t.database, t.clock.now())).toEqual({ seeded: false, created: 0, skipped: [] });
    await sql`DELETE FROM public.zt_seed WHERE name = 'demo-catalog'`.execute(t.database.db);
    expect(await seedCatalogDemo(t.database, t.clock.now())).toEqual({ seeded: true, created: 0, skipped: [] });
    const total = await t.database.db.selectFrom('catalog.resource').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(total.n)).toBe(DEMO_CATALOG.length);
  });
});
