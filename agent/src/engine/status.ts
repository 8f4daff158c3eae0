// What `zhengtong-agent status` shows. A running agent writes the same report to status.json after
// each heartbeat, because its state database cannot be opened by a second process meanwhile.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentConfigResponse } from '../center/types.ts';
import type { NodeIdentity } from '../state/identity.ts';
import type { StateStore } from '../state/store.ts';
import { describeSchedule } from './schedule.ts';
import { subscriptionState } from './subscriber.ts';

export interface StatusReport {
  generatedAt: string;
  /** The pid of the `run` process that wrote this report, or null when computed by `status` itself. */
  runningPid: number | null;
  node: NodeIdentity | null;
  center: { url: string; reachable: boolean | null; error: string | null; lastContactAt: string | null };
  /** Why the agent stopped altogether (revoked credential), if it did. */
  fatal: string | null;
  outbox: { depth: number; lagSeconds: number };
  sources: {
    taskId: string;
    name: string | null;
    status: string | null;
    statusReason: string | null;
    schedule: string | null;
    checkpoint: string | null;
    snapshot: string | null;
    outboxDepth: number;
    rowsQueued: number;
    rowsSent: number;
    lastSentAt: string | null;
    lastError: string | null;
    lastErrorAt: string | null;
  }[];
  targets: {
    targetId: string;
    taskId: string;
    name: string | null;
    status: string | null;
    statusReason: string | null;
    lastSeq: number | null;
    appliedRows: number;
    lastError: string | null;
    lastErrorAt: string | null;
  }[];
  subscriptions: {
    subscriptionId: string;
    topicCode: string;
    table: string;
    mode: string;
    status: string;
    statusCode: string | null;
    statusReason: string | null;
    /** The center's cursor when the configuration was fetched; lastSeq is what this agent applied. */
    cursor: number;
    lastSeq: number | null;
    appliedEvents: number;
    lastAppliedAt: string | null;
    lastError: string | null;
    lastErrorAt: string | null;
  }[];
}

export const STATUS_FILE = 'status.json';
export const FATAL_KEY = 'fatal';

export async function collectStatus(
  store: StateStore,
  opts: { node: NodeIdentity | null; centerUrl: string; config: AgentConfigResponse | null; reachable: boolean | null; centerError: string | null; lastContactAt: Date | null; runningPid: number | null },
): Promise<StatusReport> {
  const now = new Date();
  const summary = await store.outboxSummary();
  const tasks = new Map((await store.tasks()).map((t) => [t.taskId, t]));
  const sourceIds = new Set<string>([...(opts.config?.sources.map((s) => s.taskId) ?? []), ...summary.byTask.keys()]);
  for (const t of tasks.values()) if (t.checkpoint !== null || t.lastError !== null || t.rowsSent > 0) sourceIds.add(t.taskId);
  const sources = [...sourceIds].map((taskId) => {
    const spec = opts.config?.sources.find((s) => s.taskId === taskId) ?? null;
    const st = tasks.get(taskId);
    const ob = summary.byTask.get(taskId);
    // A 409 seen locally is newer than the last config when the center has not been reached since.
    const stoppedLocally = st?.status === 'stopped';
    return {
      taskId,
      name: spec?.name ?? null,
      status: stoppedLocally ? 'stopped' : (spec?.status ?? (st ? 'unassigned' : null)),
      statusReason: stoppedLocally ? st!.statusReason : (spec?.statusReason ?? (spec ? null : 'not in the configuration from the center')),
      schedule: spec ? describeSchedule(spec.schedule) : null,
      checkpoint: st?.checkpoint ?? null,
      snapshot: st?.snapshotId ? `${st.snapshotId} part ${st.snapshotPart}` : null,
      outboxDepth: ob?.depth ?? 0,
      rowsQueued: ob?.rows ?? 0,
      rowsSent: st?.rowsSent ?? 0,
      lastSentAt: st?.lastSentAt?.toISOString() ?? null,
      lastError: st?.lastError ?? null,
      lastErrorAt: st?.lastErrorAt?.toISOString() ?? null,
    };
  });
  const targetStates = new Map((await store.targets()).map((t) => [t.targetId, t]));
  const targetIds = new Set<string>([...(opts.config?.targets.map((t) => t.targetId) ?? []), ...targetStates.keys()]);
  const targets = [...targetIds].map((targetId) => {
    const spec = opts.config?.targets.find((t) => t.targetId === targetId) ?? null;
    const st = targetStates.get(targetId);
    return {
      targetId,
      taskId: spec?.taskId ?? st?.taskId ?? '',
      name: spec?.name ?? null,
      status: spec?.status ?? 'unassigned',
      statusReason: spec?.statusReason ?? null,
      lastSeq: st?.lastSeq ?? null,
      appliedRows: st?.appliedRows ?? 0,
      lastError: st?.lastError ?? null,
      lastErrorAt: st?.lastErrorAt?.toISOString() ?? null,
    };
  });
  const subscriptions = await Promise.all(
    (opts.config?.subscriptions ?? []).map(async (spec) => {
      const st = await subscriptionState(store, spec.subscriptionId);
      // A 409 seen locally is newer than the configuration when the center has not been reached since.
      const stopped = spec.status === 'active' && st.stopped !== null;
      const reason = spec.statusCode && spec.statusReason ? `${spec.statusCode}: ${spec.statusReason}` : (spec.statusReason ?? spec.statusCode);
      return {
        subscriptionId: spec.subscriptionId,
        topicCode: spec.topicCode,
        table: spec.table,
        mode: spec.mode,
        status: stopped ? 'stopped' : spec.status,
        statusCode: stopped ? (st.stopped!.match(/^([A-Z_]+):/)?.[1] ?? null) : spec.statusCode,
        statusReason: stopped ? st.stopped : reason,
        cursor: spec.cursor,
        lastSeq: st.lastSeq,
        appliedEvents: st.appliedEvents,
        lastAppliedAt: st.lastAppliedAt,
        lastError: st.lastError,
        lastErrorAt: st.lastErrorAt,
      };
    }),
  );
  return {
    generatedAt: now.toISOString(),
    runningPid: opts.runningPid,
    node: opts.node,
    center: { url: opts.centerUrl, reachable: opts.reachable, error: opts.centerError, lastContactAt: opts.lastContactAt?.toISOString() ?? null },
    fatal: await store.get(FATAL_KEY),
    outbox: { depth: summary.depth, lagSeconds: summary.oldest ? Math.max(0, Math.round((now.getTime() - summary.oldest.getTime()) / 1000)) : 0 },
    sources,
    targets,
    subscriptions,
  };
}

