import { Type } from 'typebox';
import { PageQuery, pageOf } from '../../kernel/pagination.ts';
import { DateTime, Strict, Uuid } from '../../kernel/schema.ts';

const text = (max: number, description: string) => Type.String({ minLength: 1, maxLength: max, description });
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
/** A union of string literals; typed as the literals (the mapped form would lose them). */
const lit = <const T extends readonly string[]>(values: T, description: string) =>
  Type.Unsafe<T[number]>(Type.Union(values.map((v) => Type.Literal(v)), { description }));
const Day = (description: string) => Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description });
const FieldNames = (description: string) =>
  Type.Array(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' }), { minItems: 1, maxItems: 500, description });
/** Reasons are checked by the service, so that a missing reason is a rule (422), not a malformed body. */
const Reasons = (description: string) => Type.Optional(Type.String({ maxLength: 2000, description }));

export const REQUEST_STATUSES = ['pending', 'approved', 'refused', 'escalated', 'arbitration_approved', 'arbitration_refused'] as const;
export const STAGES = ['on_time', 'reminded_5', 'reminded_8', 'overdue'] as const;
export const GRANT_STATES = ['active', 'revoked', 'expired', 'not_yet_valid'] as const;
export const ESCALATION_STATUSES = ['open', 'upheld', 'share_ordered'] as const;

export const IdParams = Strict({ id: Uuid() });

export const CreateGrantBody = Strict({
  resourceId: Uuid('信息资源 / resource'),
  purpose: text(1000, '用途 / purpose (the duty the data is used for)'),
  fields: Type.Optional(FieldNames('信息项英文名（缺省为整个资源）/ fields by English name; whole resource if absent')),
  validFrom: Type.Optional(Day('有效期起（缺省为今天）/ valid from, default today')),
  validTo: Type.Optional(Day('有效期止（缺省不限）/ valid to, default open-ended')),
});

export const CreateRequestBody = Strict({
  resourceId: Uuid('信息资源 / resource'),
  fields: Type.Optional(FieldNames('申请的信息项（缺省为整个资源）/ fields; whole resource if absent')),
  purpose: text(1000, '用途 / purpose'),
  dutyBasis: text(2000, '履职依据 / the duty or legal basis'),
  scopeOfUse: text(1000, '使用范围 / scope of use'),
  validFrom: Day('使用期限起 / valid from'),
  validTo: Day('使用期限止 / valid to'),
});

export const ApproveBody = Strict({
  fields: Type.Optional(FieldNames('同意的信息项（只能缩小）/ approved fields, a subset of those applied for')),
  validTo: Type.Optional(Day('同意的期限止（只能缩短）/ approved end of the period, not later than applied for')),
  reasons: Reasons('说明 / remarks'),
});
export const ReasonsBody = Strict({ reasons: Reasons('理由 / reasons (required)') });
export const ArbitrateBody = Strict({
  decision: lit(['approve', 'refuse'] as const, '裁决：同意共享 / 维持不予共享'),
  reasons: Reasons('裁决理由 / reasons (required)'),
});
export const AnswerEscalationBody = Strict({
  decision: lit(['upheld', 'share_ordered'] as const, '维持不予共享 / 责令提供部门共享（登记共享责任）'),
  reasons: Reasons('答复理由 / reasons (required)'),
  dueDate: Type.Optional(Day('责令共享的完成期限（share_ordered 时必填）/ due date of the sharing duty, required for share_ordered')),
});
export const CreateEscalationBody = Strict({ resourceId: Uuid('信息资源 / resource'), reasons: Reasons('异议理由 / reasons (required)') });

/** Who shares what with whom: the part every sharing DTO has (sharing.service.ts `parties`). */
const PartiesProps = {
  resourceId: Type.String(),
  resourceCode: Type.String(),
  resourceName: Type.String(),
  providerDepartmentId: Type.String(),
  providerDepartmentName: Type.String(),
  consumerDepartmentId: Type.String(),
  consumerDepartmentName: Type.String(),
};

export const RequestSchema = Type.Object({
  id: Type.String(),
  ...PartiesProps,
  resourceVersion: Type.Integer(),
  fields: Type.Array(Type.String()),
  wholeResource: Type.Boolean(),
  purpose: Type.String(),
  dutyBasis: Type.String(),
  scopeOfUse: Type.String(),
  validFrom: Type.String(),
  validTo: Type.String(),
  status: lit(REQUEST_STATUSES, '状态 / status'),
  requestedBy: Type.String(),
  receivedAt: DateTime(),
  deadline: DateTime('答复期限（10 个工作日，当日 24 时止）/ answer deadline, end of the 10th working day'),
  deadlineDate: Type.String(),
  remindAt5: Type.String({ description: '第 5 个工作日提醒 / reminder on the 5th working day' }),
  remindAt8: Type.String({ description: '第 8 个工作日提醒 / reminder on the 8th working day' }),
  stage: lit(STAGES, '时限状态 / where the request stands against its deadline (on the day answered, or today)'),
  overdue: Type.Boolean(),
  workingDaysLeft: nullable(Type.Integer({ description: '距答复期限的剩余工作日（待答复时；期限当日为 0，超期为负）/ working days left to the deadline while pending; 0 on the deadline day, negative when overdue' })),
  answeredAt: nullable(DateTime()),
  answeredBy: nullable(Type.String()),
  answerReasons: nullable(Type.String()),
  approvedFields: nullable(Type.Array(Type.String())),
  approvedValidTo: nullable(Type.String()),
  escalatedAt: nullable(DateTime()),
  escalationReasons: nullable(Type.String()),
  arbitratedAt: nullable(DateTime()),
  arbitratedBy: nullable(Type.String()),
  arbitrationReasons: nullable(Type.String()),
  grantId: nullable(Type.String()),
  createdAt: DateTime(),
  updatedAt: DateTime(),
});

export const GrantSchema = Type.Object({
  id: Type.String(),
  ...PartiesProps,
  kind: lit(['unconditional', 'conditional'] as const, '无条件共享 / 有条件共享'),
  requestId: nullable(Type.String()),
  fields: Type.Array(Type.String()),
  wholeResource: Type.Boolean(),
  purpose: Type.String(),
  validFrom: Type.String(),
  validTo: nullable(Type.String()),
  grantedBy: Type.String(),
  grantedAt: DateTime(),
  status: lit(GRANT_STATES, '状态 / state today'),
  revokedAt: nullable(DateTime()),
  revokedBy: nullable(Type.String()),
  revokeReasons: nullable(Type.String()),
});

export const EscalationSchema = Type.Object({
  id: Type.String(),
  ...PartiesProps,
  reasons: Type.String(),
  createdBy: Type.String(),
  createdAt: DateTime(),
  status: lit(ESCALATION_STATUSES, '状态：待答复 / 维持不予共享 / 责令共享'),
  answeredAt: nullable(DateTime()),
  answeredBy: nullable(Type.String()),
  answerReasons: nullable(Type.String()),
  dutyId: nullable(Type.String({ description: '责令共享时登记的共享责任 / the sharing duty recorded when sharing was ordered' })),
});

const ResourceWords = Type.Optional(Type.String({ maxLength: 100, description: '信息资源名称或代码包含 / resource name or code contains' }));
const Role = Type.Optional(lit(['consumer', 'provider', 'authority'] as const, '视角：申请方 / 提供方 / 共享主管部门'));

export const ListRequestsQuery = Strict({
  ...PageQuery,
  status: Type.Optional(lit(REQUEST_STATUSES, '状态 / status')),
  resourceId: Type.Optional(Uuid()),
  role: Role,
  overdue: Type.Optional(Type.Boolean({ description: '仅超期未答复 / only pending requests past their deadline' })),
  q: ResourceWords,
  receivedFrom: Type.Optional(Day('收到日期起（含）/ received on or after this CST day')),
  receivedTo: Type.Optional(Day('收到日期止（含）/ received on or before this CST day')),
});
export const ListGrantsQuery = Strict({
  ...PageQuery,
  status: Type.Optional(lit(GRANT_STATES, '状态 / state today')),
  resourceId: Type.Optional(Uuid()),
  role: Role,
  q: ResourceWords,
});
export const ListEscalationsQuery = Strict({ ...PageQuery, resourceId: Type.Optional(Uuid()), role: Role, status: Type.Optional(lit(ESCALATION_STATUSES, '状态 / status')) });

export const RequestPage = pageOf(RequestSchema);
export const GrantPage = pageOf(GrantSchema);
export const EscalationPage = pageOf(EscalationSchema);

// ---------------------------------------------------------------------------------------------
// Data disputes (疑义校核, R-SHR-5) and the sharing duty list (共享责任清单, R-EXC-7)

export const DISPUTE_STATUSES = ['open', 'corrected', 'rejected'] as const;
export const DUTY_STATUSES = ['fulfilled', 'pending', 'overdue', 'closed'] as const;

export const CreateDisputeBody = Strict({
  resourceId: Uuid('信息资源（须持有有效授权）/ resource the department holds a grant for'),
  recordKey: text(500, '记录标识（如统一社会信用代码）/ key of the record in question'),
  field: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$', description: '信息项英文名 / field by English name' }),
  issue: text(2000, '疑义内容 / what is wrong'),
  evidence: text(4000, '依据 / evidence'),
});
export const AnswerDisputeBody = Strict({
  outcome: lit(['corrected', 'rejected'] as const, '核实并更正 / 不予更正'),
  reasons: Reasons('说明（不予更正时必填）/ reasons (required when rejected)'),
});

export const DisputeSchema = Type.Object({
  id: Type.String(),
  ...PartiesProps,
  recordKey: Type.String(),
  field: Type.String(),
  fieldName: Type.String(),
  issue: Type.String(),
  evidence: Type.String(),
  status: lit(DISPUTE_STATUSES, '状态 / status'),
  raisedBy: Type.String(),
  raisedAt: DateTime(),
  answerWorkingDays: Type.Integer(),
  deadline: DateTime('答复期限（当日 24 时止）/ end of the due day, CST'),
  dueDate: Type.String({ description: '答复期限 / due date (working days from receipt)' }),
  overdue: Type.Boolean({ description: '超期未答复 / unanswered past the due date' }),
  answeredLate: Type.Boolean({ description: '超期答复 / answered after the due date' }),
  answeredAt: nullable(DateTime()),
  answeredBy: nullable(Type.String()),
  answerReasons: nullable(Type.String()),
});

export const ListDisputesQuery = Strict({
  ...PageQuery,
  status: Type.Optional(lit(DISPUTE_STATUSES, '状态 / status')),
  resourceId: Type.Optional(Uuid()),
  role: Role,
  overdue: Type.Optional(Type.Boolean({ description: '仅超期未答复 / only open disputes past their due date' })),
});
export const DisputePage = pageOf(DisputeSchema);

export const CreateDutyBody = Strict({
  providerDepartmentId: Uuid('提供部门 / provider department'),
  resourceId: Uuid('信息资源（属提供部门）/ the provider’s resource'),
  consumerDepartmentId: Uuid('使用部门 / consumer department'),
  description: text(2000, '共享责任 / what must be shared and why'),
  dueDate: Day('完成期限 / due date'),
});
export const CloseDutyBody = Strict({ reasons: Reasons('关闭理由 / reasons (required)') });

export const DutySchema = Type.Object({
  id: Type.String(),
  ...PartiesProps,
  description: Type.String(),
  dueDate: Type.String(),
  status: lit(DUTY_STATUSES, '履行状态（读取时计算）：已履行（存在有效授权）/ 待履行 / 超期 / 已关闭'),
  grantId: nullable(Type.String({ description: '履行该责任的有效授权 / the grant in force that fulfils it' })),
  recordedBy: Type.String(),
  recordedAt: DateTime(),
  closedAt: nullable(DateTime()),
  closedBy: nullable(Type.String()),
  closeReasons: nullable(Type.String()),
});
export const ListDutiesQuery = Strict({
  ...PageQuery,
  status: Type.Optional(lit(DUTY_STATUSES, '状态 / status today')),
  resourceId: Type.Optional(Uuid()),
  role: Role,
});
export const DutyPage = pageOf(DutySchema);
