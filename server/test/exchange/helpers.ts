import { randomUUID } from 'node:crypto';
import { generateSm2KeyPair, signManifest, signRequest, sm3Hex } from '../../src/kernel/crypto/index.ts';
import type { Agent, Res, TestApp } from '../harness.ts';
import { departmentId } from '../harness.ts';
import { entryContent } from '../catalog/helpers.ts';

/**
 * A node as its agent sees it: enrolled with a one-time token, then signing every call with its
 * own SM2 key (docs/exchange-protocol.md). Requests go through Fastify's inject, as in the other
 * integration tests; the agent's own HTTP client is tested with real processes in agent/test.
 */
export class NodeClient {
  readonly t: TestApp;
  readonly keys = generateSm2KeyPair();
  nodeId = '';
  clientId = '';
  constructor(t: TestApp) {
    this.t = t;
  }

  async enrol(token: string) {
    const res = await this.t.anonymous().post('/api/exchange/enrol', { token, publicKey: this.keys.publicKeyPem, agentVersion: '0.1.0-test', hostname: 'test-host' });
    if (res.status !== 201) throw new Error(`enrol: ${res.status} ${res.text}`);
    this.nodeId = res.body.nodeId;
    this.clientId = res.body.clientId;
    return res;
  }

  async call<T = any>(method: string, url: string, body?: unknown, extra: Record<string, string> = {}): Promise<Res<T>> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers = signRequest({ clientId: this.clientId, privateKeyPem: this.keys.privateKeyPem, method, path: url, body: payload ?? null, timestamp: this.t.clock.now().getTime() });
    const res = await this.t.app.http.inject({ method: method as 'GET', url, headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}), ...extra }, ...(payload ? { payload } : {}) });
    const type = String(res.headers['content-type'] ?? '');
    return { status: res.statusCode, body: (type.includes('json') && res.body ? res.json() : res.body) as T, headers: res.headers, text: res.body };
  }

  heartbeat(extra: Partial<{ queueDepth: number; lagSeconds: number }> = {}) {
    return this.call('POST', '/api/exchange/agent/heartbeat', { agentVersion: '0.1.0-test', hostname: 'test-host', queueDepth: 0, lagSeconds: 0, tasks: [], ...extra });
  }

  /** Uploads rows as one CSV batch; `tamper` sends other bytes than the ones signed. */
  async upload(taskId: string, seq: number, csv: string, opts: { columns: string[]; batchId?: string; tamper?: string; badSignature?: boolean; snapshot?: { id: string; part: number; last: boolean }; file?: { name: string; contentType: string } } = { columns: [] }) {
    const body = Buffer.from(csv);
    const sm3 = sm3Hex(body);
    const manifest = {
      v: 1, batchId: opts.batchId ?? randomUUID(), taskId, sourceNodeId: this.nodeId, seq, kind: opts.file ? 'file' : 'rows', format: opts.file ? 'binary' : 'csv',
      columns: opts.columns.map((name) => ({ name, type: 'string' })), rowCount: csv.split('\n').filter(Boolean).length, bytes: body.length, sm3,
      checkpoint: { from: null, to: String(seq) }, snapshot: opts.snapshot ?? null, file: opts.file ?? null, createdAt: this.t.clock.now().toISOString(),
    };
    const signature = signManifest(opts.badSignature ? generateSm2KeyPair().privateKeyPem : this.keys.privateKeyPem, manifest);
    const url = `/api/exchange/agent/batches/${manifest.batchId}`;
    const headers = signRequest({ clientId: this.clientId, privateKeyPem: this.keys.privateKeyPem, method: 'PUT', path: url, bodySm3: sm3, timestamp: this.t.clock.now().getTime() });
    const res = await this.t.app.http.inject({
      method: 'PUT',
      url,
      headers: { ...headers, 'content-type': 'application/octet-stream', 'x-zt-content-sm3': sm3, 'x-zt-batch-manifest': Buffer.from(JSON.stringify(manifest)).toString('base64url'), 'x-zt-batch-signature': signature },
      payload: opts.tamper !== undefined ? Buffer.from(opts.tamper) : body,
    });
    return { status: res.statusCode, body: res.body ? res.json() : null, headers: res.headers, manifest };
  }
}

export const PURPOSE = '企业设立登记时核验企业名称和统一社会信用代码';

/**
 * The cast: 南昌市市场监管局 publishes an entry shared by exchange; 南昌市行政审批局 holds an
 * unconditional grant for uscc and name; nc_admin registers one node in each department.
 */
export async function exchangeCast(t: TestApp) {
  const admin = await t.login('nc_admin');
  const provider = await t.login('nc_officer');
  const authority = await t.login('nc_authority');
  const consumer = await t.login('ncsp_officer');
  const created = await provider.post('/api/catalog/resources', { content: entryContent({ name: '企业登记基本信息' }) });
  if (created.status !== 201) throw new Error(created.text);
  const resourceId = created.body.id as string;
  await provider.post(`/api/catalog/resources/${resourceId}/submit`);
  const reviewed = await authority.post(`/api/catalog/resources/${resourceId}/review`, { decision: 'approve' });
  if (reviewed.status !== 200) throw new Error(reviewed.text);
  // An unconditional resource: the consumer takes its grant itself (R-SHR-1).
  const grant = await consumer.post('/api/sharing/grants', { resourceId, purpose: PURPOSE, fields: ['uscc', 'name'] });
  if (grant.status !== 201) throw new Error(`grant: ${grant.text}`);
  const source = await registerNode(admin, 'nc-amr-01', '南昌市市场监管局前置机', await departmentId(t, '南昌市市场监督管理局'));
  const target = await registerNode(admin, 'nc-approval-01', '南昌市行政审批局前置机', await departmentId(t, '南昌市行政审批局'));
  return { admin, provider, authority, consumer, resourceId, grantId: grant.body.id as string, source, target };
}

export async function registerNode(admin: Agent, code: string, name: string, departmentId: string) {
  const res = await admin.post('/api/exchange/nodes', { code, name, departmentId });
  if (res.status !== 201) throw new Error(`register node: ${res.status} ${res.text}`);
  return { id: res.body.node.id as string, token: res.body.enrolToken as string };
}

export function taskBody(cast: { resourceId: string; grantId: string; source: { id: string }; target: { id: string } }, overrides: Record<string, unknown> = {}) {
  return {
    name: '企业登记信息同步至审批局',
    resourceId: cast.resourceId,
    sourceNodeId: cast.source.id,
    source: { connection: 'main', table: 'public.enterprise', query: null, keyColumns: ['uscc'], incremental: { column: 'updated_at', kind: 'timestamp' } },
    fields: [{ field: 'uscc' }, { field: 'name', column: 'ent_name' }],
    schedule: { kind: 'continuous', pollSeconds: 1 },
    targets: [{ nodeId: cast.target.id, grantId: cast.grantId, connection: 'warehouse', table: 'public.enterprise_copy', mode: 'upsert' }],
    ...overrides,
  };
}
