// The agent's side of docs/exchange-protocol.md: every call but enrolment is signed with the node
// key (docs/api-signing.md). Each method makes exactly one request; retrying is the caller's
// choice (retry.ts), and a retry signs again with a fresh timestamp and nonce.
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { BODY_CHUNK_BYTES, canonicalJson, HEADER_CONTENT_SM3, Sm3Tap, signRequest } from '@zhengtong/server/crypto';
import { CenterError, CenterUnreachableError, CredentialRevokedError } from './errors.ts';
import { CenterHttp, type CenterResponse, type RequestOptions } from './http.ts';
import type { AgentConfigResponse, Delivery, DeliveryFailureCode, EnrolRequest, EnrolResponse, EventPage, HeartbeatRequest, Manifest, TopicEventIn } from './types.ts';

export const HEADER_BATCH_MANIFEST = 'X-ZT-Batch-Manifest';
export const HEADER_BATCH_SIGNATURE = 'X-ZT-Batch-Signature';

/** Plain JSON calls answer within this; uploads and downloads are bounded by progress, not time. */
const CALL_TIMEOUT_MS = 30_000;

export interface CenterCredential {
  clientId: string;
  privateKeyPem: string;
}

export class CenterClient {
  readonly baseUrl: string;
  readonly #cred: CenterCredential | null;
  readonly #userAgent: string;
  readonly #http = new CenterHttp();
  #answered: (() => void) | null = null;

  constructor(baseUrl: string, cred: CenterCredential | null, opts: { userAgent?: string } = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#cred = cred;
    this.#userAgent = opts.userAgent ?? 'zhengtong-agent';
  }

  /**
   * Called after every call the center answered with success, whichever loop made it: an upload
   * after an outage tells the agent the center is back before the next heartbeat does.
   */
  onAnswer(listener: () => void) {
    this.#answered = listener;
  }

