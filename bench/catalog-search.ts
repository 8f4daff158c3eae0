/**
 * Benchmark (issue #3): Chinese catalog search at 100,000 entries — search latency through the HTTP
 * API (`GET /api/catalog/resources?q=…&pageSize=20`, logged in as the data officer `nc_officer`)
 * against the same search without HTTP on the same database (the queries that listResources
 * issues — capped count, then the page — with the same user's visibility, through the same
 * Kysely/pg pool).
 *
 *   npm run bench:catalog
 *   BENCH_RESOURCES=20000 BENCH_REQUESTS=1000 BENCH_DATABASES=pglite,postgres npm run bench:catalog
 *
 * The entries are seeded directly in SQL (multi-row inserts in batches), with `search_tokens`
 * computed by the product's own tokenizer. Goal on PostgreSQL: API p95 < 50 ms and API/SQL p95
 * ratio ≤ 1.5. Prints figures; asserts nothing.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { openDatabase, sql, type Database, type Insertable, type Kysely } from '../server/src/db/database.ts';
import type { DB, ResourceStatus } from '../server/src/db/schema.ts';
import { migrate } from '../server/src/db/migrator.ts';
import { loadOrCreateSigningKey } from '../server/src/modules/audit/index.ts';
import { contentJson, summaryColumns } from '../server/src/modules/catalog/catalog.repository.ts';
import { pageOfMatches, whereMatches } from '../server/src/modules/catalog/catalog.search.ts';
import type { EntryContent } from '../server/src/modules/catalog/domain/entry.ts';
import { DEMO_PASSWORD } from '../server/src/seed/jiangxi.ts';
import { seedDemo } from '../server/src/seed/seed.ts';
import { createScratchDatabase } from '../server/test/scratch-db.ts';

const RESOURCES = Number(process.env.BENCH_RESOURCES ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 500);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 100);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const USER = 'nc_officer';
const BATCH = 500;

// ---------------------------------------------------------------------------------------------
// Word lists: what departments catalogue. Topics are drawn with Zipf-like weights, so some words
// (企业, 登记, 许可) are in tens of thousands of entries and some (古树名木, 无人机) in a few dozen.

type Field = [name: string, englishName: string];
interface Topic { name: string; cls: string; fields: Field[]; weight: number }

const COMMON_FIELDS: Field[] = [
  ['统一社会信用代码', 'uscc'], ['企业名称', 'ent_name'], ['法定代表人', 'legal_rep'], ['登记机关', 'reg_authority'],
  ['公民身份号码', 'id_number'], ['姓名', 'person_name'], ['联系电话', 'phone'], ['住所', 'address'],
  ['行政区划代码', 'division_code'], ['办理日期', 'handle_date'], ['数据更新时间', 'updated_at'], ['经办人', 'handler'],
];
const t = (name: string, cls: string, weight: number, ...fields: Field[]): Topic => ({ name, cls, weight, fields });
const TOPICS: Topic[] = [
  t('企业登记', '102', 40, ['注册资本', 'reg_capital'], ['成立日期', 'est_date'], ['经营范围', 'business_scope'], ['企业类型', 'ent_type']),
  t('个体工商户登记', '102', 12, ['经营者姓名', 'operator'], ['组成形式', 'org_form'], ['经营场所', 'premises']),
  t('行政许可', '207', 35, ['许可证号', 'licence_no'], ['许可内容', 'licence_scope'], ['有效期自', 'valid_from'], ['有效期至', 'valid_to']),
  t('行政处罚', '207', 30, ['处罚决定书文号', 'decision_no'], ['违法事实', 'facts'], ['处罚依据', 'legal_basis'], ['罚款金额', 'fine']),
  t('经营异常名录', '207', 10, ['列入原因', 'reason'], ['列入日期', 'listed_on'], ['移出日期', 'removed_on']),
  t('失信被执行人', '207', 8, ['执行法院', 'court'], ['执行依据文号', 'basis_no'], ['履行情况', 'performance']),
  t('社保缴费', '202', 25, ['缴费基数', 'base_amount'], ['缴费月份', 'pay_month'], ['险种', 'insurance_type'], ['单位编号', 'employer_no']),
  t('养老保险待遇发放', '202', 10, ['待遇类型', 'benefit_type'], ['发放金额', 'amount'], ['发放月份', 'pay_month']),
  t('失业保险金申领', '202', 6, ['申领日期', 'apply_date'], ['领取期限', 'period']),
  t('城乡居民医疗保险参保', '201', 12, ['参保状态', 'status'], ['参保日期', 'insured_on'], ['医保卡号', 'card_no']),
  t('医疗机构执业许可', '201', 6, ['医疗机构名称', 'hospital'], ['诊疗科目', 'departments'], ['床位数', 'beds']),
  t('出生医学证明', '201', 4, ['新生儿姓名', 'baby_name'], ['出生时间', 'born_at'], ['出生地点', 'birthplace']),
  t('户籍人口', '101', 20, ['户号', 'household_no'], ['与户主关系', 'relation'], ['民族', 'ethnicity'], ['出生日期', 'birth_date']),
  t('居住证办理', '101', 6, ['居住地址', 'residence'], ['签注日期', 'endorsed_on']),
  t('婚姻登记', '101', 5, ['登记类型', 'reg_type'], ['结婚证字号', 'cert_no']),
  t('不动产登记', '103', 18, ['不动产单元号', 'unit_no'], ['权利人', 'owner'], ['坐落', 'location'], ['宗地面积', 'parcel_area']),
  t('国有建设用地使用权出让', '103', 5, ['出让面积', 'area'], ['土地用途', 'land_use'], ['出让价款', 'price']),
  t('地质灾害隐患点', '103', 1, ['隐患类型', 'hazard_type'], ['威胁人口', 'threatened'], ['经纬度', 'coordinates']),
  t('古树名木', '103', 0.3, ['树种', 'species'], ['树龄', 'age'], ['保护等级', 'protection_level']),
  t('营业执照电子证照', '104', 10, ['证照编号', 'licence_id'], ['发证日期', 'issued_on'], ['证照状态', 'licence_status']),
  t('食品经营许可证电子证照', '104', 6, ['许可证编号', 'licence_no'], ['经营项目', 'items'], ['发证机关', 'issuer']),
  t('食品抽检', '203', 12, ['样品名称', 'sample'], ['抽检结果', 'result'], ['不合格项目', 'failed_items'], ['检验机构', 'lab']),
  t('药品经营许可', '203', 5, ['药品经营方式', 'mode'], ['质量负责人', 'quality_head']),
  t('特种设备使用登记', '204', 7, ['设备类别', 'equipment_type'], ['使用登记证编号', 'reg_cert_no'], ['下次检验日期', 'next_inspection']),
  t('安全生产许可', '204', 6, ['许可范围', 'scope'], ['主要负责人', 'principal']),
  t('危险化学品经营许可', '204', 3, ['经营品种', 'chemicals'], ['储存设施', 'storage']),
  t('重要商品价格监测', '205', 5, ['商品名称', 'commodity'], ['监测价格', 'price'], ['监测日期', 'observed_on']),
  t('电力用户用电量', '206', 4, ['用电户号', 'account_no'], ['月用电量', 'kwh']),
  t('信用承诺', '207', 5, ['承诺事项', 'commitment'], ['承诺日期', 'committed_on'], ['履约状态', 'fulfilment']),
  t('建筑工程施工许可', '208', 8, ['项目名称', 'project'], ['建设单位', 'developer'], ['合同价格', 'contract_price']),
  t('商品房预售许可', '208', 4, ['预售许可证号', 'presale_no'], ['预售面积', 'presale_area']),
  t('城市道路挖掘占用审批', '208', 2, ['占用路段', 'road_section'], ['占用期限', 'period']),
  t('社区网格员', '209', 3, ['网格编号', 'grid_no'], ['所属社区', 'community']),
  t('养老服务机构', '209', 3, ['机构名称', 'institution'], ['床位总数', 'beds']),
  t('排污许可', '210', 12, ['排污许可证编号', 'permit_no'], ['主要污染物', 'pollutants'], ['排放口编号', 'outlet_no'], ['许可排放量', 'allowed_amount']),
  t('环境影响评价审批', '210', 5, ['项目名称', 'project'], ['审批文号', 'approval_no'], ['环评类别', 'eia_type']),
  t('水质自动监测', '210', 2, ['监测断面', 'section'], ['溶解氧', 'dissolved_oxygen'], ['氨氮', 'ammonia']),
  t('突发事件预警', '211', 3, ['预警级别', 'alert_level'], ['事件类型', 'event_type'], ['发布时间', 'issued_at']),
  t('民用无人机实名登记', '211', 0.5, ['无人机序列号', 'drone_serial'], ['所有人', 'owner'], ['最大起飞重量', 'mtow']),
  t('应急物资储备', '211', 2, ['物资名称', 'item'], ['储备数量', 'quantity'], ['储备库', 'depot']),
];
const PLACES = ['江西省', '南昌市', '上饶市', '九江市', '赣州市', '吉安市', '宜春市', '抚州市', '景德镇市', '萍乡市', '新余市', '鹰潭市', '红谷滩区', '婺源县', '德兴市', '青山湖区', '东湖区', '南昌县'];
const KINDS = ['信息', '数据', '明细', '台账', '名录', '统计', '档案', '目录', '汇总信息', '办件信息'];
const PERIODS = ['', '', '', '年度', '月度', '历史', '实时', '季度'];
const UNITS = ['登记注册处', '信用监管处', '行政审批处', '执法稽查局', '信息中心', '办公室', '政策法规处', '统计处', '数据管理科', '综合科'];
const PURPOSES = ['跨部门核验', '联合惩戒', '监管执法', '政务服务办理', '统计分析', '信用评价', '“一网通办”材料免提交', '风险预警', '决策支持', '社会治理'];
const CYCLES = ['realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'irregular'] as const;
const FORMAT_KINDS = ['database', 'file', 'interface', 'spreadsheet'] as const;

/** A deterministic pseudo-random stream, so every run seeds the same catalogue. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(3);
const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)];
const totalWeight = TOPICS.reduce((s, x) => s + x.weight, 0);
function pickTopic(): Topic {
  let r = rand() * totalWeight;
  for (const x of TOPICS) if ((r -= x.weight) < 0) return x;
  return TOPICS[0];
}

function makeContent(): EntryContent {
  const topic = pickTopic();
  const place = pick(PLACES);
  const name = `${place}${pick(PERIODS)}${topic.name}${pick(KINDS)}`;
  const own = [...topic.fields].sort(() => rand() - 0.5).slice(0, 2 + Math.floor(rand() * (topic.fields.length - 1)));
  const common = [...COMMON_FIELDS].sort(() => rand() - 0.5).slice(0, 2 + Math.floor(rand() * 4));
  const fields = [...common.slice(0, 1), ...own, ...common.slice(1)].map(([n, e]) => ({ name: n, englishName: e, dataType: 'string' as const, length: 64, personal: false, sensitive: false }));
  const share = rand() < 0.7 ? 'unconditional' : rand() < 0.8 ? 'conditional' : 'none';
  return {
    classificationCode: topic.cls,
    name,
    providerUnit: pick(UNITS),
    summary: `${place}${topic.name}${pick(KINDS)}，包括${own.map((f) => f[0]).join('、')}等，用于${pick(PURPOSES)}。`,
    format: { kind: pick(FORMAT_KINDS) },
    fields,
    share: share === 'unconditional'
      ? { type: 'unconditional', modes: ['interface', 'exchange'] }
      : { type: share, conditions: share === 'conditional' ? '仅限履职需要' : undefined, legalBasis: '《政务信息资源共享管理暂行办法》', modes: share === 'none' ? [] : ['interface'] },
    open: { type: rand() < 0.1 ? 'open' : 'closed' },
    updateCycle: pick(CYCLES),
    relatedResourceCodes: [],
  };
}

/** 100,000 entries straight into catalog.resource and catalog.resource_version. */
async function seedCatalog(db: Kysely<DB>, n: number) {
  const departments = (await db.selectFrom('identity.department').select('id').orderBy('name').execute()).map((d) => d.id);
  const sequence = new Map<string, number>();
  const epoch = Date.parse('2024-01-01T00:00:00Z');
  for (let done = 0; done < n; done += BATCH) {
    const resources: Insertable<DB['catalog.resource']>[] = [];
    const versions: Insertable<DB['catalog.resource_version']>[] = [];
    for (let i = done; i < Math.min(n, done + BATCH); i++) {
      const c = makeContent();
      const prefix = c.classificationCode.padEnd(9, '0');
      const seq = (sequence.get(prefix) ?? 0) + 1;
      sequence.set(prefix, seq);
      const r = rand();
      // Mostly published; some drafts, submissions, returned and withdrawn entries.
      const status: ResourceStatus = r < 0.86 ? 'published' : r < 0.9 ? 'draft' : r < 0.93 ? 'submitted' : r < 0.95 ? 'returned' : 'withdrawn';
      const published = status === 'published' || status === 'withdrawn';
      const created = new Date(epoch + Math.floor(rand() * 2 * 365 * 86_400_000));
      const id = randomUUID();
      resources.push({
        id,
        code: `${prefix}/${String(seq).padStart(6, '0')}`,
        provider_department_id: departments[Math.floor(rand() * departments.length)],
        // The same searchable columns the product writes (name, summary, types, tokens …).
        ...summaryColumns(c),
        status,
        latest_version: 1,
        published_version: published ? 1 : null,
        is_base: c.classificationCode.startsWith('1'),
        created_at: created,
        updated_at: created,
        published_at: published ? created : null,
        withdrawn_at: status === 'withdrawn' ? created : null,
      });
      versions.push({
        resource_id: id,
        version: 1,
        content: contentJson(c),
        state: status,
        created_by: USER,
        created_at: created,
        updated_at: created,
        submitted_at: status === 'draft' ? null : created,
        reviewed_by: published ? 'nc_reviewer' : null,
        reviewed_at: published ? created : null,
      });
    }
    await db.insertInto('catalog.resource').values(resources).execute();
    await db.insertInto('catalog.resource_version').values(versions).execute();
  }
  for (const [prefix, last] of sequence) {
    await db.insertInto('catalog.code_sequence').values({ prefix, last_value: last }).onConflict((oc) => oc.column('prefix').doUpdateSet({ last_value: last })).execute();
  }
}

