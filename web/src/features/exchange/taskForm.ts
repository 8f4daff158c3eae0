import { ApiError, isApiError } from '../../api/client';
import type { CatalogField, CreateTaskBody, MaskPreset } from './api';

/** What the task form holds; `toBody` turns it into the API's body. */
export interface FieldRow {
  include?: boolean;
  column?: string;
  mask?: MaskPreset | 'none' | 'custom';
  /** A custom mask: characters kept in the clear at the start and at the end. */
  keepStart?: number;
  keepEnd?: number;
}
export interface TargetRow {
  grantId?: string;
  nodeId?: string;
  connection?: string;
  table?: string;
  mode?: 'upsert' | 'append';
  keyColumns?: string[];
  /** "field=column" lines: where a field lands when its target column has another name. */
  columnMap?: string;
}
export interface TaskFormValues {
  name: string;
  resourceId?: string;
  fields?: FieldRow[];
  sourceNodeId?: string;
  source: {
    connection?: string;
    from: 'table' | 'query';
    table?: string;
    query?: string;
    keyColumns?: string[];
    sync: 'incremental' | 'full';
    incColumn?: string;
    incKind?: 'timestamp' | 'sequence';
  };
  schedule: { kind: 'continuous' | 'interval' | 'cron'; pollSeconds?: number; seconds?: number; expression?: string };
  strategy: { batchSize?: number; priority?: number; maxInFlight?: number; settleSeconds?: number | null; windowOn?: boolean; windowFrom?: string; windowTo?: string };
  targets?: TargetRow[];
}

export const INITIAL_VALUES: Partial<TaskFormValues> = {
  source: { from: 'table', sync: 'incremental', incKind: 'timestamp', connection: 'main' },
  schedule: { kind: 'continuous', pollSeconds: 5, seconds: 300 },
  strategy: { batchSize: 10_000, priority: 5, maxInFlight: 4, settleSeconds: 2, windowOn: false, windowFrom: '22:00', windowTo: '06:00' },
  targets: [{ mode: 'upsert' }],
};

const s = (v: string | undefined) => v?.trim() ?? '';

/**
 * The body for POST /api/exchange/tasks, and for each body field index the form row it came from
 * (only ticked catalog fields travel, so the server's /body/fields/N is not row N).
 */
export function toBody(v: TaskFormValues, catalogFields: CatalogField[]): { body: CreateTaskBody; fieldRows: number[] } {
  const fieldRows: number[] = [];
  const fields: CreateTaskBody['fields'] = [];
  catalogFields.forEach((f, i) => {
    const row = v.fields?.[i];
    if (!row?.include) return;
    fieldRows.push(i);
    const column = s(row.column);
    fields.push({
      field: f.englishName,
      ...(column && column !== f.englishName ? { column } : {}),
      ...(row.mask === 'custom'
        ? { mask: { keepStart: Number(row.keepStart ?? 0), keepEnd: Number(row.keepEnd ?? 0) } }
        : row.mask && row.mask !== 'none'
          ? { mask: { preset: row.mask } }
          : {}),
    });
  });
  const src = v.source;
  const sched = v.schedule;
  const st = v.strategy;
  const body: CreateTaskBody = {
    name: s(v.name),
    resourceId: v.resourceId ?? '',
    sourceNodeId: v.sourceNodeId ?? '',
    source: {
      connection: s(src.connection),
      table: src.from === 'table' ? s(src.table) || null : null,
      query: src.from === 'query' ? s(src.query) || null : null,
      keyColumns: (src.keyColumns ?? []).map((c) => c.trim()).filter(Boolean),
      incremental: src.sync === 'incremental' ? { column: s(src.incColumn), kind: src.incKind ?? 'timestamp' } : null,
    },
    fields,
    schedule: scheduleBody(sched),
    strategy: strategyBody(st),
    targets: (v.targets ?? []).map((g) => ({
      nodeId: g.nodeId ?? '',
      grantId: g.grantId ?? '',
      connection: s(g.connection),
      table: s(g.table),
      mode: g.mode ?? 'upsert',
      ...(g.keyColumns?.length ? { keyColumns: g.keyColumns.map((c) => c.trim()).filter(Boolean) } : {}),
      ...(parseColumnMap(g.columnMap) ? { columnMap: parseColumnMap(g.columnMap)! } : {}),
    })),
  };
  return { body, fieldRows };
}

/**
 * "field=column" lines (or "field column", "field→column"), blank lines ignored, into a column map;
 * null when there is none. The server checks the names and that each field travels.
 */