  /** `POST /api/exchange/enrol` — unsigned; the one-time token is the credential. */
  async enrol(body: EnrolRequest): Promise<EnrolResponse> {
    const text = JSON.stringify(body);
    const res = await this.#fetch('POST', '/api/exchange/enrol', {
      headers: { 'content-type': 'application/json' },
      body: text,
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    return (await this.#json(res)) as EnrolResponse;
  }

  heartbeat(body: HeartbeatRequest, signal?: AbortSignal): Promise<AgentConfigResponse> {
    return this.#call('POST', '/api/exchange/agent/heartbeat', body, signal) as Promise<AgentConfigResponse>;
  }

  config(signal?: AbortSignal): Promise<AgentConfigResponse> {
    return this.#call('GET', '/api/exchange/agent/config', undefined, signal) as Promise<AgentConfigResponse>;
  }

  /**
   * Long poll: answers at once when the node's configuration is not `version`, else when it
   * changes, else after about `waitSeconds` (protocol §2).
   */
  async configChanges(version: string | undefined, waitSeconds: number, signal?: AbortSignal): Promise<{ version: string; changed: boolean }> {
    const wait = Math.max(0, Math.min(30, Math.round(waitSeconds)));
    const path = `/api/exchange/agent/config/changes?wait=${wait}${version ? `&version=${version}` : ''}`;
    const timeout = AbortSignal.timeout((wait + 20) * 1000);
    return (await this.#call('GET', path, undefined, signal ? AbortSignal.any([signal, timeout]) : timeout, false)) as { version: string; changed: boolean };
  }

  /** Long poll: resolves when deliveries are ready or after about `waitSeconds` with none. */
  async deliveries(waitSeconds: number, limit: number, signal?: AbortSignal, window = 1): Promise<Delivery[]> {
    const wait = Math.max(0, Math.min(30, Math.round(waitSeconds)));
    const path = `/api/exchange/agent/deliveries?wait=${wait}&limit=${limit}${window > 1 ? `&window=${window}` : ''}`;
    const timeout = AbortSignal.timeout((wait + 20) * 1000);
    const body = (await this.#call('GET', path, undefined, signal ? AbortSignal.any([signal, timeout]) : timeout, false)) as { items: Delivery[] };
    return body.items ?? [];
  }

  async ack(deliveryId: string, body: { appliedRows: number; alreadyApplied: boolean }, signal?: AbortSignal): Promise<void> {
    await this.#call('POST', `/api/exchange/agent/deliveries/${encodeURIComponent(deliveryId)}/ack`, body, signal);
  }

  /** Hands back leased deliveries this agent will not apply now (or `all` it holds); how many went back. */
  async release(body: { deliveryIds?: string[]; all?: boolean; retryAfterSeconds?: number; reason?: string }, signal?: AbortSignal): Promise<number> {
    const res = (await this.#call('POST', '/api/exchange/agent/deliveries/release', body, signal)) as { released?: number } | null;
    return res?.released ?? 0;
  }

  async fail(deliveryId: string, body: { code: DeliveryFailureCode; message: string; retryable: boolean }, signal?: AbortSignal): Promise<void> {
    await this.#call('POST', `/api/exchange/agent/deliveries/${encodeURIComponent(deliveryId)}/fail`, body, signal);
  }

  /** Publishing is idempotent by event id, so a retry after a lost answer counts as duplicates. */
  publish(topicCode: string, events: TopicEventIn[], signal?: AbortSignal): Promise<{ accepted: number; duplicates: number; lastSeq: number }> {
    return this.#call('POST', `/api/exchange/agent/topics/${encodeURIComponent(topicCode)}/events`, { events }, signal) as Promise<{ accepted: number; duplicates: number; lastSeq: number }>;
  }

  /** Long poll: events after the subscription's cursor at the center (or after `after`). */
  async events(subscriptionId: string, opts: { after?: number; limit: number; waitSeconds: number }, signal?: AbortSignal): Promise<EventPage> {
    const wait = Math.max(0, Math.min(30, Math.round(opts.waitSeconds)));
    const path = `/api/exchange/agent/subscriptions/${encodeURIComponent(subscriptionId)}/events?wait=${wait}&limit=${opts.limit}${opts.after === undefined ? '' : `&after=${opts.after}`}`;
    const timeout = AbortSignal.timeout((wait + 20) * 1000);
    return (await this.#call('GET', path, undefined, signal ? AbortSignal.any([signal, timeout]) : timeout, false)) as EventPage;
  }

  async ackEvents(subscriptionId: string, seq: number, signal?: AbortSignal): Promise<void> {
    await this.#call('POST', `/api/exchange/agent/subscriptions/${encodeURIComponent(subscriptionId)}/ack`, { seq }, signal);
  }

  /**
   * `PUT /api/exchange/agent/batches/{id}`: the batch file is streamed, never read into memory; the
   * signature covers its SM3 (X-ZT-Content-SM3) instead of hashing the body again here.
   */
  async upload(batch: { manifest: Manifest; signature: string; filePath: string }, signal?: AbortSignal): Promise<{ status: number; deliveries: number | null }> {
    const m = batch.manifest;
    const path = `/api/exchange/agent/batches/${encodeURIComponent(m.batchId)}`;
    const headers = {
      ...this.#sign('PUT', path, { bodySm3: m.sm3 }),
      'content-type': 'application/octet-stream',
      'content-length': String(m.bytes),
      [HEADER_CONTENT_SM3]: m.sm3,
      [HEADER_BATCH_MANIFEST]: Buffer.from(canonicalJson(m), 'utf8').toString('base64url'),
      [HEADER_BATCH_SIGNATURE]: batch.signature,
    };
    // The file is opened before the request so a missing file is a local error, not a network one.
    const fh = await open(batch.filePath, 'r');
    const body = fh.createReadStream({ highWaterMark: BODY_CHUNK_BYTES, autoClose: false });
    try {
      const res = await this.#fetch('PUT', path, { headers, body, signal });
      const json = (await this.#json(res)) as { deliveries?: number } | null;
      return { status: res.status, deliveries: typeof json?.deliveries === 'number' ? json.deliveries : null };
    } finally {
      await fh.close().catch(() => {});
    }
  }

  /**
   * `GET /api/exchange/agent/batches/{id}/body` into `toPath`, hashing on the way. The caller
   * compares the result with the manifest; nothing here trusts the center.
   */
  async download(batchId: string, toPath: string, signal?: AbortSignal): Promise<{ sm3: string; bytes: number }> {
    const path = `/api/exchange/agent/batches/${encodeURIComponent(batchId)}/body`;
    const res = await this.#fetch('GET', path, { headers: this.#sign('GET', path), signal });
    if (!res.ok) await this.#json(res);
    const tap = new Sm3Tap();
    const out = createWriteStream(toPath);
    try {
      await pipeline(res.body, tap, out);
    } catch (err) {
      throw new CenterUnreachableError(this.baseUrl + path, err);
    }
    return { sm3: tap.sm3, bytes: tap.bytes };
  }

  async #call(method: string, path: string, body: unknown, signal?: AbortSignal, timeout = true): Promise<unknown> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { ...this.#sign(method, path, { body: text ?? '' }) };
    if (text !== undefined) headers['content-type'] = 'application/json';
    const signals = [signal, timeout ? AbortSignal.timeout(CALL_TIMEOUT_MS) : undefined].filter((s): s is AbortSignal => !!s);
    const res = await this.#fetch(method, path, { headers, body: text, signal: signals.length ? AbortSignal.any(signals) : undefined });
    return this.#json(res);
  }

  #sign(method: string, path: string, body: { body?: string; bodySm3?: string } = {}) {
    if (!this.#cred) throw new Error('this call needs the node credential (enrol first)');
    // The signed path is the one on the request line, so a center mounted under a prefix signs that too.
    const fullPath = new URL(this.baseUrl).pathname.replace(/\/+$/, '') + path;
    return signRequest({ clientId: this.#cred.clientId, privateKeyPem: this.#cred.privateKeyPem, method, path: fullPath, ...body });
  }

  async #fetch(method: string, path: string, init: RequestOptions): Promise<CenterResponse> {
    const url = this.baseUrl + path;
    try {
      const res = await this.#http.request(method, url, { ...init, headers: { 'user-agent': this.#userAgent, ...init.headers } });
      if (res.ok) this.#answered?.();
      return res;
    } catch (err) {
      if ((err as Error)?.name === 'AbortError' && init.signal?.aborted && (init.signal.reason as Error)?.name !== 'TimeoutError') throw err;
      throw new CenterUnreachableError(url, err);
    }
  }

  /** The success body as JSON (null when empty), or the problem as a typed error. */
  async #json(res: CenterResponse): Promise<unknown> {
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new CenterUnreachableError(res.url, err);
    }
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = res.ok ? text : { message: text.slice(0, 300) };
      }
    }
    if (res.ok) return body;
    const problem = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    if (res.status === 401 && (problem.code === 'AUTH_CLIENT_REVOKED' || problem.code === 'AUTH_CLIENT_UNKNOWN')) {
      throw new CredentialRevokedError(problem.code);
    }
    const header = res.headers['retry-after'];
    const retryAfter = parseRetryAfter(typeof header === 'string' ? header : null) ?? (typeof problem.retryAfter === 'number' ? problem.retryAfter : null);
    throw new CenterError(res.status, problem, retryAfter);
  }
}

export function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

export function isAbort(err: unknown): boolean {
  return (err as Error)?.name === 'AbortError';
}
