import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import type { RequestContext } from '../kernel/context.ts';
import { createResource, reviewResource, submitResource, type EntryContent, type EntryField } from '../modules/catalog/index.ts';
import type { Actor } from '../modules/identity/index.ts';
import { demoActor } from './actors.ts';

/**
 * Demo catalog for `zhengtong serve` / `zhengtong seed` (not for the tests): about fifteen published
 * Jiangxi resources across the province, Nanchang, Shangrao and Wuyuan, catalogued, submitted and
 * published through the catalog service as the platform administrator, so they pass the same rules
 * (R-CAT-2, R-CAT-3) and leave the same audit trail as entries made in the console. Runs once
 * (marker row 'demo-catalog'); an entry whose provider already has one of that name is skipped, so
 * a run that stopped half-way can simply be repeated.
 */

export const DEMO_CATALOG_SEED = 'demo-catalog';

type Field = EntryField;
const f = (name: string, englishName: string, dataType: Field['dataType'], extra: Partial<Field> = {}): Field => ({ name, englishName, dataType, personal: false, sensitive: false, ...extra });
const str = (name: string, englishName: string, length: number, extra: Partial<Field> = {}) => f(name, englishName, 'string', { length, ...extra });
/** 公民身份号码: personal and sensitive, shared only on conditions, never opened. */
const citizenId = (name: string, englishName: string, basis: string, extra: Partial<Field> = {}) =>
  str(name, englishName, 18, { personal: true, sensitive: true, shareType: 'conditional', shareConditions: '仅用于办理政务服务时的身份核验，不得留存、转提供', legalBasis: basis, openType: 'closed', ...extra });

interface DemoEntry {
  key: string;
  /** Provider department, by its exact name in the demo organisation. */
  department: string;
  content: Omit<EntryContent, 'relatedResourceCodes'>;
  /** Keys of entries above whose codes this one lists as related resources. */
  related?: string[];
}

const PERSONAL_INFO_LAW = '《中华人民共和国个人信息保护法》第三十四条';

