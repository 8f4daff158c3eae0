import type { ColumnType, Generated } from 'kysely';

/** Kysely table types. One interface per table; keep in step with migrations/*.sql. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface DivisionTable {
  code: string;
  name: string;
  level: 'province' | 'city' | 'county' | 'township' | 'village';
  parent_code: string | null;
  path: string;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface DepartmentTable {
  id: Generated<string>;
  name: string;
  short_name: string | null;
  uscc: string;
  legacy_code: Generated<boolean>;
  division_code: string;
  parent_id: string | null;
  kind: string;
  enabled: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface UserTable {
  id: Generated<string>;
  username: string;
  display_name: string;
  department_id: string;
  email: string | null;
  phone: string | null;
  enabled: Generated<boolean>;
  password_hash: string;
  must_change_password: Generated<boolean>;
  password_changed_at: Timestamp | null;
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  last_login_at: Timestamp | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface UserRoleTable {
  user_id: string;
  role: string;
  scope: 'department' | 'division' | 'platform';
  created_at: DefaultTimestamp;
}

export interface SessionTable {
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
  revoked_at: Timestamp | null;
}

export interface ClientTable {
  id: Generated<string>;
  client_id: string;
  name: string;
  kind: 'system' | 'agent';
  department_id: string;
  public_key: string;
  key_fingerprint: string;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface ClientRoleTable {
  client_id: string;
  role: string;
  scope: 'department' | 'division' | 'platform';
}

export interface ClientNonceTable {
  client_id: string;
  nonce: string;
  seen_at: Timestamp;
}

export interface AuditEntryTable {
  id: Generated<number>;
  occurred_at: Timestamp;
  actor_kind: 'user' | 'client' | 'anonymous' | 'system';
  actor_id: string | null;
  actor_name: string | null;
  department_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  summary: unknown;
  ip: string | null;
  request_id: string | null;
  outcome: 'success' | 'failure' | 'denied';
  error_code: string | null;
  batch_no: number | null;
}

export interface AuditBatchTable {
  batch_no: number;
  sealed_at: Timestamp;
  entry_count: number;
  entry_ids: number[];
  leaves: Uint8Array;
  merkle_root: Uint8Array;
  prev_chain_hash: Uint8Array;
  chain_hash: Uint8Array;
  signature: Uint8Array;
  key_fingerprint: string;
}

export interface CalendarYearTable {
  year: number;
  data: unknown;
  updated_at: DefaultTimestamp;
  updated_by: string | null;
}

export interface ClassificationTable {
  code: string;
  name: string;
  kind: 'base' | 'theme' | 'department';
  level: 'class' | 'item' | 'catalog' | 'detail';
  parent_code: string | null;
  base_resource: Generated<boolean>;
  created_at: DefaultTimestamp;
}

export interface CodeSequenceTable {
  prefix: string;
  last_value: number;
}

export type ResourceStatus = 'draft' | 'submitted' | 'returned' | 'published' | 'withdrawn';

export interface ResourceTable {
  id: Generated<string>;
  code: string;
  classification_code: string;
  provider_department_id: string;
  status: ResourceStatus;
  latest_version: number;
  published_version: number | null;
  name: string;
  summary: string;
  share_type: string;
  open_type: string;
  update_cycle: string;
  format: string;
  is_base: Generated<boolean>;
  search_tokens: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
  published_at: Timestamp | null;
  withdrawn_at: Timestamp | null;
}

export interface ResourceVersionTable {
  resource_id: string;
  version: number;
  content: unknown;
  state: 'draft' | 'submitted' | 'returned' | 'published' | 'superseded' | 'withdrawn';
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  submitted_at: Timestamp | null;
  reviewed_by: string | null;
  reviewed_at: Timestamp | null;
  review_note: string | null;
}

export interface NoticeTable {
  id: Generated<string>;
  department_id: string;
  kind: string;
  title: string;
  body: string;
  link: string;
  resource_id: string | null;
  created_at: Timestamp;
  read_at: Timestamp | null;
  read_by: string | null;
}

/** A reminder / overdue stage whose notices were sent (migration 0013). */
export interface SentStageTable {
  object_type: string;
  object_id: string;
  stage: string;
  sent_at: Timestamp;
}

