import { Type } from 'typebox';
import { PageQuery } from '../../kernel/pagination.ts';
import { Strict, Uuid } from '../../kernel/schema.ts';

const text = (max: number, description: string) => Type.String({ minLength: 1, maxLength: max, description });
const lit = <const T extends readonly string[]>(values: T, description: string) =>
  Type.Unsafe<T[number]>(Type.Union(values.map((v) => Type.Literal(v)), { description }));
const Column = (description: string) => Type.String({ minLength: 1, maxLength: 63, description });
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const IdParams = Strict({ id: Uuid() });
export const Reasons = Strict({ reasons: Type.Optional(Type.String({ maxLength: 2000, description: '理由 / reasons' })) });

// --- nodes -------------------------------------------------------------------------------------
export const RegisterNodeBody = Strict({
  code: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$', description: '节点编码（小写字母、数字、-）/ node code' }),
  name: text(200, '节点名称 / name'),
  departmentId: Uuid('所属部门 / department'),
});
export const NodeQuery = Strict({
  ...PageQuery,
  departmentId: Type.Optional(Uuid()),
  grantId: Type.Optional(Uuid('可作为该授权交换目标的节点（提供方配置任务时用）/ nodes a task under this grant may deliver to')),
  status: Type.Optional(lit(['pending', 'active', 'revoked'], '状态 / status')),
  q: Type.Optional(Type.String({ maxLength: 100, description: '名称、编码或部门 / name, code or department' })),
});
export const EnrolBody = Strict({
  token: Type.String({ minLength: 10, maxLength: 200 }),
  publicKey: Type.String({ minLength: 60, maxLength: 1000, description: 'SM2 公钥（PEM 或十六进制）/ SM2 public key' }),
  agentVersion: Type.String({ minLength: 1, maxLength: 40 }),
  hostname: Type.String({ minLength: 1, maxLength: 255 }),
});

// --- tasks -------------------------------------------------------------------------------------
const Mask = Type.Union([
  Strict({ preset: lit(['id_number', 'phone', 'name', 'bank_card'], '脱敏规则 / mask preset') }),
  Strict({ keepStart: Type.Integer({ minimum: 0, maximum: 64 }), keepEnd: Type.Integer({ minimum: 0, maximum: 64 }) }),
]);
export const Schedule = Type.Union([
  Strict({ kind: Type.Literal('continuous'), pollSeconds: Type.Integer({ minimum: 1, maximum: 3600, description: '轮询间隔（秒）/ poll every N seconds' }) }),
  Strict({ kind: Type.Literal('interval'), seconds: Type.Integer({ minimum: 10, maximum: 7 * 86400, description: '间隔（秒）/ every N seconds' }) }),
  Strict({ kind: Type.Literal('cron'), expression: Type.String({ minLength: 9, maxLength: 100, description: 'cron（北京时间）/ cron, China Standard Time' }) }),
]);
const StrategyPatch = Strict({
  batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200_000, description: '每批行数 / rows per batch' })),
  priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 9, description: '优先级（9 最高）/ priority' })),
  maxInFlight: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, description: '最多在途批次 / batches in flight' })),
  window: Type.Optional(nullable(Strict({ from: Type.String({ maxLength: 5 }), to: Type.String({ maxLength: 5 }) }))),
  settleSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 600, description: '稳定等待（秒）：增量只读取该时长之前已提交的数据，防止迟提交的事务被跳过 / settle window: read only what was visible this long ago, so late commits are not skipped' })),
});
export const CreateTaskBody = Strict({
  name: text(200, '任务名称 / name'),
  resourceId: Uuid('已发布的目录资源 / published catalog resource'),
  sourceNodeId: Uuid('源节点（提供部门的前置机）/ source node'),
  source: Strict({
    kind: Type.Optional(lit(['rows', 'files'], '数据行（表或查询）或文件（目录）/ rows (table or query) or files (a folder)')),
    connection: Type.String({ minLength: 1, maxLength: 32, description: '前置机配置中的连接名 / connection name in the agent config' }),
    table: nullable(Type.String({ minLength: 1, maxLength: 127, description: '来源表 / table' })),
    query: nullable(Type.String({ minLength: 1, maxLength: 20000, description: '或查询语句 / or a SELECT' })),
    keyColumns: Type.Array(Column('主键列 / key column'), { maxItems: 8 }),
    incremental: nullable(Strict({ column: Column('增量列 / incremental column'), kind: lit(['timestamp', 'sequence'], '增量类型 / kind') })),
  }),
  fields: Type.Array(
    Strict({
      field: Type.String({ minLength: 1, maxLength: 64, description: '目录信息项英文名 / catalog field' }),
      column: Type.Optional(Column('来源列（缺省同名）/ source column, default the field name')),
      mask: Type.Optional(nullable(Mask)),
    }),
    { maxItems: 500 },
  ),
  schedule: Schedule,
  strategy: Type.Optional(StrategyPatch),
  targets: Type.Array(
    Strict({
      nodeId: Uuid('目标节点 / target node'),
      grantId: Uuid('共享授权 / grant'),
      connection: Type.String({ minLength: 1, maxLength: 32 }),
      table: Type.Optional(Type.String({ minLength: 1, maxLength: 127, description: '目标表（文件类任务不填）/ target table; none for files' })),
      keyColumns: Type.Optional(Type.Array(Column('目标主键列 / target key column'), { minItems: 1, maxItems: 8 })),
      mode: lit(['upsert', 'append'], '写入方式 / upsert or append'),
      columnMap: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Column('目标列 / target column'))),
    }),
    { maxItems: 50 },
  ),
});
/** What can change on a running task; its source, fields and targets stay (a new task for those). */
export const UpdateTaskBody = Type.Object(
  {
    name: Type.Optional(text(200, '任务名称 / name')),
    schedule: Type.Optional(Schedule),
    strategy: Type.Optional(StrategyPatch),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const TaskQuery = Strict({
  ...PageQuery,
  status: Type.Optional(lit(['active', 'paused', 'stopped'], '状态 / status')),
  nodeId: Type.Optional(Uuid()),
  resourceId: Type.Optional(Uuid()),
  q: Type.Optional(Type.String({ maxLength: 100 })),
});
export const BatchQuery = Strict({ ...PageQuery });
export const DeliveryQuery = Strict({
  ...PageQuery,
  status: Type.Optional(lit(['queued', 'delivering', 'applied', 'failed', 'expired'], '状态 / status')),
  taskId: Type.Optional(Uuid()),
});
export const WarningQuery = Strict({
  ...PageQuery,
  status: Type.Optional(lit(['open', 'resolved'], '状态 / open or resolved')),
  kind: Type.Optional(lit(['node_silent', 'task_failing', 'lag_high', 'row_count_abnormal', 'expiry_pending', 'expired'], '类型 / kind')),
  taskId: Type.Optional(Uuid()),
});
export const SeriesQuery = Strict({ hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 31, default: 24 })) });

