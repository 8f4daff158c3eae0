import { Type } from 'typebox';
import { PageQuery, pageOf } from '../../kernel/pagination.ts';
import { DateTime, Strict, Uuid } from '../../kernel/schema.ts';
import { DATA_TYPES, FORMATS, OPEN_TYPES, SHARE_MODES, SHARE_TYPES, UPDATE_CYCLES } from './domain/entry.ts';

const lit = <T extends readonly string[]>(values: T, description: string) => Type.Union(values.map((v) => Type.Literal(v)), { description });
const text = (max: number, description?: string) => Type.String({ minLength: 1, maxLength: max, ...(description ? { description } : {}) });
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const ShareTypeSchema = lit(SHARE_TYPES, '共享类型 / share type');
export const OpenTypeSchema = lit(OPEN_TYPES, '开放类型 / open type');
export const ClassificationCode = Type.String({ pattern: '^[1-3]([0-9]{2}([0-9]{3}([0-9]{3})?)?)?$', description: '分类代码（类-项-目-细目）/ classification code' });
export const ResourceCode = Type.String({ pattern: '^[0-9]{9}/[0-9]{6}$', description: '信息资源代码 / resource code' });

export const FieldSchema = Strict({
  name: text(100, '信息项名称 / field name'),
  englishName: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$', description: '英文名 / English name' }),
  dataType: lit(DATA_TYPES, '数据类型 / data type'),
  length: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  description: Type.Optional(Type.String({ maxLength: 500 })),
  personal: Type.Boolean({ description: '是否个人信息 / personal data' }),
  sensitive: Type.Boolean({ description: '是否敏感 / sensitive' }),
  base: Type.Optional(Type.Boolean({ description: '基础信息项 / base item of a base resource' })),
  shareType: Type.Optional(ShareTypeSchema),
  shareConditions: Type.Optional(Type.String({ maxLength: 1000 })),
  legalBasis: Type.Optional(Type.String({ maxLength: 1000 })),
  openType: Type.Optional(OpenTypeSchema),
});

export const ContentSchema = Strict({
  classificationCode: ClassificationCode,
  name: text(200, '信息资源名称 / name'),
  providerUnit: Type.Optional(Type.String({ maxLength: 100, description: '提供方内设机构 / internal unit' })),
  summary: text(2000, '信息资源摘要 / summary'),
  format: Strict({ kind: lit(FORMATS, '信息资源格式 / format'), detail: Type.Optional(Type.String({ maxLength: 200 })) }),
  fields: Type.Array(FieldSchema, { maxItems: 500 }),
  share: Strict({
    type: ShareTypeSchema,
    conditions: Type.Optional(Type.String({ maxLength: 2000 })),
    legalBasis: Type.Optional(Type.String({ maxLength: 2000, description: '共享依据 / legal basis' })),
    modes: Type.Array(lit(SHARE_MODES, '共享方式 / share mode'), { maxItems: 4, uniqueItems: true }),
  }),
  open: Strict({ type: OpenTypeSchema, conditions: Type.Optional(Type.String({ maxLength: 2000 })) }),
  updateCycle: lit(UPDATE_CYCLES, '更新周期 / update cycle'),
  relatedResourceCodes: Type.Array(ResourceCode, { maxItems: 50, uniqueItems: true }),
});

export const CreateResourceBody = Strict({
  providerDepartmentId: Type.Optional(Uuid('提供部门（默认本部门）/ provider department, default own')),
  content: ContentSchema,
});
export const UpdateResourceBody = Strict({ content: ContentSchema });
export const ReviewBody = Strict({
  decision: Type.Union([Type.Literal('approve'), Type.Literal('return')], { description: '通过并发布 / 退回' }),
  reasons: Type.Optional(Type.String({ maxLength: 2000, description: '退回理由 / reasons (required to return)' })),
});
export const WithdrawBody = Strict({ reasons: text(2000, '撤销理由 / reasons') });

export const ResourceSchema = Type.Object({
  id: Type.String(),
  code: Type.String(),
  status: Type.String(),
  latestVersion: Type.Integer(),
  publishedVersion: nullable(Type.Integer()),
  providerDepartmentId: Type.String(),
  providerDepartmentName: Type.String(),
  providerCode: Type.String(),
  classificationCode: Type.String(),
  classificationName: Type.String(),
  isBase: Type.Boolean(),
  name: Type.String(),
  summary: Type.String(),
  shareType: Type.String(),
  openType: Type.String(),
  updateCycle: Type.String(),
  format: Type.String(),
  publishedAt: nullable(DateTime()),
  createdAt: DateTime(),
  updatedAt: DateTime(),
});
export const VersionSchema = Type.Object({
  version: Type.Integer(),
  state: Type.String(),
  content: Type.Unknown(),
  createdBy: nullable(Type.String()),
  createdAt: DateTime(),
  submittedAt: nullable(DateTime()),
  reviewedBy: nullable(Type.String()),
  reviewedAt: nullable(DateTime()),
  reviewNote: nullable(Type.String()),
});
/** What the caller may do to this entry, so a console shows only the actions the server would allow. */
export const ResourceViewerSchema = Type.Object({
  manage: Type.Boolean({ description: '可以作为提供部门编辑、提交、修订、撤销 / may edit, submit, revise and withdraw it as its provider' }),
  review: Type.Boolean({ description: '可以作为共享主管部门审核、撤销 / may review and withdraw it as the sharing authority over its provider' }),
});
export const ResourceDetailSchema = Type.Intersect([ResourceSchema, Type.Object({ version: VersionSchema, viewer: ResourceViewerSchema })]);
export const ResourcePage = Type.Object({
  ...pageOf(ResourceSchema).properties,
  total: Type.Integer({ description: '条数；totalIsEstimate 为 true 时表示“多于此数”（如 1000+）/ number of entries; "more than this" when totalIsEstimate is true' }),
  totalIsEstimate: Type.Boolean({
    description:
      '只精确计数到 1000 条（或所请求页之后两页）；更多时 total 为计到的条数 / counted exactly up to 1,000 (or two pages past the requested one); true: more match than total (docs/catalog.md)',
  }),
});
export const ListResourcesQuery = Strict({
  ...PageQuery,
  q: Type.Optional(Type.String({ maxLength: 100 })),
  status: Type.Optional(lit(['draft', 'submitted', 'returned', 'published', 'withdrawn'] as const, '状态 / status')),
  providerDepartmentId: Type.Optional(Uuid()),
  divisionCode: Type.Optional(Type.String({ pattern: '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$', description: '提供部门所在区划（含下级）/ providers in this division and below' })),
  classificationCode: Type.Optional(ClassificationCode),
  shareType: Type.Optional(ShareTypeSchema),
  openType: Type.Optional(OpenTypeSchema),
  updateCycle: Type.Optional(lit(UPDATE_CYCLES, '更新周期')),
});
export const IdParams = Strict({ id: Uuid() });
export const VersionParams = Strict({ id: Uuid(), version: Type.Integer({ minimum: 1 }) });
export const DiffQuery = Strict({ from: Type.Integer({ minimum: 1 }), to: Type.Integer({ minimum: 1 }) });