export function writeStatusFile(stateDir: string, report: StatusReport) {
  const file = join(stateDir, STATUS_FILE);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(report, null, 2) + '\n');
  renameSync(tmp, file);
}

export function readStatusFile(stateDir: string): StatusReport | null {
  try {
    return JSON.parse(readFileSync(join(stateDir, STATUS_FILE), 'utf8')) as StatusReport;
  } catch {
    return null;
  }
}

// ---- text rendering ----

/** Display width in a terminal: CJK characters take two columns. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w +=
      (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6)
        ? 2
        : 1;
  }
  return w;
}

function truncate(s: string, max: number): string {
  if (displayWidth(s) <= max) return s;
  let out = '';
  for (const ch of s) {
    if (displayWidth(out + ch) > max - 1) break;
    out += ch;
  }
  return out + '…';
}

export function table(headers: string[], rows: string[][], maxWidths: number[] = []): string {
  const cells = [headers, ...rows].map((r) => r.map((c, i) => truncate(c, maxWidths[i] ?? 60)));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => displayWidth(r[i] ?? ''))));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i] - displayWidth(c)))).join('  ').trimEnd()).join('\n');
}

const short = (id: string) => id.slice(0, 8);

export function renderStatus(r: StatusReport): string {
  const lines: string[] = [];
  lines.push(r.node ? `Node     ${r.node.nodeName} (${r.node.nodeCode}), node id ${r.node.nodeId}, client ${r.node.clientId}` : 'Node     not enrolled (未注册)');
  const reach = r.center.reachable === null ? 'not checked' : r.center.reachable ? 'reachable (可连接)' : `UNREACHABLE (无法连接): ${r.center.error ?? ''}`;
  lines.push(`Center   ${r.center.url} — ${reach}${r.center.lastContactAt ? `, last contact ${r.center.lastContactAt}` : ''}`);
  lines.push(`Agent    ${r.runningPid ? `running (pid ${r.runningPid}), report of ${r.generatedAt}` : 'not running'}`);
  lines.push(`Outbox   ${r.outbox.depth} batch(es), oldest ${r.outbox.lagSeconds}s`);
  if (r.fatal) lines.push(`STOPPED  ${r.fatal}`);
  lines.push('');
  if (r.sources.length === 0) lines.push('Source tasks: none');
  else {
    lines.push('Source tasks (源端任务):');
    lines.push(
      table(
        ['TASK', 'NAME', 'STATUS', 'CHECKPOINT', 'OUTBOX', 'SENT ROWS', 'LAST ERROR'],
        r.sources.map((s) => [
          short(s.taskId),
          s.name ?? '?',
          s.status ? `${s.status}${s.statusReason ? ` (${s.statusReason})` : ''}` : '-',
          s.snapshot ? `snapshot ${s.snapshot.split(' ').slice(1).join(' ')} ${s.checkpoint ?? ''}` : (s.checkpoint ?? '(start)'),
          `${s.outboxDepth} (${s.rowsQueued} rows)`,
          String(s.rowsSent),
          s.lastError ?? '',
        ]),
        [8, 24, 40, 40, 18, 12, 80],
      ),
    );
  }
  lines.push('');
  if (r.targets.length === 0) lines.push('Target tasks: none');
  else {
    lines.push('Target tasks (目标端任务):');
    lines.push(
      table(
        ['TARGET', 'TASK', 'NAME', 'STATUS', 'LAST SEQ', 'APPLIED ROWS', 'LAST ERROR'],
        r.targets.map((t) => [
          short(t.targetId),
          short(t.taskId),
          t.name ?? '?',
          `${t.status ?? '-'}${t.statusReason ? ` (${t.statusReason})` : ''}`,
          t.lastSeq === null ? '-' : String(t.lastSeq),
          String(t.appliedRows),
          t.lastError ?? '',
        ]),
        [8, 8, 24, 40, 10, 14, 80],
      ),
    );
  }
  if (r.subscriptions?.length) {
    lines.push('');
    lines.push('Subscriptions (订阅):');
    lines.push(
      table(
        ['SUBSCRIPTION', 'TOPIC', 'TABLE', 'STATUS', 'LAST SEQ', 'EVENTS', 'LAST ERROR'],
        r.subscriptions.map((s) => [
          short(s.subscriptionId),
          s.topicCode,
          `${s.table} (${s.mode})`,
          `${s.status}${s.statusReason ? ` (${s.statusReason})` : ''}`,
          s.lastSeq === null ? '-' : String(s.lastSeq),
          String(s.appliedEvents),
          s.lastError ?? '',
        ]),
        [8, 24, 32, 40, 10, 10, 80],
      ),
    );
  }
  return lines.join('\n');
}
