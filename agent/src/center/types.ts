// Wire shapes of docs/exchange-protocol.md, as the center sends and expects them.
import type { DataType } from '../connectors/types.ts';

export type TaskStatus = 'active' | 'paused' | 'stopped';

export type Schedule =
  | { kind: 'continuous'; pollSeconds: number }
  | { kind: 'interval'; seconds: number }
  | { kind: 'cron'; expression: string };

export interface SourceTask {
  taskId: string;
  name: string;
  status: TaskStatus;
  statusCode: string | null;
  statusReason: string | null;
  source: {
    connection: string;
    table: string | null;
    query: string | null;
    keyColumns: string[];
    incremental: { column: string; kind: 'timestamp' | 'sequence' } | null;
  };
  fields: { field: string; column: string; dataType: DataType; mask: { keepStart: number; keepEnd: number } | null }[];
  schedule: Schedule;
  strategy: {
    batchSize: number;
    priority: number;
    maxInFlight: number;
    window: { from: string; to: string } | null;
    /** Incremental sources read only what was visible this long ago (ADR 0015); absent from older centers: 0. */
    settleSeconds?: number;
  };
}

export interface TargetSpec {
  targetId: string;
  taskId: string;
  name: string;
  status: 'active' | 'stopped';
  statusCode: string | null;
  statusReason: string | null;
  connection: string;
  table: string;
  keyColumns: string[];
  mode: 'upsert' | 'append';
  columnMap: Record<string, string>;
}

export interface AgentConfigResponse {
  serverTime: string;
  node: { id: string; code: string; name: string; departmentId: string };
  sources: SourceTask[];
  targets: TargetSpec[];
  /** Publish/subscribe (ADR 0012); absent from a center older than it. */
  subscriptions?: SubscriptionSpec[];
  publications?: PublicationSpec[];
}

export interface SubscriptionSpec {
  subscriptionId: string;
  topicCode: string;
  keyField: string;
  /** The topic's fields the grant covers; events carry no others. */
  fields: string[];
  status: 'active' | 'stopped';
  statusCode: string | null;
  statusReason: string | null;
  connection: string;
  table: string;
  mode: 'upsert' | 'append';
  /** Field → target column. */
  columnMap: Record<string, string>;
  cursor: number;
}

export interface PublicationSpec {
  topicCode: string;
  keyField: string;
  fields: string[];
  eventTypes: string[];
}

export interface TopicEventIn {
  id?: string;
  key: string;
  type: string;
  payload: Record<string, unknown>;
  occurredAt?: string;
}

export interface TopicEvent {
  seq: number;
  id: string;
  key: string;
  type: string;
  payload: Record<string, unknown>;
  occurredAt: string;
  publishedAt: string;
}

export interface EventPage {
  subscriptionId: string;
  cursor: number;
  items: TopicEvent[];
}

export interface HeartbeatRequest {
  agentVersion: string;
  hostname: string;
  queueDepth: number;
  lagSeconds: number;
  tasks: { taskId: string; checkpoint: string | null; lastError: string | null }[];
  subscriptions?: { subscriptionId: string; lastError: string | null }[];
}

/** `zstd`: a row batch compressed with Zstandard (ADR 0013); files travel as they are. */
export type BodyEncoding = 'identity' | 'zstd';

export interface Manifest {
  v: 1;
  batchId: string;
  taskId: string;
  sourceNodeId: string;
  seq: number;
  kind: 'rows' | 'file';
  format: 'csv' | 'binary';
  columns: { name: string; type: DataType }[];
  rowCount: number;
  /** Size and SM3 of the body as sent (encoded). */
  bytes: number;
  sm3: string;
  /** How the body is encoded (absent: identity, from an agent before compression). */
  encoding?: BodyEncoding;
  /** Size of the decoded body (absent: as `bytes`). */
  rawBytes?: number;
  checkpoint: { from: string | null; to: string };
  snapshot: { id: string; part: number; last: boolean } | null;
  file: { name: string; contentType: string } | null;
  createdAt: string;
}

export interface Delivery {
  deliveryId: string;
  batchId: string;
  taskId: string;
  targetId: string;
  seq: number;
  manifest: Manifest;
  manifestSignature: string;
  sourcePublicKey: string;
  leaseSeconds: number;
}

export interface EnrolRequest {
  token: string;
  publicKey: string;
  agentVersion: string;
  hostname: string;
}

export interface EnrolResponse {
  nodeId: string;
  clientId: string;
  nodeCode: string;
  nodeName: string;
}

/** Failure codes a target agent reports (…/fail). */
export type DeliveryFailureCode =
  | 'BATCH_CHECKSUM_MISMATCH'
  | 'BATCH_SIGNATURE_INVALID'
  | 'BATCH_SCHEMA_MISMATCH'
  | 'TARGET_COLUMN_MISSING'
  | 'TARGET_TYPE_MISMATCH'
  | 'TARGET_UNREACHABLE'
  | 'TARGET_APPLY_FAILED';