export function parseColumnMap(text: string | undefined): Record<string, string> | null {
  const map: Record<string, string> = {};
  for (const line of (text ?? '').split(/\r?\n/)) {
    const [field, column] = line.trim().split(/\s*(?:=|→|->)\s*|\s+/).filter(Boolean);
    if (field) map[field] = column ?? field;
  }
  return Object.keys(map).length ? map : null;
}

export function scheduleBody(sched: TaskFormValues['schedule']): CreateTaskBody['schedule'] {
  return sched.kind === 'continuous'
    ? { kind: 'continuous', pollSeconds: Number(sched.pollSeconds) }
    : sched.kind === 'interval'
      ? { kind: 'interval', seconds: Number(sched.seconds) }
      : { kind: 'cron', expression: s(sched.expression) };
}

export function strategyBody(st: TaskFormValues['strategy']): NonNullable<CreateTaskBody['strategy']> {
  return {
    ...(st.batchSize ? { batchSize: Number(st.batchSize) } : {}),
    ...(st.priority ? { priority: Number(st.priority) } : {}),
    ...(st.maxInFlight ? { maxInFlight: Number(st.maxInFlight) } : {}),
    // 0 is a value here (no settle window), not a blank.
    ...(st.settleSeconds !== undefined && st.settleSeconds !== null ? { settleSeconds: Number(st.settleSeconds) } : {}),
    window: st.windowOn ? { from: s(st.windowFrom), to: s(st.windowTo) } : null,
  };
}

/** The edit dialog's values for a task as it stands (the inverse of scheduleBody and strategyBody). */
export function editValues(task: { name: string; schedule: CreateTaskBody['schedule']; strategy: { batchSize: number; priority: number; maxInFlight: number; settleSeconds: number; window: { from: string; to: string } | null } }): Pick<TaskFormValues, 'name' | 'schedule' | 'strategy'> {
  const k = task.schedule;
  return {
    name: task.name,
    schedule: { kind: k.kind, pollSeconds: k.kind === 'continuous' ? k.pollSeconds : 5, seconds: k.kind === 'interval' ? k.seconds : 300, expression: k.kind === 'cron' ? k.expression : undefined },
    strategy: {
      batchSize: task.strategy.batchSize,
      priority: task.strategy.priority,
      maxInFlight: task.strategy.maxInFlight,
      settleSeconds: task.strategy.settleSeconds,
      windowOn: !!task.strategy.window,
      windowFrom: task.strategy.window?.from ?? '22:00',
      windowTo: task.strategy.window?.to ?? '06:00',
    },
  };
}

/** A server pointer into the body → the pointer of the form field showing it (null: keep as is). */
export function formPointer(pointer: string, fieldRows: number[], from: 'table' | 'query'): string {
  const p = pointer.replace(/^\/body/, '');
  let m: RegExpExecArray | null;
  if (p === '/fields') return '/fieldsCheck';
  if (p === '/targets') return '/targetsCheck';
  if (p === '/source') return `/source/${from}`;
  if ((m = /^\/source\/incremental\/(column|kind)$/.exec(p))) return m[1] === 'column' ? '/source/incColumn' : '/source/incKind';
  if (p === '/source/incremental') return '/source/incColumn';
  if ((m = /^\/fields\/(\d+)(?:\/(\w+))?/.exec(p))) {
    const row = fieldRows[Number(m[1])] ?? Number(m[1]);
    const part = m[2] === 'column' ? 'column' : m[2] === 'mask' ? 'mask' : 'include';
    return `/fields/${row}/${part}`;
  }
  if ((m = /^\/strategy\/window(?:\/(from|to))?$/.exec(p))) return m[1] === 'to' ? '/strategy/windowTo' : '/strategy/windowFrom';
  if ((m = /^\/targets\/(\d+)\/columnMap/.exec(p))) return `/targets/${m[1]}/columnMap`;
  return pointer;
}

/** The same failure with each field error's pointer rewritten by `point`. */
export function repoint(e: unknown, point: (pointer: string) => string): unknown {
  if (!isApiError(e) || !e.fields.length) return e;
  return new ApiError({ ...e.problem, errors: e.fields.map((f) => ({ ...f, field: point(f.field) })) });
}

/** The same failure with its field errors pointed at the task form's fields. */
export function remapProblem(e: unknown, fieldRows: number[], from: 'table' | 'query'): unknown {
  return repoint(e, (p) => formPointer(p, fieldRows, from));
}