// --- agent API -----------------------------------------------------------------------------------
export const HeartbeatBody = Strict({
  agentVersion: Type.String({ minLength: 1, maxLength: 40 }),
  hostname: Type.String({ minLength: 1, maxLength: 255 }),
  queueDepth: Type.Integer({ minimum: 0 }),
  lagSeconds: Type.Integer({ minimum: 0 }),
  tasks: Type.Array(Strict({ taskId: Uuid(), checkpoint: nullable(Type.String({ maxLength: 4000 })), lastError: nullable(Type.String({ maxLength: 4000 })) }), { maxItems: 1000 }),
  /** Each subscription's last error at the agent (null: writing events works). */
  subscriptions: Type.Optional(Type.Array(Strict({ subscriptionId: Uuid(), lastError: nullable(Type.String({ maxLength: 4000 })) }), { maxItems: 1000 })),
});
export const ConfigChangesQuery = Strict({
  wait: Type.Optional(Type.Integer({ minimum: 0, maximum: 30, default: 0 })),
  version: Type.Optional(Type.String({ pattern: '^[0-9a-f]{32}$', description: '代理持有的配置版本 / the configuration version the agent holds' })),
});
export const BatchParams = Strict({ batchId: Uuid() });
export const DeliveryParams = Strict({ deliveryId: Uuid() });
export const DeliveriesQuery = Strict({
  wait: Type.Optional(Type.Integer({ minimum: 0, maximum: 30, default: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, default: 8 })),
  /** Deliveries per target the agent may hold at once (fetch the next while applying one); 1 = one at a time. */
  window: Type.Optional(Type.Integer({ minimum: 1, maximum: 4, default: 1 })),
});
export const ReleaseBody = Strict({
  deliveryIds: Type.Optional(Type.Array(Uuid(), { minItems: 1, maxItems: 256 })),
  all: Type.Optional(Type.Boolean()),
  retryAfterSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
  reason: Type.Optional(Type.String({ maxLength: 500 })),
});
export const AckBody = Strict({ appliedRows: Type.Integer({ minimum: 0 }), alreadyApplied: Type.Boolean() });
export const FailBody = Strict({
  code: Type.String({ pattern: '^[A-Z][A-Z0-9_]{2,63}$' }),
  message: Type.String({ minLength: 1, maxLength: 4000 }),
  retryable: Type.Boolean(),
});

