// The exchange center for bench/exchange.ts: the real app on a fresh PostgreSQL database, listening
// on a real port, with the audit sealer running as in production; the published 10-field entry,
// the consumer's grant and the two nodes are made through the API, as a department would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type App } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { openDatabase, type Database } from '../server/src/db/database.ts';
import { migrate } from '../server/src/db/migrator.ts';
import { loadOrCreateSigningKey } from '../server/src/modules/audit/index.ts';
import { DEMO_PASSWORD } from '../server/src/seed/jiangxi.ts';
import { seedDemo } from '../server/src/seed/seed.ts';
import { createScratchDatabase } from '../server/test/scratch-db.ts';
import { Agent } from '../server/test/harness.ts';

/** The benchmark table's columns as catalog fields (englishName = source and target column). */
export const FIELDS: { name: string; englishName: string; dataType: string; length?: number }[] = [
  { name: '序号', englishName: 'id', dataType: 'integer' },
  { name: '统一社会信用代码', englishName: 'uscc', dataType: 'string', length: 18 },
  { name: '企业名称', englishName: 'name', dataType: 'string', length: 200 },
  { name: '法定代表人', englishName: 'legal_rep', dataType: 'string', length: 50 },
  { name: '注册资本', englishName: 'reg_capital', dataType: 'decimal' },
  { name: '从业人数', englishName: 'employees', dataType: 'integer' },
  { name: '登记状态', englishName: 'status', dataType: 'string', length: 20 },
  { name: '成立日期', englishName: 'est_date', dataType: 'date' },
  { name: '住所', englishName: 'address', dataType: 'string', length: 200 },
  { name: '数据更新时间', englishName: 'updated_at', dataType: 'datetime' },
];

export const PURPOSE = '企业设立登记时核验企业登记信息（性能基准）';

export interface Center {
  app: App;
  database: Database;
  /** The center's own (scratch) database. */
  databaseUrl: string;
  url: string;
  dir: string;
  provider: Agent;
  resourceId: string;
  grantId: string;
  source: { id: string; token: string };
  target: { id: string; token: string };
  close(): Promise<void>;
}

async function login(app: App, username: string): Promise<Agent> {
  const agent = new Agent(app);
  const res = await agent.post('/api/auth/login', { username, password: DEMO_PASSWORD });
  if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${res.text}`);
  const setCookie = res.headers['set-cookie'];
  agent.cookie = (Array.isArray(setCookie) ? setCookie[0] : String(setCookie)).split(';')[0];
  agent.csrf = res.body.csrfToken;
  return agent;
}

function must<T>(res: { status: number; text: string; body: T }, status: number, what: string): T {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${res.text}`);
  return res.body;
}

