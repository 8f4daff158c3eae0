// `zhengtong-agent publish`: events from a JSON Lines file (or one from the command line) to a
// topic, in chunks of at most 1,000. The center de-duplicates by event id, so every event gets an
// id that a second run of the same file reproduces: a re-run after a crash or a lost answer
// publishes nothing twice.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { CenterError } from '../center/errors.ts';
import { withRetry } from '../center/retry.ts';
import type { CenterClient } from '../center/client.ts';
import type { TopicEventIn } from '../center/types.ts';
import { sm3Uuid } from './event-batch.ts';

export const PUBLISH_CHUNK = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A line of the file that is not an event; the message names the line. */
export class EventFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventFileError';
  }
}

export interface PublishTotals {
  events: number;
  accepted: number;
  duplicates: number;
  lastSeq: number | null;
}

/** Checks one event's shape; `where` names it in the message ("line 3"). */
export function checkEvent(v: unknown, where: string): TopicEventIn {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new EventFileError(`${where}: not a JSON object {id?, key, type, payload, occurredAt?} (不是事件对象)`);
  const e = v as Record<string, unknown>;
  const unknown = Object.keys(e).filter((k) => !['id', 'key', 'type', 'payload', 'occurredAt'].includes(k));
  if (unknown.length) throw new EventFileError(`${where}: unknown member(s) ${unknown.join(', ')}; an event has id, key, type, payload, occurredAt`);
  if (e.id !== undefined && (typeof e.id !== 'string' || !UUID.test(e.id))) throw new EventFileError(`${where}: id must be a UUID (or left out)`);
  if (typeof e.key !== 'string' || e.key === '') throw new EventFileError(`${where}: key must be a non-empty string (事件键)`);
  if (typeof e.type !== 'string' || e.type === '') throw new EventFileError(`${where}: type must be a non-empty string (事件类型)`);
  if (!e.payload || typeof e.payload !== 'object' || Array.isArray(e.payload)) throw new EventFileError(`${where}: payload must be a JSON object of the topic's fields`);
  if (e.occurredAt !== undefined && (typeof e.occurredAt !== 'string' || Number.isNaN(Date.parse(e.occurredAt)))) throw new EventFileError(`${where}: occurredAt must be an ISO date-time`);
  return { id: e.id as string | undefined, key: e.key, type: e.type, payload: e.payload as Record<string, unknown>, occurredAt: e.occurredAt as string | undefined };
}

/**
 * Reads a JSON Lines file lazily, `size` events at a time. An event without an id gets one from
 * SM3 of the topic, the line's text and how often that same text came before, so an identical
 * line further down (the same change made again) is still a new event.
 */
export async function* eventChunks(file: string, topic: string, size = PUBLISH_CHUNK): AsyncGenerator<{ events: TopicEventIn[]; lines: number[] }> {
  const seen = new Map<string, number>();
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let events: TopicEventIn[] = [];
  let lines: number[] = [];
  let n = 0;
  for await (const raw of rl) {
    n++;
    const line = raw.trim();
    if (line === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (err) {
      throw new EventFileError(`${file} line ${n}: not JSON (${(err as Error).message})`);
    }
    const e = checkEvent(parsed, `${file} line ${n}`);
    if (!e.id) {
      const count = seen.get(line) ?? 0;
      seen.set(line, count + 1);
      e.id = sm3Uuid(`${topic}\n${count}\n${line}`);
    }
    events.push(e);
    lines.push(n);
    if (events.length >= size) {
      yield { events, lines };
      events = [];
      lines = [];
    }
  }
  if (events.length) yield { events, lines };
}

/** A 422 names events by their index in the chunk; the user needs the line of the file. */
function withLines(err: unknown, lines: number[], file: string | null): unknown {
  if (!(err instanceof CenterError) || !Array.isArray(err.problem.errors)) return err;
  const details = (err.problem.errors as { field?: string; message?: string }[]).slice(0, 10).map((e) => {
    const m = /^\/body\/events\/(\d+)(.*)$/.exec(e.field ?? '');
    const at = m ? `${file ? `line ${lines[Number(m[1])]}` : 'the event'}${m[2] ? ` ${m[2].slice(1)}` : ''}` : (e.field ?? '');
    return `${at}: ${e.message ?? ''}`;
  });
  return new CenterError(err.status, { ...err.problem, message: `${err.message.replace(/^[A-Z_]+: /, '')} — ${details.join('; ')}` }, err.retryAfter);
}

export async function publishChunks(
  client: CenterClient,
  topic: string,
  chunks: AsyncIterable<{ events: TopicEventIn[]; lines: number[] }>,
  opts: { file: string | null; signal?: AbortSignal; onRetry?: (err: unknown, attempt: number, delayMs: number) => void; onChunk?: (t: PublishTotals) => void },
): Promise<PublishTotals> {
  const totals: PublishTotals = { events: 0, accepted: 0, duplicates: 0, lastSeq: null };
  for await (const chunk of chunks) {
    // The center counts an id it already stored as a duplicate, but refuses one repeated within
    // the same request: such repeats are counted here instead.
    const ids = new Set<string>();
    const keep = chunk.events.map((e) => !e.id || (!ids.has(e.id) && !!ids.add(e.id)));
    const events = chunk.events.filter((_, i) => keep[i]);
    const lines = chunk.lines.filter((_, i) => keep[i]);
    const repeats = chunk.events.length - events.length;
    let res;
    try {
      res = await withRetry(() => client.publish(topic, events, opts.signal), { signal: opts.signal, onRetry: opts.onRetry, capMs: 30_000 });
    } catch (err) {
      throw withLines(err, lines, opts.file);
    }
    totals.events += chunk.events.length;
    totals.accepted += res.accepted;
    totals.duplicates += res.duplicates + repeats;
    totals.lastSeq = res.lastSeq;
    opts.onChunk?.(totals);
  }
  return totals;
}
