import { randomUUID } from 'node:crypto';
import { generateSm2KeyPair, signManifest, signRequest, sm3Hex } from '@zhengtong/server/crypto';

/**
 * A front-end processor as the browser tests need one: it enrols with the token the console
 * showed, then signs every call with its own SM2 key over real HTTP against the e2e server
 * (docs/exchange-protocol.md). The real agent (agent/) is tested with real processes elsewhere;
 * this is the smallest honest client of the same protocol.
 */
export class E2eNode {
  readonly baseUrl: string;
  readonly keys = generateSm2KeyPair();
  nodeId = '';
  clientId = '';

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async enrol(token: string, hostname = 'fep-e2e') {
    const res = await fetch(`${this.baseUrl}/api/exchange/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, publicKey: this.keys.publicKeyPem, agentVersion: '0.1.0-e2e', hostname }),
    });
    const body = (await res.json()) as { nodeId: string; clientId: string };
    if (res.status !== 201) throw new Error(`enrol: ${res.status} ${JSON.stringify(body)}`);
    this.nodeId = body.nodeId;
    this.clientId = body.clientId;
    return body;
  }

  /** A signed JSON call; throws on an HTTP error. */
  async call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers = signRequest({ clientId: this.clientId, privateKeyPem: this.keys.privateKeyPem, method, path, body: payload ?? null });
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) }, body: payload });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  heartbeat(extra: Partial<{ queueDepth: number; lagSeconds: number; tasks: { taskId: string; checkpoint: string | null; lastError: string | null }[] }> = {}) {
    return this.call('POST', '/api/exchange/agent/heartbeat', { agentVersion: '0.1.0-e2e', hostname: 'fep-e2e', queueDepth: 0, lagSeconds: 0, tasks: [], ...extra });
  }

  /** Uploads rows as one signed CSV batch (manifest signed with the node key, body by its SM3). */
  async upload(taskId: string, seq: number, csv: string, columns: string[]) {
    const body = Buffer.from(csv);
    const sm3 = sm3Hex(body);
    const manifest = {
      v: 1,
      batchId: randomUUID(),
      taskId,
      sourceNodeId: this.nodeId,
      seq,
      kind: 'rows',
      format: 'csv',
      columns: columns.map((name) => ({ name, type: 'string' })),
      rowCount: csv.split('\n').filter(Boolean).length,
      bytes: body.length,
      sm3,
      checkpoint: { from: null, to: String(seq) },
      snapshot: null,
      file: null,
      createdAt: new Date().toISOString(),
    };
    const path = `/api/exchange/agent/batches/${manifest.batchId}`;
    const headers = signRequest({ clientId: this.clientId, privateKeyPem: this.keys.privateKeyPem, method: 'PUT', path, bodySm3: sm3 });
    const res = await fetch(`${this.baseUrl}${path}`, {
      method: 'PUT',
      headers: {
        ...headers,
        'content-type': 'application/octet-stream',
        'x-zt-content-sm3': sm3,
        'x-zt-batch-manifest': Buffer.from(JSON.stringify(manifest)).toString('base64url'),
        'x-zt-batch-signature': signManifest(this.keys.privateKeyPem, manifest),
      },
      body,
    });
    const text = await res.text();
    if (res.status !== 201) throw new Error(`upload: ${res.status} ${text}`);
    return { batchId: manifest.batchId, ...(JSON.parse(text) as { deliveries: number }) };
  }

  /** The deliveries waiting for this node (leased to it). */
  async deliveries() {
    return (await this.call<{ items: { deliveryId: string; batchId: string; seq: number }[] }>('GET', '/api/exchange/agent/deliveries?wait=0')).body.items;
  }

  fail(deliveryId: string, code: string, message: string, retryable = false) {
    return this.call('POST', `/api/exchange/agent/deliveries/${deliveryId}/fail`, { code, message, retryable });
  }

  ack(deliveryId: string, appliedRows: number) {
    return this.call('POST', `/api/exchange/agent/deliveries/${deliveryId}/ack`, { appliedRows, alreadyApplied: false });
  }
}