/** The batch manifest (docs/exchange-protocol.md §3), checked on upload. */
export const Manifest = Strict({
  v: Type.Literal(1),
  batchId: Uuid(),
  taskId: Uuid(),
  sourceNodeId: Uuid(),
  seq: Type.Integer({ minimum: 1 }),
  kind: lit(['rows', 'file'], 'kind'),
  format: lit(['csv', 'binary'], 'format'),
  columns: Type.Array(Strict({ name: Type.String({ maxLength: 64 }), type: Type.String({ maxLength: 32 }) }), { maxItems: 500 }),
  rowCount: Type.Integer({ minimum: 0 }),
  bytes: Type.Integer({ minimum: 0 }),
  sm3: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  // How the body is encoded on the wire (absent: identity); bytes and sm3 are of the encoded body,
  // rawBytes of the decoded one (protocol §3, ADR 0013).
  encoding: Type.Optional(lit(['identity', 'zstd'], 'encoding')),
  rawBytes: Type.Optional(Type.Integer({ minimum: 0 })),
  checkpoint: Strict({ from: nullable(Type.String({ maxLength: 4000 })), to: nullable(Type.String({ maxLength: 4000 })) }),
  snapshot: nullable(Strict({ id: Uuid(), part: Type.Integer({ minimum: 1 }), last: Type.Boolean() })),
  file: nullable(Strict({ name: Type.String({ minLength: 1, maxLength: 255 }), contentType: Type.String({ maxLength: 127 }) })),
  createdAt: Type.String({ format: 'date-time' }),
});

// --- publish/subscribe -------------------------------------------------------------------------
const FieldName = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' });
const From = Type.String({ minLength: 6, maxLength: 40, description: "从何处开始：earliest（保留期内全部）、latest（仅新事件）或 ISO 时间 / 'earliest', 'latest' or an ISO time" });
export const CreateTopicBody = Strict({
  code: Type.String({ pattern: '^[a-z][a-z0-9._-]{1,62}$', description: '主题编码，如 licence.issued / topic code' }),
  name: text(200, '主题名称 / name'),
  resourceId: Uuid('已发布的目录资源 / published catalog resource'),
  keyField: FieldName,
  fields: Type.Array(FieldName, { minItems: 1, maxItems: 200, description: '事件携带的信息项 / fields events carry' }),
  eventTypes: Type.Array(Type.String({ pattern: '^[a-z][a-z0-9._-]{1,62}$' }), { minItems: 1, maxItems: 50, description: '事件类型，如 licence.issued、address.changed / event types' }),
  retentionHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 8760, description: '保留时长（小时，默认 168）/ retention, hours' })),
});
export const TopicQuery = Strict({ ...PageQuery, resourceId: Type.Optional(Uuid()), q: Type.Optional(Type.String({ maxLength: 100 })) });
export const SubscribeBody = Strict({
  nodeId: Uuid('订阅节点 / subscribing node'),
  grantId: Uuid('共享授权 / grant'),
  connection: Type.String({ minLength: 1, maxLength: 32 }),
  table: Type.String({ minLength: 1, maxLength: 127, description: '写入的表 / table the agent writes to' }),
  mode: lit(['upsert', 'append'], '按键更新（最新状态）或追加（事件日志）/ upsert by key or append'),
  columnMap: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Column('目标列 / target column'))),
  from: From,
});
export const RewindBody = Strict({ from: From });
export const SubscriptionQuery = Strict({ ...PageQuery, topicId: Type.Optional(Uuid()), nodeId: Type.Optional(Uuid()) });
export const TopicCodeParams = Strict({ code: Type.String({ pattern: '^[a-z][a-z0-9._-]{1,62}$' }) });
export const SubscriptionParams = Strict({ subscriptionId: Uuid() });
export const PublishBody = Strict({
  events: Type.Array(
    Strict({
      id: Type.Optional(Uuid('事件标识（重发时去重）/ event id, for de-duplication')),
      key: Type.String({ minLength: 1, maxLength: 200 }),
      type: Type.String({ minLength: 1, maxLength: 63 }),
      payload: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown()),
      occurredAt: Type.Optional(Type.String({ format: 'date-time' })),
    }),
    { minItems: 1, maxItems: 1000 },
  ),
});
export const EventsQuery = Strict({
  after: Type.Optional(Type.Integer({ minimum: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 500 })),
  wait: Type.Optional(Type.Integer({ minimum: 0, maximum: 30, default: 0 })),
});
export const EventAckBody = Strict({ seq: Type.Integer({ minimum: 1 }) });