export async function startCenter(adminUrl: string, keep: boolean): Promise<Center> {
  const scratch = await createScratchDatabase(adminUrl, 'zt_bench_center');
  const database = await openDatabase({ url: scratch.url, poolSize: 10 });
  await migrate(database);
  await seedDemo(database);
  const dir = mkdtempSync(join(tmpdir(), 'zt-bench-center-'));
  const key = loadOrCreateSigningKey(join(dir, 'audit-sm2.pem'));
  const config = loadConfig({ DATA_DIR: dir, WEB_DIST: join(dir, 'no-web'), LOG_LEVEL: 'warn', EXCHANGE_STORE_DIR: join(dir, 'exchange') });
  const app = await buildApp({ config, database, signingKey: key, logger: false });
  // Audit entries are sealed in the background as on a production server.
  app.startWorker();
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as { port: number }).port}`;

  const admin = await login(app, 'nc_admin');
  const provider = await login(app, 'nc_officer');
  const authority = await login(app, 'nc_authority');
  const consumer = await login(app, 'ncsp_officer');
  const content = {
    classificationCode: '102',
    name: '企业登记基本信息（交换基准）',
    providerUnit: '登记注册处',
    summary: '南昌市企业登记基本信息，用于交换性能基准',
    format: { kind: 'database', detail: 'PostgreSQL 表' },
    fields: FIELDS.map((f) => ({ ...f, personal: false, sensitive: false })),
    share: { type: 'unconditional', modes: ['interface', 'exchange'] },
    open: { type: 'closed' },
    updateCycle: 'realtime',
    relatedResourceCodes: [],
  };
  const resourceId = must(await provider.post('/api/catalog/resources', { content }), 201, 'create catalog entry').id as string;
  must(await provider.post(`/api/catalog/resources/${resourceId}/submit`), 200, 'submit catalog entry');
  must(await authority.post(`/api/catalog/resources/${resourceId}/review`, { decision: 'approve' }), 200, 'approve catalog entry');
  const grant = must(await consumer.post('/api/sharing/grants', { resourceId, purpose: PURPOSE, fields: FIELDS.map((f) => f.englishName) }), 201, 'grant');
  const dept = async (name: string) => (await database.db.selectFrom('identity.department').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  const node = async (code: string, name: string, department: string) => {
    const b = must(await admin.post('/api/exchange/nodes', { code, name, departmentId: await dept(department) }), 201, 'register node');
    return { id: b.node.id as string, token: b.enrolToken as string };
  };
  const source = await node('nc-amr-bench', '南昌市市场监管局前置机', '南昌市市场监督管理局');
  const target = await node('nc-approval-bench', '南昌市行政审批局前置机', '南昌市行政审批局');

  return {
    app, database, databaseUrl: scratch.url, url, dir, provider, resourceId, grantId: grant.id as string, source, target,
    async close() {
      await app.close();
      await database.close();
      if (keep) console.log(`kept center database ${scratch.url}`);
      else await scratch.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Start and end times of the agent calls the center served, for the per-stage figures. */
export interface CallRecord {
  kind: 'upload' | 'download' | 'ack' | 'deliveries' | 'heartbeat' | 'other';
  /** batch id for uploads and downloads, delivery id for acks. */
  id: string | null;
  seq: number | null;
  rows: number | null;
  /** The signing client (node-<code>). */
  client: string | null;
  start: number;
  /** Uploads: when the request body had fully arrived (the center has hashed and written it). */
  bodyEnd: number | null;
  end: number;
  status: number;
}

/** Watches the raw HTTP server (Fastify's own handling is untouched) and records agent calls. */
export function recordCalls(app: App): CallRecord[] {
  const calls: CallRecord[] = [];
  app.http.server.on('request', (req, res) => {
    const start = Date.now();
    const url = req.url ?? '';
    if (!url.startsWith('/api/exchange/agent/')) return;
    let kind: CallRecord['kind'] = 'other';
    let id: string | null = null;
    let seq: number | null = null;
    let rows: number | null = null;
    let bodyEnd: number | null = null;
    const client = typeof req.headers['x-zt-client-id'] === 'string' ? req.headers['x-zt-client-id'] : null;
    let m: RegExpMatchArray | null;
    if (req.method === 'PUT' && (m = url.match(/\/batches\/([0-9a-f-]{36})$/))) {
      kind = 'upload';
      id = m[1];
      try {
        const manifest = JSON.parse(Buffer.from(String(req.headers['x-zt-batch-manifest']), 'base64url').toString('utf8'));
        seq = manifest.seq;
        rows = manifest.rowCount;
      } catch {
        // A malformed manifest is the center's to refuse; the record just lacks its seq.
      }
      req.on('end', () => (bodyEnd = Date.now()));
    } else if ((m = url.match(/\/batches\/([0-9a-f-]{36})\/body$/))) {
      kind = 'download';
      id = m[1];
    } else if ((m = url.match(/\/deliveries\/([0-9a-f-]{36})\/ack$/))) {
      kind = 'ack';
      id = m[1];
    } else if (url.startsWith('/api/exchange/agent/deliveries')) kind = 'deliveries';
    else if (url.startsWith('/api/exchange/agent/heartbeat')) kind = 'heartbeat';
    res.on('finish', () => calls.push({ kind, id, seq, rows, client, start, bodyEnd, end: Date.now(), status: res.statusCode }));
  });
  return calls;
}
