// A page of topic events as a batch the connectors already know how to apply (COPY CSV plus a
// BatchRef), so a subscription lands in one target transaction with its zt_exchange_applied row.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { SubscriptionSpec, TopicEvent } from '../center/types.ts';
import { encodeCsvRecord, type CsvValue } from '../connectors/csv.ts';
import type { BatchRef, DataType, TargetApplySpec } from '../connectors/types.ts';

/** The event log columns of an append subscription, before the payload's fields. */
export const EVENT_LOG_COLUMNS = ['event_seq', 'event_id', 'event_type', 'event_key', 'occurred_at'] as const;

export interface EventBatch {
  target: TargetApplySpec;
  batch: BatchRef;
  csv: string;
  firstSeq: number;
  lastSeq: number;
}

/** A name-based UUID (version 8, RFC 9562) from SM3: the same text always gives the same id. */
export function sm3Uuid(text: string): string {
  const h = createHash('sm3').update(text, 'utf8').digest('hex').slice(0, 32).split('');
  h[12] = '8';
  h[16] = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

function csvValue(v: unknown): CsvValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/**
 * upsert: one row per key, the page's last event for it winning (rows keep the order of those
 * winners); a field the event does not carry is written as NULL, because an event states the
 * key's fields as they are now. append: every event, keyed by its sequence number, so a page
 * delivered again with other bounds still writes each event once. `replay` counts the rewinds
 * this agent has seen: a page handed out again after a rewind must be written again (the table
 * may have been emptied for it), not skipped as already applied.
 */
export function buildEventBatch(spec: SubscriptionSpec, items: TopicEvent[], replay = 0): EventBatch {
  if (items.length === 0) throw new Error('an empty page is not a batch');
  const fields = spec.fields.filter((f) => Object.hasOwn(spec.columnMap, f));
  const keyColumn = spec.columnMap[spec.keyField];
  const firstSeq = items[0].seq;
  const lastSeq = items[items.length - 1].seq;
  let columns: { name: string; type: DataType }[];
  let columnMap: Record<string, string>;
  let keyColumns: string[];
  let rows: CsvValue[][];
  if (spec.mode === 'upsert') {
    if (!keyColumn) throw new Error(`subscription ${spec.subscriptionId}: the key field ${spec.keyField} has no target column`);
    const last = new Map<string, number>();
    items.forEach((e, i) => last.set(e.key, i));
    columns = fields.map((name) => ({ name, type: 'string' }));
    columnMap = Object.fromEntries(fields.map((f) => [f, spec.columnMap[f]]));
    keyColumns = [keyColumn];
    rows = items
      .filter((e, i) => last.get(e.key) === i)
      .map((e) => fields.map((f) => (f === spec.keyField ? csvValue(e.payload[f] ?? e.key) : csvValue(e.payload[f]))));
  } else {
    columns = [
      { name: 'event_seq', type: 'integer' },
      { name: 'event_id', type: 'string' },
      { name: 'event_type', type: 'string' },
      { name: 'event_key', type: 'string' },
      { name: 'occurred_at', type: 'datetime' },
      ...fields.map((name) => ({ name, type: 'string' as DataType })),
    ];
    columnMap = { ...Object.fromEntries(EVENT_LOG_COLUMNS.map((c) => [c, c])), ...Object.fromEntries(fields.map((f) => [f, spec.columnMap[f]])) };
    keyColumns = ['event_seq'];
    rows = items.map((e) => [String(e.seq), e.id, e.type, e.key, e.occurredAt, ...fields.map((f) => csvValue(e.payload[f]))]);
  }
  return {
    // The event log is written as an upsert on event_seq: that is what makes a redelivery harmless.
    target: { table: spec.table, keyColumns, mode: 'upsert', columnMap },
    batch: {
      batchId: sm3Uuid(`${spec.subscriptionId}${replay ? `#${replay}` : ''}:${firstSeq}-${lastSeq}`),
      taskId: spec.subscriptionId,
      targetId: spec.subscriptionId,
      seq: lastSeq,
      rowCount: rows.length,
      columns,
    },
    csv: rows.map(encodeCsvRecord).join(''),
    firstSeq,
    lastSeq,
  };
}

export function csvBody(b: EventBatch): Readable {
  return Readable.from([Buffer.from(b.csv, 'utf8')]);
}