export const DEMO_CATALOG: DemoEntry[] = [
  {
    key: 'enterprise',
    department: '江西省市场监督管理局',
    content: {
      classificationCode: '102',
      name: '企业登记信息',
      providerUnit: '登记注册局',
      summary: '江西省各类企业的设立、变更、注销登记信息，包括统一社会信用代码、名称、类型、法定代表人、注册资本、住所、经营范围和登记状态。',
      format: { kind: 'database', detail: '江西省市场主体登记管理系统' },
      fields: [
        str('统一社会信用代码', 'uscc', 18, { base: true }),
        str('企业名称', 'ent_name', 200, { base: true }),
        str('企业类型', 'ent_type', 50, { base: true }),
        str('法定代表人姓名', 'legal_rep_name', 50, { base: true, personal: true }),
        citizenId('法定代表人身份证号码', 'legal_rep_id_no', `${PERSONAL_INFO_LAW}；《企业信息公示暂行条例》第十八条`),
        f('注册资本（万元）', 'reg_capital', 'decimal', { base: true }),
        f('成立日期', 'est_date', 'date', { base: true }),
        str('住所', 'address', 300, { base: true }),
        str('经营范围', 'business_scope', 4000),
        str('登记状态', 'reg_status', 20, { base: true }),
        str('登记机关', 'reg_authority', 100),
      ],
      share: { type: 'unconditional', modes: ['interface', 'exchange', 'query'] },
      open: { type: 'open' },
      updateCycle: 'realtime',
    },
  },
  {
    key: 'licence',
    department: '江西省市场监督管理局',
    related: ['enterprise'],
    content: {
      classificationCode: '104',
      name: '营业执照电子证照',
      providerUnit: '登记注册局',
      summary: '依法核发的营业执照电子证照信息及版式文件，供政务服务事项办理时免提交纸质营业执照。',
      format: { kind: 'interface', detail: '电子证照共享服务接口（OFD 版式文件）' },
      fields: [
        str('证照编号', 'licence_no', 50, { base: true }),
        str('统一社会信用代码', 'uscc', 18, { base: true }),
        str('名称', 'ent_name', 200, { base: true }),
        str('类型', 'ent_type', 50, { base: true }),
        str('法定代表人', 'legal_rep_name', 50, { base: true, personal: true }),
        f('发照日期', 'issue_date', 'date', { base: true }),
        f('证照版式文件', 'licence_file', 'binary', { description: 'OFD 格式，含电子印章' }),
      ],
      share: { type: 'unconditional', modes: ['interface', 'query'] },
      open: { type: 'closed' },
      updateCycle: 'realtime',
    },
  },
  {
    key: 'population',
    department: '江西省公安厅',
    content: {
      classificationCode: '101',
      name: '人口基本信息',
      providerUnit: '治安管理总队',
      summary: '全省户籍人口的公民身份号码、姓名、性别、民族、出生日期和户籍地等基本信息，是人口基础信息库的基础信息项。',
      format: { kind: 'database', detail: '人口信息管理系统' },
      fields: [
        str('公民身份号码', 'citizen_id', 18, { base: true, personal: true, sensitive: true, openType: 'closed' }),
        str('姓名', 'name', 50, { base: true, personal: true }),
        str('性别', 'gender', 2, { base: true, personal: true }),
        str('民族', 'ethnicity', 20, { base: true, personal: true }),
        f('出生日期', 'birth_date', 'date', { base: true, personal: true }),
        str('户籍地址详址', 'household_address', 300, { personal: true, sensitive: true, shareType: 'conditional', shareConditions: '仅用于户籍地核验和属地管理', legalBasis: `${PERSONAL_INFO_LAW}；《中华人民共和国户口登记条例》` }),
        f('照片', 'photo', 'binary', { personal: true, sensitive: true, shareType: 'none', legalBasis: '《中华人民共和国居民身份证法》第六条、第十九条' }),
      ],
      share: { type: 'unconditional', modes: ['interface', 'query'] },
      open: { type: 'closed' },
      updateCycle: 'daily',
    },
  },
  {
    key: 'household-change',
    department: '上饶市公安局',
    related: ['population'],
    content: {
      classificationCode: '101',
      name: '户籍迁移变动信息',
      providerUnit: '户政管理科',
      summary: '上饶市户籍人口的迁入、迁出、出生登记和死亡注销信息。',
      format: { kind: 'database' },
      fields: [
        citizenId('公民身份号码', 'citizen_id', `${PERSONAL_INFO_LAW}；《中华人民共和国户口登记条例》`),
        str('姓名', 'name', 50, { personal: true }),
        str('变动类型', 'change_type', 20, { description: '迁入 / 迁出 / 出生 / 死亡' }),
        f('变动日期', 'change_date', 'date'),
        str('迁出地', 'from_place', 200, { personal: true }),
        str('迁入地', 'to_place', 200, { personal: true }),
      ],
      share: { type: 'conditional', conditions: '用于社会保障、民政救助、计划生育等履职核查，按事项申请', legalBasis: '《中华人民共和国户口登记条例》；《江西省政务数据共享管理办法》', modes: ['exchange', 'query'] },
      open: { type: 'closed' },
      updateCycle: 'daily',
    },
  },
  {
    key: 'social-insurance',
    department: '江西省人力资源和社会保障厅',
    content: {
      classificationCode: '202',
      name: '社会保险参保信息',
      providerUnit: '社会保险事业管理局',
      summary: '企业职工基本养老、失业、工伤保险的参保登记、缴费基数和参保状态信息。',
      format: { kind: 'interface', detail: '社保核验接口' },
      fields: [
        citizenId('公民身份号码', 'citizen_id', `《中华人民共和国社会保险法》第八十一条；${PERSONAL_INFO_LAW}`),
        str('姓名', 'name', 50, { personal: true }),
        str('险种', 'insurance_type', 20),
        str('参保状态', 'status', 10),
        str('参保单位统一社会信用代码', 'employer_uscc', 18),
        f('缴费基数', 'contribution_base', 'decimal', { personal: true, sensitive: true }),
        f('累计缴费月数', 'paid_months', 'integer', { personal: true }),
      ],
      share: { type: 'conditional', conditions: '用于办理就业、落户、人才、社会救助等事项时核验参保状态，按需申请、最小够用', legalBasis: '《中华人民共和国社会保险法》第八十一条', modes: ['interface', 'query'] },
      open: { type: 'closed' },
      updateCycle: 'monthly',
    },
  },
  {
    key: 'social-card',
    department: '江西省人力资源和社会保障厅',
    related: ['social-insurance'],
    content: {
      classificationCode: '104',
      name: '社会保障卡信息',
      providerUnit: '信息中心',
      summary: '全省社会保障卡（含电子社保卡）的发卡、挂失和卡状态信息。',
      format: { kind: 'interface' },
      fields: [
        str('社会保障号码', 'ss_no', 18, { personal: true, sensitive: true }),
        str('姓名', 'name', 50, { personal: true }),
        str('卡号', 'card_no', 20, { personal: true }),
        str('卡状态', 'card_status', 10),
        f('发卡日期', 'issue_date', 'date'),
      ],
      share: { type: 'unconditional', modes: ['interface', 'query'] },
      open: { type: 'closed' },
      updateCycle: 'daily',
    },
  },
  {
    key: 'penalty',
    department: '南昌市市场监督管理局',
    related: ['enterprise'],
    content: {
      classificationCode: '207',
      name: '市场监管行政处罚信息',
      providerUnit: '法规科',
      summary: '南昌市市场监管部门作出的行政处罚决定，包括当事人、违法事实、处罚依据、处罚内容和决定日期。',
      format: { kind: 'database' },
      fields: [
        str('行政处罚决定书文号', 'decision_no', 100),
        str('当事人名称', 'party_name', 200),
        str('统一社会信用代码', 'uscc', 18),
        str('违法行为类型', 'violation_type', 200),
        str('处罚依据', 'legal_basis', 1000),
        str('处罚内容', 'penalty', 1000),
        f('罚没款金额（万元）', 'amount', 'decimal'),
        f('处罚决定日期', 'decision_date', 'date'),
      ],
      share: { type: 'unconditional', modes: ['exchange', 'query', 'download'] },
      open: { type: 'open' },
      updateCycle: 'daily',
    },
  },
  {
    key: 'special-equipment',
    department: '南昌市市场监督管理局',
    content: {
      classificationCode: '204',
      name: '特种设备使用登记信息',
      providerUnit: '特种设备安全监察科',
      summary: '南昌市电梯、锅炉、压力容器等特种设备的使用登记、定期检验和使用单位信息。',
      format: { kind: 'spreadsheet' },
      fields: [
        str('使用登记证编号', 'reg_no', 50),
        str('设备类别', 'category', 50),
        str('使用单位名称', 'user_name', 200),
        str('设备地点', 'location', 300),
        f('下次检验日期', 'next_inspection', 'date'),
      ],
      share: { type: 'unconditional', modes: ['download', 'query'] },
      open: { type: 'conditional', conditions: '设备地点以外的信息可依申请开放' },
      updateCycle: 'weekly',
    },
  },
  {
    key: 'food-licence',
    department: '婺源县市场监督管理局',
    content: {
      classificationCode: '203',
      name: '食品经营许可信息',
      providerUnit: '食品经营监管股',
      summary: '婺源县食品经营许可证的核发、变更、延续和注销信息。',
      format: { kind: 'database' },
      fields: [
        str('许可证编号', 'licence_no', 30),
        str('经营者名称', 'operator_name', 200),
        str('统一社会信用代码', 'uscc', 18),
        str('经营场所', 'premises', 300),
        str('主体业态', 'business_form', 50),
        f('有效期至', 'valid_until', 'date'),
      ],
      share: { type: 'unconditional', modes: ['exchange', 'query'] },
      open: { type: 'open' },
      updateCycle: 'daily',
    },
  },
  {
    key: 'credit',
    department: '江西省发展和改革委员会',
    related: ['penalty'],
    content: {
      classificationCode: '207',
      name: '公共信用信息（守信激励和失信惩戒名单）',
      providerUnit: '社会信用体系建设处',
      summary: '全省归集的守信激励对象和严重失信主体名单，供联合奖惩使用。',
      format: { kind: 'interface', detail: '信用江西查询接口' },
      fields: [
        str('主体名称', 'subject_name', 200),
        str('统一社会信用代码', 'uscc', 18),
        str('名单类型', 'list_type', 20, { description: '红名单 / 黑名单' }),
        str('认定部门', 'decided_by', 100),
        f('列入日期', 'listed_on', 'date'),
        f('移出日期', 'removed_on', 'date'),
      ],
      share: { type: 'unconditional', modes: ['interface', 'query'] },
      open: { type: 'open' },
      updateCycle: 'daily',
    },
  },
  {
    key: 'investment',
    department: '江西省发展和改革委员会',
    content: {
      classificationCode: '208',
      name: '固定资产投资项目审批核准备案信息',
      providerUnit: '投资处',
      summary: '通过投资项目在线审批监管平台办理的项目审批、核准、备案信息。',
      format: { kind: 'database' },
      fields: [
        str('项目代码', 'project_code', 24),
        str('项目名称', 'project_name', 300),
        str('项目单位', 'applicant', 200),
        str('建设地点', 'site', 300),
        f('总投资（万元）', 'total_investment', 'decimal'),
        str('办理类型', 'procedure', 10, { description: '审批 / 核准 / 备案' }),
        f('批复日期', 'approved_on', 'date'),
      ],
      share: { type: 'unconditional', modes: ['exchange', 'download'] },
      open: { type: 'open' },
      updateCycle: 'daily',
    },
  },
  {
    key: 'construction-permit',
    department: '南昌市行政审批局',
    related: ['investment'],
    content: {
      classificationCode: '208',
      name: '建筑工程施工许可信息',
      providerUnit: '投资建设审批处',
      summary: '南昌市核发的建筑工程施工许可证信息。',
      format: { kind: 'database' },
      fields: [
        str('施工许可证编号', 'permit_no', 30),
        str('项目代码', 'project_code', 24),
        str('工程名称', 'project_name', 300),
        str('建设单位', 'owner', 200),
        str('施工单位', 'contractor', 200),
        f('合同价格（万元）', 'contract_price', 'decimal'),
        f('发证日期', 'issued_on', 'date'),
      ],
      share: { type: 'unconditional', modes: ['exchange', 'query'] },
      open: { type: 'open' },
      updateCycle: 'daily',
    },
  },
  {
    key: 'real-estate',
    department: '南昌市红谷滩区行政审批局',
    content: {
      classificationCode: '208',
      name: '不动产登记一窗受理信息',
      providerUnit: '不动产登记综合窗口',
      summary: '红谷滩区不动产登记、交易和缴税“一窗受理”办件的不动产单元、权利人和登记结果信息。',
      format: { kind: 'database' },
      fields: [
        str('不动产单元号', 'unit_no', 28),
        str('不动产权证书号', 'certificate_no', 50),
        str('权利人', 'holder_name', 200, { personal: true }),
        citizenId('权利人证件号码', 'holder_id_no', `《不动产登记暂行条例》第二十七条、第二十八条；${PERSONAL_INFO_LAW}`),
        str('坐落', 'location', 300, { personal: true }),
        f('建筑面积（平方米）', 'floor_area', 'decimal'),
        str('登记类型', 'registration_type', 20),
        f('登簿日期', 'registered_on', 'date'),
      ],
      share: { type: 'conditional', conditions: '用于办理户籍、入学、公积金提取、社会救助等政务服务事项时查询核验，按件申请', legalBasis: '《不动产登记暂行条例》第二十七条；《不动产登记资料查询暂行办法》', modes: ['query'] },
      open: { type: 'closed' },
      updateCycle: 'realtime',
    },
  },
  {
    key: 'service-cases',
    department: '江西省人民政府办公厅政务服务办公室',
    content: {
      classificationCode: '3',
      name: '政务服务事项办件信息',
      providerUnit: '政务服务管理处',
      summary: '江西省政务服务网受理的政务服务事项办件的受理、办理环节、办结和评价信息。',
      format: { kind: 'interface' },
      fields: [
        str('办件编号', 'case_no', 40),
        str('事项编码', 'item_code', 40),
        str('事项名称', 'item_name', 300),
        str('申请人名称', 'applicant_name', 200, { personal: true }),
        str('办理状态', 'status', 20),
        f('受理时间', 'accepted_at', 'datetime'),
        f('办结时间', 'concluded_at', 'datetime'),
      ],
      share: { type: 'unconditional', modes: ['interface', 'exchange'] },
      open: { type: 'conditional', conditions: '统计口径数据可开放' },
      updateCycle: 'realtime',
    },
  },
  {
    key: 'criminal-records',
    department: '江西省公安厅',
    content: {
      classificationCode: '211',
      name: '违法犯罪人员信息',
      providerUnit: '刑事侦查总队',
      summary: '公安机关掌握的违法犯罪人员信息，涉及国家秘密和个人隐私，不予共享；有关部门需核查的，按程序另行商请。',
      format: { kind: 'database' },
      fields: [
        str('公民身份号码', 'citizen_id', 18, { personal: true, sensitive: true }),
        str('姓名', 'name', 50, { personal: true, sensitive: true }),
        str('案件类别', 'case_category', 50, { sensitive: true }),
        f('处理日期', 'decided_on', 'date', { sensitive: true }),
      ],
      share: { type: 'none', legalBasis: '《中华人民共和国保守国家秘密法》；《中华人民共和国个人信息保护法》第二十八条', modes: [] },
      open: { type: 'closed' },
      updateCycle: 'irregular',
    },
  },
];