// ---------------------------------------------------------------------------------------------

/** Frequent, mid and rare keywords, two-word queries, an exact code and a miss. */
const KEYWORDS = [
  '信息', '企业', '许可', '登记', '行政处罚', '南昌市', '统一社会信用代码', '社保缴费', '不动产登记', '排污许可',
  '食品抽检', '电子证照', '特种设备', '企业 行政许可', '南昌市 食品抽检', '上饶市 排污许可', '古树名木', '无人机', '地质灾害', '量子通信',
];

/**
 * The peer: the same queries listResources issues for a data officer with department scope — its
 * keyword condition and its paging (the capped count, then the page: catalog.search.ts) — through
 * the same Kysely instance and pool, no HTTP, no session, no DTOs.
 */
function sqlSearch(db: Kysely<DB>, departmentId: string, text: string) {
  const visible = db.selectFrom('catalog.resource as r').where((eb) =>
    eb.or([
      eb.and([eb('r.published_version', 'is not', null), eb('r.status', '!=', 'withdrawn')]),
      eb('r.provider_department_id', 'in', db.selectFrom('identity.department as sd').innerJoin('identity.division as sv', 'sv.code', 'sd.division_code').select('sd.id').where('sd.id', '=', departmentId)),
    ]),
  );
  const query = whereMatches(visible, text);
  return () => pageOfMatches(query, 0, 20);
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function run(kind: 'pglite' | 'postgres') {
  let database: Database;
  let drop = async () => {};
  if (kind === 'postgres') {
    const scratch = await createScratchDatabase(ADMIN_URL, 'zt_bench');
    database = await openDatabase({ url: scratch.url, poolSize: 10 });
    // BENCH_KEEP=1 keeps the seeded database for EXPLAIN ANALYZE; drop it by hand afterwards.
    drop = process.env.BENCH_KEEP ? async () => console.log(`kept ${scratch.url}`) : scratch.drop;
  } else {
    database = await openDatabase({ dataDir: 'memory://' });
  }
  const dir = mkdtempSync(join(tmpdir(), 'zt-bench-'));
  try {
    await migrate(database);
    await seedDemo(database);
    const seedStart = performance.now();
    await seedCatalog(database.db, RESOURCES);
    await sql`ANALYZE`.execute(database.db);
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const key = loadOrCreateSigningKey(join(dir, 'key.pem'));
    const config = loadConfig({ DATA_DIR: dir, WEB_DIST: join(dir, 'none'), LOG_LEVEL: 'warn' });
    const app = await buildApp({ config, database, signingKey: key, logger: false });
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.http.server.address() as { port: number }).port}`;
    try {
      const login = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: USER, password: DEMO_PASSWORD }),
      });
      if (login.status !== 200) throw new Error(`login as ${USER} failed: ${login.status} ${await login.text()}`);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
      const me = await database.db.selectFrom('identity.user').select('department_id').where('username', '=', USER).executeTakeFirstOrThrow();

      // An exact resource code is a query too.
      const someCode = await database.db.selectFrom('catalog.resource').select('code').where('classification_code', '=', '210').orderBy('code').offset(Math.floor(RESOURCES / 200)).limit(1).executeTakeFirstOrThrow();
      const keywords = [...KEYWORDS, someCode.code];
      const peers = new Map(keywords.map((k) => [k, sqlSearch(database.db, me.department_id, k)]));
      const totals = new Map<string, string>();

      const api = async (k: string) => {
        const res = await fetch(`${base}/api/catalog/resources?q=${encodeURIComponent(k)}&pageSize=20`, { headers: { cookie } });
        const body = (await res.json()) as { total: number; totalIsEstimate: boolean };
        if (res.status !== 200) throw new Error(`search ${k}: ${res.status} ${JSON.stringify(body)}`);
        totals.set(k, `${body.total}${body.totalIsEstimate ? '+' : ''}`);
      };
      const raw = async (k: string) => {
        await peers.get(k)!();
      };

      // Warm-up, then one request at a time, API and SQL alternating over the keyword mix.
      for (let i = 0; i < WARMUP; i++) {
        await api(keywords[i % keywords.length]);
        await raw(keywords[i % keywords.length]);
      }
      const times = { api: [] as number[], sql: [] as number[] };
      const byKeyword = new Map<string, { api: number[]; sql: number[] }>(keywords.map((k) => [k, { api: [], sql: [] }]));
      for (let i = 0; i < REQUESTS; i++) {
        const k = keywords[i % keywords.length];
        for (const [path, fn] of (i % 2 ? [['api', api], ['sql', raw]] : [['sql', raw], ['api', api]]) as ['api' | 'sql', (k: string) => Promise<void>][]) {
          const started = performance.now();
          await fn(k);
          const ms = performance.now() - started;
          times[path].push(ms);
          byKeyword.get(k)![path].push(ms);
        }
      }
      const stats = (a: number[]) => {
        const s = [...a].sort((x, y) => x - y);
        return { p50: quantile(s, 0.5), p95: quantile(s, 0.95) };
      };
      return {
        kind,
        seedSeconds,
        api: stats(times.api),
        sql: stats(times.sql),
        perKeyword: keywords.map((k) => ({ k, total: totals.get(k) ?? '', api: stats(byKeyword.get(k)!.api), sql: stats(byKeyword.get(k)!.sql) })),
      };
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const targets = (process.env.BENCH_DATABASES ?? 'postgres').split(',') as ('pglite' | 'postgres')[];
console.log(`catalog search benchmark: ${RESOURCES} entries, ${REQUESTS} searches per path over a mix of ${KEYWORDS.length + 1} keywords (after ${WARMUP} warm-up each), one at a time, as ${USER}`);
const f = (ms: number) => `${ms.toFixed(1).padStart(6)} ms`;
for (const kind of targets) {
  const r = await run(kind);
  console.log(`\n${kind}: seeded in ${r.seedSeconds.toFixed(0)} s`);
  console.log(`  ${'keyword'.padEnd(22)} ${'hits'.padStart(6)}   API p50 / p95          SQL p50 / p95`);
  for (const x of r.perKeyword) console.log(`  ${x.k.padEnd(22 - [...x.k].filter((ch) => ch > '\u2e80').length)} ${x.total.padStart(6)}   ${f(x.api.p50)} / ${f(x.api.p95)}   ${f(x.sql.p50)} / ${f(x.sql.p95)}`);
  const ratio = r.api.p95 / r.sql.p95;
  console.log(
    `${kind.padEnd(8)}  API p50 ${f(r.api.p50)}  p95 ${f(r.api.p95)}   raw SQL p50 ${f(r.sql.p50)}  p95 ${f(r.sql.p95)}   ratio API/SQL p50 ${(r.api.p50 / r.sql.p50).toFixed(2)}  p95 ${ratio.toFixed(2)}` +
      (kind === 'postgres' ? `  (goal p95 < 50 ms: ${r.api.p95 < 50 ? 'met' : 'NOT met'}; ratio ≤ 1.5: ${ratio <= 1.5 ? 'met' : 'NOT met'})` : ''),
  );
}