export interface SubscriptionTable {
  resource_id: string;
  department_id: string;
  created_by: string;
  created_at: Timestamp;
}

export interface UpdateDutyTable {
  id: Generated<string>;
  department_id: string;
  reason: 'law' | 'duty';
  basis: string;
  recorded_by: string;
  recorded_by_department_id: string;
  recorded_at: Timestamp;
  /** A `date`: select it as `due_date::text` (YYYY-MM-DD); the drivers would turn it into a local Date. */
  due_date: ColumnType<string, string, string>;
  status: ColumnType<'open' | 'fulfilled', 'open' | 'fulfilled' | undefined, 'open' | 'fulfilled'>;
  fulfilled_at: Timestamp | null;
  fulfilled_by: string | null;
  note: string | null;
}

export interface SharingRequestTable {
  id: Generated<string>;
  resource_id: string;
  resource_code: string;
  resource_name: string;
  resource_version: number;
  provider_department_id: string;
  consumer_department_id: string;
  fields: string[];
  whole_resource: boolean;
  purpose: string;
  duty_basis: string;
  scope_of_use: string;
  /** CST dates as 'YYYY-MM-DD' text. */
  valid_from: string;
  valid_to: string;
  status: SharingRequestStatus;
  requested_by: string;
  received_at: Timestamp;
  deadline: Timestamp;
  deadline_date: string;
  remind_at_5: string;
  remind_at_8: string;
  answered_at: Timestamp | null;
  answered_by: string | null;
  answer_reasons: string | null;
  approved_fields: string[] | null;
  approved_valid_to: string | null;
  escalated_at: Timestamp | null;
  escalated_by: string | null;
  escalation_reasons: string | null;
  arbitrated_at: Timestamp | null;
  arbitrated_by: string | null;
  arbitration_reasons: string | null;
  grant_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type SharingRequestStatus = 'pending' | 'approved' | 'refused' | 'escalated' | 'arbitration_approved' | 'arbitration_refused';

export interface SharingGrantTable {
  id: Generated<string>;
  resource_id: string;
  resource_code: string;
  resource_name: string;
  provider_department_id: string;
  consumer_department_id: string;
  kind: 'unconditional' | 'conditional';
  request_id: string | null;
  fields: string[];
  whole_resource: boolean;
  purpose: string;
  valid_from: string;
  valid_to: string | null;
  granted_by: string;
  granted_at: Timestamp;
  status: 'active' | 'revoked';
  revoked_at: Timestamp | null;
  revoked_by: string | null;
  revoke_reasons: string | null;
}

export interface SharingEscalationTable {
  id: Generated<string>;
  resource_id: string;
  resource_code: string;
  resource_name: string;
  provider_department_id: string;
  consumer_department_id: string;
  reasons: string;
  created_by: string;
  created_at: Timestamp;
  status: Generated<SharingEscalationStatus>;
  answered_at: Timestamp | null;
  answered_by: string | null;
  answer_reasons: string | null;
  duty_id: string | null;
}

export type SharingEscalationStatus = 'open' | 'upheld' | 'share_ordered';

export interface SharingDisputeTable {
  id: Generated<string>;
  resource_id: string;
  resource_code: string;
  resource_name: string;
  provider_department_id: string;
  consumer_department_id: string;
  record_key: string;
  field: string;
  field_name: string;
  issue: string;
  evidence: string;
  status: SharingDisputeStatus;
  raised_by: string;
  raised_at: Timestamp;
  answer_working_days: number;
  deadline: Timestamp;
  /** CST date 'YYYY-MM-DD' (text). */
  due_date: string;
  answered_at: Timestamp | null;
  answered_by: string | null;
  answer_reasons: string | null;
}

export type SharingDisputeStatus = 'open' | 'corrected' | 'rejected';

export interface SharingDutyTable {
  id: Generated<string>;
  provider_department_id: string;
  resource_id: string;
  resource_code: string;
  resource_name: string;
  consumer_department_id: string;
  description: string;
  /** CST date 'YYYY-MM-DD' (text). */
  due_date: string;
  recorded_by: string;
  recorded_at: Timestamp;
  closed_at: Timestamp | null;
  closed_by: string | null;
  close_reasons: string | null;
}

/** A failing (五类问题) recorded by the sharing authority (0011_sharing_stats.sql). */
export interface SharingFailingTable {
  id: Generated<string>;
  department_id: string;
  kind: 'not_catalogued' | 'not_provided' | 'inconsistent' | 'misuse' | 'other';
  description: string;
  evidence: string;
  resource_id: string | null;
  resource_code: string | null;
  resource_name: string | null;
  recorded_by: string;
  recorded_by_department_id: string;
  recorded_at: Timestamp;
}

export interface MigrationTable {
  name: string;
  checksum: string;
  applied_at: DefaultTimestamp;
}

// --- exchange (0015) ---------------------------------------------------------------------------
type Json<T> = ColumnType<T, string, string>;

export interface ExchangeNodeTable {
  id: Generated<string>;
  code: string;
  name: string;
  department_id: string;
  status: 'pending' | 'active' | 'revoked';
  client_id: string | null;
  enrol_token_hash: string | null;
  enrol_token_expires_at: Timestamp | null;
  agent_version: string | null;
  hostname: string | null;
  last_heartbeat_at: Timestamp | null;
  queue_depth: number | null;
  lag_seconds: number | null;
  reported: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_by: string;
  created_at: Timestamp;
  enrolled_at: Timestamp | null;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
}

export interface ExchangeTaskTable {
  id: Generated<string>;
  name: string;
  resource_id: string;
  resource_code: string;
  resource_name: string;
  provider_department_id: string;
  source_node_id: string;
  source: Json<unknown>;
  fields: Json<unknown>;
  schedule: Json<unknown>;
  strategy: Json<unknown>;
  status: 'active' | 'paused' | 'stopped';
  status_code: string | null;
  status_reason: string | null;
  next_seq: Generated<string>;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ExchangeTargetTable {
  id: Generated<string>;
  task_id: string;
  node_id: string;
  consumer_department_id: string;
  grant_id: string;
  purpose: string;
  connection: string;
  table_name: string;
  key_columns: string[];
  mode: 'upsert' | 'append';
  column_map: Json<Record<string, string>>;
  status: 'active' | 'stopped';
  status_code: string | null;
  status_reason: string | null;
}

export interface ExchangeBatchTable {
  id: string;
  task_id: string;
  source_node_id: string;
  seq: ColumnType<string, number | string, number | string>;
  kind: 'rows' | 'file';
  manifest: Json<unknown>;
  manifest_signature: string;
  sm3: string;
  bytes: ColumnType<string, number | string, number | string>;
  row_count: number;
  received_at: Timestamp;
  settled_at: Timestamp | null;
}

export interface ExchangeDeliveryTable {
  id: Generated<string>;
  batch_id: string;
  task_id: string;
  target_id: string;
  node_id: string;
  seq: ColumnType<string, number | string, number | string>;
  priority: number;
  bytes: ColumnType<string, number | string, number | string>;
  status: 'queued' | 'delivering' | 'applied' | 'failed' | 'expired';
  attempts: Generated<number>;
  lease_until: Timestamp | null;
  available_at: Timestamp;
  error_code: string | null;
  error_message: string | null;
  retryable: boolean | null;
  applied_rows: number | null;
  created_at: Timestamp;
  delivered_at: Timestamp | null;
  settled_at: Timestamp | null;
}

export interface ExchangeProvenanceTable {
  id: Generated<string>;
  batch_id: string;
  task_id: string;
  target_id: string | null;
  node_id: string | null;
  hop: 'extracted' | 'uploaded' | 'routed' | 'delivered' | 'applied' | 'failed' | 'expired';
  at: Timestamp;
  bytes: ColumnType<string | null, number | string | null, number | string | null> ;
  row_count: number | null;
  detail: ColumnType<unknown, string | null, string | null>;
}

export interface ExchangeWarningTable {
  id: Generated<string>;
  kind: 'node_silent' | 'task_failing' | 'lag_high' | 'row_count_abnormal' | 'expiry_pending' | 'expired';
  subject: string;
  node_id: string | null;
  task_id: string | null;
  department_id: string;
  message: string;
  message_zh: string;
  detail: ColumnType<unknown, string | null, string | null>;
  raised_at: Timestamp;
  last_seen_at: Timestamp;
  resolved_at: Timestamp | null;
}

export interface ExchangeTopicTable {
  id: Generated<string>;
  code: string;
  name: string;
  resource_id: string;
  resource_code: string;
  resource_name: string;
  provider_department_id: string;
  key_field: string;
  fields: string[];
  event_types: string[];
  retention_hours: number;
  next_seq: ColumnType<string, number | string | undefined, number | string>;
  created_by: string;
  created_at: Timestamp;
}

export interface ExchangeTopicEventTable {
  topic_id: string;
  seq: ColumnType<string, number | string, number | string>;
  id: string;
  key: string;
  type: string;
  payload: Json<Record<string, unknown>>;
  occurred_at: Timestamp;
  published_at: Timestamp;
  publisher_node_id: string;
}

export interface ExchangeSubscriptionTable {
  id: Generated<string>;
  topic_id: string;
  node_id: string;
  consumer_department_id: string;
  grant_id: string;
  purpose: string;
  fields: string[];
  connection: string;
  table_name: string;
  mode: 'upsert' | 'append';
  column_map: Json<Record<string, string>>;
  cursor: ColumnType<string, number | string | undefined, number | string>;
  status: 'active' | 'stopped';
  status_code: string | null;
  status_reason: string | null;
  created_by: string;
  created_at: Timestamp;
  last_ack_at: Timestamp | null;
  agent_error: string | null;
  agent_error_at: Timestamp | null;
}

export interface DB {
  'identity.division': DivisionTable;
  'identity.department': DepartmentTable;
  'identity.user': UserTable;
  'identity.user_role': UserRoleTable;
  'identity.session': SessionTable;
  'identity.client': ClientTable;
  'identity.client_role': ClientRoleTable;
  'identity.client_nonce': ClientNonceTable;
  'audit.entry': AuditEntryTable;
  'audit.batch': AuditBatchTable;
  'calendar.year': CalendarYearTable;
  'catalog.classification': ClassificationTable;
  'catalog.code_sequence': CodeSequenceTable;
  'catalog.resource': ResourceTable;
  'catalog.resource_version': ResourceVersionTable;
  'notifications.notice': NoticeTable;
  'notifications.sent_stage': SentStageTable;
  'catalog.subscription': SubscriptionTable;
  'catalog.update_duty': UpdateDutyTable;
  'sharing.request': SharingRequestTable;
  'sharing.grant': SharingGrantTable;
  'sharing.escalation': SharingEscalationTable;
  'sharing.dispute': SharingDisputeTable;
  'sharing.duty': SharingDutyTable;
  'sharing.failing': SharingFailingTable;
  'exchange.node': ExchangeNodeTable;
  'exchange.task': ExchangeTaskTable;
  'exchange.target': ExchangeTargetTable;
  'exchange.batch': ExchangeBatchTable;
  'exchange.delivery': ExchangeDeliveryTable;
  'exchange.provenance': ExchangeProvenanceTable;
  'exchange.warning': ExchangeWarningTable;
  'exchange.topic': ExchangeTopicTable;
  'exchange.topic_event': ExchangeTopicEventTable;
  'exchange.subscription': ExchangeSubscriptionTable;
  'public.zt_migration': MigrationTable;
}
