import { api, type Page, type Query } from '../../api/client';

/** Typed calls of the exchange management API (server/src/modules/exchange/exchange.routes.ts). */

export const HEALTHS = ['online', 'silent', 'never', 'pending', 'revoked'] as const;
export const TASK_STATUSES = ['active', 'paused', 'stopped'] as const;
export const DELIVERY_STATUSES = ['queued', 'delivering', 'applied', 'failed', 'expired'] as const;
export const MASK_PRESETS = ['id_number', 'phone', 'name', 'bank_card'] as const;
export const HOPS = ['extracted', 'uploaded', 'routed', 'delivered', 'applied', 'failed', 'expired'] as const;
export const WARNING_KINDS = ['node_silent', 'task_failing', 'lag_high', 'row_count_abnormal', 'expiry_pending', 'expired'] as const;

export type Health = (typeof HEALTHS)[number];
export type TaskStatus = (typeof TASK_STATUSES)[number];
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export type MaskPreset = (typeof MASK_PRESETS)[number];
export type Hop = (typeof HOPS)[number];
export type WarningKind = (typeof WARNING_KINDS)[number];

export interface ExchangeNode {
  id: string;
  code: string;
  name: string;
  departmentId: string;
  departmentName: string;
  divisionCode: string;
  divisionName: string;
  status: 'pending' | 'active' | 'revoked';
  health: Health;
  clientId: string | null;
  keyFingerprint: string | null;
  enrolTokenExpiresAt: string | null;
  agentVersion: string | null;
  hostname: string | null;
  lastHeartbeatAt: string | null;
  queueDepth: number;
  lagSeconds: number;
  /** What the agent last reported per source task (its heartbeat): checkpoint and last error. */
  reported: Record<string, { checkpoint: string | null; lastError: string | null }> | null;
  createdBy: string;
  createdAt: string;
  enrolledAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

export interface EnrolToken {
  enrolToken: string;
  enrolTokenExpiresAt: string;
}

export interface TaskSource {
  connection: string;
  table: string | null;
  query: string | null;
  keyColumns: string[];
  incremental: { column: string; kind: 'timestamp' | 'sequence' } | null;
}
export interface TaskField {
  field: string;
  column: string;
  dataType: string;
  mask: { keepStart: number; keepEnd: number } | null;
}
export type Schedule = { kind: 'continuous'; pollSeconds: number } | { kind: 'interval'; seconds: number } | { kind: 'cron'; expression: string };
export interface Strategy {
  batchSize: number;
  priority: number;
  maxInFlight: number;
  window: { from: string; to: string } | null;
  settleSeconds: number;
}

export interface TaskTarget {
  id: string;
  nodeId: string;
  nodeCode: string;
  nodeName: string;
  consumerDepartmentId: string;
  consumerDepartmentName: string;
  grantId: string;
  purpose: string;
  connection: string;
  table: string;
  keyColumns: string[];
  mode: 'upsert' | 'append';
  columnMap: Record<string, string>;
  status: 'active' | 'stopped';
  statusCode: string | null;
  statusReason: string | null;
}

export interface ExchangeTask {
  id: string;
  name: string;
  resourceId: string;
  resourceCode: string;
  resourceName: string;
  providerDepartmentId: string;
  providerDepartmentName: string;
  sourceNodeId: string;
  sourceNodeCode: string;
  sourceNodeName: string;
  source: TaskSource;
  fields: TaskField[];
  schedule: Schedule;
  strategy: Strategy;
  status: TaskStatus;
  statusCode: string | null;
  statusReason: string | null;
  targets: TaskTarget[];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}
export type TaskDetail = ExchangeTask & { viewer: { manage: boolean } };

export interface CreateTaskBody {
  name: string;
  resourceId: string;
  sourceNodeId: string;
  source: TaskSource;
  fields: { field: string; column?: string; mask?: { preset: MaskPreset } | { keepStart: number; keepEnd: number } | null }[];
  schedule: Schedule;
  strategy?: Partial<Strategy>;
  targets: { nodeId: string; grantId: string; connection: string; table: string; keyColumns?: string[]; mode: 'upsert' | 'append'; columnMap?: Record<string, string> }[];
}

export interface BatchDelivery {
  id: string;
  targetId: string;
  nodeCode: string;
  status: DeliveryStatus;
  attempts: number;
  errorCode: string | null;
  errorMessage: string | null;
  appliedRows: number | null;
  settledAt: string | null;
}
export interface Batch {
  id: string;
  seq: number;
  kind: 'rows' | 'file';
  sm3: string;
  bytes: number;
  rowCount: number;
  receivedAt: string;
  checkpoint: { from: string | null; to: string | null } | null;
  deliveries: BatchDelivery[];
}

export interface Delivery {
  id: string;
  batchId: string;
  taskId: string;
  taskName: string;
  targetId: string;
  nodeCode: string;
  nodeName: string;
  seq: number;
  status: DeliveryStatus;
  attempts: number;
  errorCode: string | null;
  errorMessage: string | null;
  retryable: boolean | null;
  bytes: number;
  createdAt: string;
  settledAt: string | null;
  availableAt: string;
}

export interface ProvenanceItem {
  hop: Hop;
  at: string;
  bytes: number | null;
  rowCount: number | null;
  targetId: string | null;
  nodeCode: string | null;
  detail: unknown;
}

export interface SeriesPoint {
  at: string;
  appliedRows: number;
  appliedBatches: number;
  failures: number;
  lagSeconds: number | null;
}
export interface Series {
  unit: 'minute' | 'hour';
  points: SeriesPoint[];
}

export interface Topology {
  nodes: { id: string; code: string; name: string; departmentName: string; health: Health; queueDepth: number; lagSeconds: number }[];
  edges: { taskId: string; taskName: string; source: string; target: string; status: string; rows24h: number }[];
}

export interface Overview {
  nodes: Record<Health, number>;
  tasks: Record<TaskStatus, number>;
  deliveries: { queued: number; failed: number };
  rowsApplied24h: number;
  openWarnings: number;
}

export interface ExchangeWarning {
  id: string;
  kind: WarningKind;
  nodeId: string | null;
  nodeCode: string | null;
  taskId: string | null;
  taskName: string | null;
  message: string;
  messageZh: string;
  detail: unknown;
  raisedAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
}

/** A grant as the task form needs it (GET /api/sharing/grants). */
export interface GrantOption {
  id: string;
  resourceId: string;
  providerDepartmentId: string;
  consumerDepartmentId: string;
  consumerDepartmentName: string;
  fields: string[];
  wholeResource: boolean;
  purpose: string;
  status: string;
  validTo: string | null;
}

/** A published catalog entry as the task form needs it. */
export interface ResourceOption {
  id: string;
  code: string;
  name: string;
  providerDepartmentId: string;
  providerDepartmentName: string;
  publishedVersion: number | null;
}
export interface CatalogField {
  name: string;
  englishName: string;
  dataType: string;
  personal: boolean;
  sensitive: boolean;
  shareType?: 'unconditional' | 'conditional' | 'none';
}
/** GET /api/catalog/resources/:id/versions/:version: the entry with that version's content. */
export interface PublishedVersion {
  version: { version: number; content: { fields: CatalogField[]; share: { type: string; modes: string[] } } };
}

export interface Topic {
  id: string;
  code: string;
  name: string;
  resourceId: string;
  resourceCode: string;
  resourceName: string;
  providerDepartmentId: string;
  providerDepartmentName: string;
  keyField: string;
  fields: string[];
  eventTypes: string[];
  retentionHours: number;
  lastSeq: number;
  eventsRetained: number;
  createdBy: string;
  createdAt: string;
}
export interface Subscription {
  id: string;
  topicId: string;
  topicCode: string;
  topicName: string;
  nodeId: string;
  nodeCode: string;
  consumerDepartmentId: string;
  consumerDepartmentName: string;
  grantId: string;
  purpose: string;
  fields: string[];
  connection: string;
  table: string;
  mode: 'upsert' | 'append';
  cursor: number;
  backlog: number;
  status: string;
  statusCode: string | null;
  statusReason: string | null;
  createdAt: string;
  lastAckAt: string | null;
  /** The subscriber agent's last error writing events (its heartbeat), null when it writes fine. */
  agentError: string | null;
  agentErrorAt: string | null;
}
export type TopicDetail = Topic & { subscriptions: Subscription[]; viewer: { manage: boolean } };

const n = (id: string) => `/api/exchange/nodes/${id}`;
const tk = (id: string) => `/api/exchange/tasks/${id}`;

export const exchangeApi = {
  nodes: (q: Query & { page?: number; pageSize?: number; departmentId?: string; grantId?: string; status?: string; q?: string }) => api.get<Page<ExchangeNode>>('/api/exchange/nodes', q),
  node: (id: string) => api.get<ExchangeNode>(n(id)),
  registerNode: (body: { code: string; name: string; departmentId: string }) => api.post<{ node: ExchangeNode } & EnrolToken>('/api/exchange/nodes', body),
  reissueToken: (id: string) => api.post<EnrolToken>(`${n(id)}/enrolment-token`),
  revokeNode: (id: string, reasons?: string) => api.post<ExchangeNode>(`${n(id)}/revoke`, { reasons }),

  tasks: (q: Query & { page?: number; pageSize?: number; status?: TaskStatus; nodeId?: string; resourceId?: string; q?: string }) => api.get<Page<ExchangeTask>>('/api/exchange/tasks', q),
  task: (id: string) => api.get<TaskDetail>(tk(id)),
  createTask: (body: CreateTaskBody) => api.post<ExchangeTask>('/api/exchange/tasks', body),
  updateTask: (id: string, body: { name?: string; schedule?: CreateTaskBody['schedule']; strategy?: CreateTaskBody['strategy'] }) => api.patch<ExchangeTask>(tk(id), body),
  changeTask: (id: string, action: 'pause' | 'resume' | 'stop', reasons?: string) => api.post<ExchangeTask>(`${tk(id)}/${action}`, { reasons }),
  batches: (id: string, q: { page?: number; pageSize?: number }) => api.get<Page<Batch>>(`${tk(id)}/batches`, q),
  series: (id: string, hours = 24) => api.get<Series>(`${tk(id)}/series`, { hours }),
  provenance: (batchId: string) => api.get<{ items: ProvenanceItem[] }>(`/api/exchange/batches/${batchId}/provenance`),

  deliveries: (q: Query & { page?: number; pageSize?: number; status?: DeliveryStatus; taskId?: string }) => api.get<Page<Delivery>>('/api/exchange/deliveries', q),
  retry: (id: string) => api.post<void>(`/api/exchange/deliveries/${id}/retry`),

  topology: () => api.get<Topology>('/api/exchange/topology'),
  overview: () => api.get<Overview>('/api/exchange/overview'),
  warnings: (q: Query & { page?: number; pageSize?: number; status?: 'open' | 'resolved' }) => api.get<Page<ExchangeWarning>>('/api/exchange/warnings', q),

  topics: (q: Query & { page?: number; pageSize?: number; q?: string }) => api.get<Page<Topic>>('/api/exchange/topics', q),
  topic: (id: string) => api.get<TopicDetail>(`/api/exchange/topics/${id}`),
  createTopic: (body: { code: string; name: string; resourceId: string; keyField: string; fields: string[]; eventTypes: string[]; retentionHours?: number }) =>
    api.post<Topic>('/api/exchange/topics', body),
  subscribe: (topicId: string, body: { nodeId: string; grantId: string; connection: string; table: string; mode: 'upsert' | 'append'; from: string }) =>
    api.post<Subscription>(`/api/exchange/topics/${topicId}/subscriptions`, body),
  rewind: (id: string, from: string) => api.post<Subscription>(`/api/exchange/subscriptions/${id}/rewind`, { from }),

  // What the task form reads from the catalog and sharing APIs.
  publishedResources: (q: Query & { q?: string; providerDepartmentId?: string }) =>
    api.get<Page<ResourceOption>>('/api/catalog/resources', { ...q, status: 'published', page: 1, pageSize: 50 }),
  publishedVersion: (id: string, version: number) => api.get<PublishedVersion>(`/api/catalog/resources/${id}/versions/${version}`),
  grants: (resourceId: string, role?: 'consumer' | 'provider') => api.get<Page<GrantOption>>('/api/sharing/grants', { resourceId, role, status: 'active', page: 1, pageSize: 100 }),
};