export interface CatalogDemoResult {
  seeded: boolean;
  created: number;
  skipped: string[];
}

/** The platform administrator acts for the seed: the one account allowed to catalogue and review anywhere. */
async function seedActor(database: Database): Promise<Actor | null> {
  const admin = await demoActor(database, 'admin');
  return admin?.grants.some((g) => g.role === 'platform_admin' && g.scope === 'platform') ? admin : null;
}

/** Loads the demo catalog once, after the demo organisation (seedDemo). */
export async function seedCatalogDemo(database: Database, now = new Date()): Promise<CatalogDemoResult> {
  const db = database.db;
  const done = await sql<{ name: string }>`SELECT name FROM public.zt_seed WHERE name = ${DEMO_CATALOG_SEED}`.execute(db);
  if (done.rows.length) return { seeded: false, created: 0, skipped: [] };
  const actor = await seedActor(database);
  if (!actor) return { seeded: false, created: 0, skipped: ['no platform administrator "admin" to act for the seed'] };
  const ctx: RequestContext<Actor> = { actor, ip: null, requestId: null, now };
  const codes = new Map<string, string>();
  const skipped: string[] = [];
  let created = 0;
  for (const entry of DEMO_CATALOG) {
    const dept = await db.selectFrom('identity.department').select('id').where('name', '=', entry.department).executeTakeFirst();
    if (!dept) {
      skipped.push(`${entry.content.name}: no department ${entry.department}`);
      continue;
    }
    const existing = await db
      .selectFrom('catalog.resource')
      .select('code')
      .where('provider_department_id', '=', dept.id)
      .where('name', '=', entry.content.name)
      .where('status', '!=', 'withdrawn')
      .executeTakeFirst();
    if (existing) {
      codes.set(entry.key, existing.code);
      continue;
    }
    const content: EntryContent = { ...entry.content, relatedResourceCodes: (entry.related ?? []).flatMap((k) => codes.get(k) ?? []) };
    const id = await createResource(db, ctx, { providerDepartmentId: dept.id, content });
    await submitResource(db, ctx, id);
    const published = await reviewResource(db, ctx, id, { decision: 'approve', reasons: '演示数据：分类已确认 / demo data, classification confirmed' });
    codes.set(entry.key, published.code);
    created++;
  }
  await sql`INSERT INTO public.zt_seed (name) VALUES (${DEMO_CATALOG_SEED}) ON CONFLICT (name) DO NOTHING`.execute(db);
  return { seeded: true, created, skipped };
}
