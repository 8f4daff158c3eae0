/**
 * Benchmark (issue #4): moving a table from a source PostgreSQL database to a target database
 * through source agent → exchange center → target agent, with SM2-signed calls, signed and
 * SM3-checked batch manifests and the audit log (always on), against — side by side in the same
 * run, the same two databases, the same table — the physical limit (`psql -c "COPY … TO STDOUT" |
 * psql -c "COPY … FROM STDIN"`, a literal shell pipe) and the peer (Debian's pgloader). Then the
 * change latency: 10,000 rows updated in one transaction, from commit to all visible at the target.
 *
 *   npm run bench:exchange
 *   BENCH_ROWS=100000 BENCH_BATCH=50000 BENCH_IN_FLIGHT=4 npm run bench:exchange
 *
 * Knobs: BENCH_ROWS (1,000,000), BENCH_BATCH (task batchSize, 100,000), BENCH_IN_FLIGHT (task
 * maxInFlight, 4), BENCH_CHANGED (10,000), BENCH_LATENCY_ROUNDS (3), BENCH_DATABASE_URL (the
 * PostgreSQL server where the center, source and target scratch databases are made), BENCH_KEEP=1
 * keeps the databases, BENCH_COMPRESSION=none has the agents send plain CSV (default zstd, ADR 0013),
 * BENCH_TIMELINE=1 prints every batch's stage times, BENCH_SETTLE sets the task's settle window in
 * seconds (ADR 0015; default: the product's default). Goals: Zhengtong ≥ 0.5× the COPY pipe and
 * ≥ 1× pgloader; changes at the target ≤ 5 s after commit. Prints figures; asserts nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createScratchDatabase, type ScratchDatabase } from '../server/test/scratch-db.ts';
import { AgentProcess, type LogEvent } from './exchange-agents.ts';
import { FIELDS, recordCalls, startCenter, type CallRecord, type Center } from './exchange-center.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 100_000);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 4);
const CHANGED = Math.min(Number(process.env.BENCH_CHANGED ?? 10_000), ROWS);
const LATENCY_ROUNDS = Number(process.env.BENCH_LATENCY_ROUNDS ?? 3);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const KEEP = !!process.env.BENCH_KEEP;
const TABLE = 'bench_enterprise';
const TIMEOUT_MS = 60 * 60_000;
const COMPRESSION = process.env.BENCH_COMPRESSION === 'none' ? 'none' : 'zstd';
/** The task's settle window (ADR 0015); unset = the product's default. */
const SETTLE = process.env.BENCH_SETTLE === undefined ? undefined : Number(process.env.BENCH_SETTLE);

const COLUMNS = FIELDS.map((f) => f.englishName);
const DDL = `CREATE TABLE ${TABLE} (
  id bigint PRIMARY KEY,
  uscc text NOT NULL,
  name text NOT NULL,
  legal_rep text,
  reg_capital numeric(14,2),
  employees integer,
  status text,
  est_date date,
  address text,
  updated_at timestamptz NOT NULL
)`;
// About 150 bytes a row as CSV: Chinese names and addresses (3 bytes a character), a credit code,
// numbers, a date and a timestamp; every updated_at distinct.
const FILL = `INSERT INTO ${TABLE}
SELECT g,
  '91360100' || lpad(g::text, 10, '0'),
  '南昌' || (ARRAY['恒信','华远','赣江','洪都','青云','滕王','象湖','瑶湖'])[1 + g % 8] || '科技有限公司',
  (ARRAY['张伟','王芳','李娜','刘洋','陈静','杨磊','黄敏'])[1 + g % 7],
  round(((g::bigint * 7919) % 1000000) * 13.37, 2),
  (g * 31) % 500,
  (ARRAY['存续','在业','吊销','注销'])[1 + g % 4],
  date '2000-01-01' + (g % 9000),
  '红谷滩区丰和大道' || (g % 2000) || '号',
  timestamptz '2026-01-01 00:00:00+00' + g * interval '1 millisecond'
FROM generate_series(1, $1::int) AS g`;
// Order-independent: a sum of 60-bit slices of each row's MD5 (text forms, same server settings).
const CHECKSUM = `SELECT count(*)::int AS n, coalesce(sum(('x' || left(md5(concat_ws('|', ${COLUMNS.join(', ')})), 15))::bit(60)::bigint), 0)::text AS h FROM ${TABLE}`;

interface Digest { n: number; h: string }
const digest = async (c: pg.Client): Promise<Digest> => (await c.query(CHECKSUM)).rows[0];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Runs a shell command line (a real `|` pipe), returns its wall time in seconds. */
function shell(line: string, what: string): Promise<{ seconds: number; out: string }> {
  return new Promise((res, rej) => {
    const started = performance.now();
    const child = spawn('bash', ['-c', `set -o pipefail; ${line}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code === 0) res({ seconds, out });
      else rej(new Error(`${what} failed (exit ${code}):\n${out.slice(-3000)}`));
    });
  });
}

async function connect(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

async function expectCopy(dst: pg.Client, want: Digest, what: string) {
  const got = await digest(dst);
  if (got.n !== want.n || got.h !== want.h) throw new Error(`${what}: target differs from source (rows ${got.n} vs ${want.n}, checksum ${got.h} vs ${want.h})`);
}

/** CPU seconds: the whole machine's busy time (all cores) and single processes', from /proc. */
const TICK = 100;
function machineBusy(): number {
  const [, ...v] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return (v.reduce((a, b) => a + b, 0) - v[3] - v[4]) / TICK;
}
function processCpu(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch {
    return 0;
  }
}
/** CPU seconds of this process's finished (waited-for) children and their descendants. */
function childrenCpu(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / TICK;
}
function cpuMeter(pids: Record<string, number | undefined>) {
  const start = { machine: machineBusy(), ...Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, processCpu(p)])) } as Record<string, number>;
  return () => {
    const used: Record<string, number> = { machine: machineBusy() - start.machine };
    for (const [k, p] of Object.entries(pids)) used[k] = processCpu(p) - start[k];
    return used;
  };
}

/**
 * CPU seconds of the PostgreSQL backends serving the given databases, by database: sampled while
 * a run goes on (a backend born during the run counts from zero; `skip` leaves out this process's
 * own polling connection).
 */
class BackendCpu {
  readonly #seen = new Map<number, { db: string; first: number; last: number }>();
  readonly #names: Map<string, string>;
  readonly #skip: Set<number>;
  readonly #since: number;
  constructor(names: Record<string, string>, skip: number[]) {
    this.#names = new Map(Object.entries(names));
    this.#skip = new Set(skip);
    this.#since = Date.now();
  }

  async sample(c: pg.Client) {
    const r = await c.query<{ pid: number; datname: string; backend_start: Date }>('SELECT pid, datname, backend_start FROM pg_stat_activity WHERE datname = ANY($1)', [[...this.#names.keys()]]);
    for (const row of r.rows) {
      if (this.#skip.has(row.pid)) continue;
      const cpu = processCpu(row.pid);
      const s = this.#seen.get(row.pid);
      if (s) s.last = Math.max(s.last, cpu);
      else this.#seen.set(row.pid, { db: this.#names.get(row.datname)!, first: row.backend_start.getTime() >= this.#since ? 0 : cpu, last: cpu });
    }
  }

  totals(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.#seen.values()) out[s.db] = (out[s.db] ?? 0) + (s.last - s.first);
    return out;
  }
}

// ---------------------------------------------------------------------------------------------

async function copyPipe(src: ScratchDatabase, dst: ScratchDatabase, dstClient: pg.Client) {
  await dstClient.query(`TRUNCATE ${TABLE}`);
  const r = await shell(
    `psql -X -q -d '${src.url}' -c "COPY ${TABLE} (${COLUMNS.join(', ')}) TO STDOUT WITH (FORMAT csv)" | psql -X -q -d '${dst.url}' -c "COPY ${TABLE} (${COLUMNS.join(', ')}) FROM STDIN WITH (FORMAT csv)"`,
    'COPY pipe',
  );
  return r.seconds;
}

async function pgloader(src: ScratchDatabase, dst: ScratchDatabase, dstClient: pg.Client, dir: string) {
  await dstClient.query(`TRUNCATE ${TABLE}`);
  const pgl = (url: string) => url.replace(/^postgres(ql)?:/, 'pgsql:');
  const file = join(dir, 'bench.load');
  // Data only into the existing table (as the other two), pgloader's default workers and batches.
  writeFileSync(file, `LOAD DATABASE\n  FROM ${pgl(src.url)}\n  INTO ${pgl(dst.url)}\n  WITH data only, truncate\n  INCLUDING ONLY TABLE NAMES MATCHING '${TABLE}' IN SCHEMA 'public'\n;\n`);
  // SBCL's default 1 GiB heap runs out on a quiet machine, where pgloader reads faster than it writes.
  const r = await shell(`cd '${dir}' && pgloader --dynamic-space-size 4096 --no-ssl-cert-verification '${file}'`, 'pgloader');
  return { seconds: r.seconds, out: r.out };
}

async function pgloaderVersion(): Promise<string> {
  try {
    return (await shell('pgloader --version', 'pgloader --version')).out.split('\n')[0].replace(/version "(.*)"/, '$1').trim();
  } catch {
    return 'pgloader';
  }
}

// ---------------------------------------------------------------------------------------------

interface ZtRun {
  seconds: number;
  taskId: string;
  createdAt: number;
  doneAt: number;
}

async function appliedRows(dst: pg.Client, taskId: string): Promise<number> {
  try {
    return Number((await dst.query('SELECT coalesce(sum(row_count), 0)::bigint AS n FROM zt_exchange_applied WHERE task_id = $1', [taskId])).rows[0].n);
  } catch (err) {
    // The target agent creates the table at its first batch.
    if ((err as { code?: string }).code === '42P01') return 0;
    throw err;
  }
}

async function zhengtong(center: Center, dstClient: pg.Client, agents: AgentProcess[], backends: BackendCpu): Promise<ZtRun> {
  await dstClient.query(`TRUNCATE ${TABLE}`);
  const body = {
    name: '企业登记基本信息同步至审批局（基准）',
    resourceId: center.resourceId,
    sourceNodeId: center.source.id,
    source: { connection: 'main', table: `public.${TABLE}`, query: null, keyColumns: ['id'], incremental: { column: 'updated_at', kind: 'timestamp' } },
    fields: COLUMNS.map((c) => ({ field: c })),
    schedule: { kind: 'continuous', pollSeconds: 1 },
    strategy: { batchSize: BATCH, maxInFlight: IN_FLIGHT, ...(SETTLE === undefined ? {} : { settleSeconds: SETTLE }) },
    targets: [{ nodeId: center.target.id, grantId: center.grantId, connection: 'warehouse', table: `public.${TABLE}`, mode: 'upsert' }],
  };
  const createdAt = Date.now();
  const res = await center.provider.post('/api/exchange/tasks', body);
  if (res.status !== 201) throw new Error(`create task: ${res.status} ${res.text}`);
  const taskId = res.body.id as string;
  console.log(`  Zhengtong task created: settle window ${res.body.strategy.settleSeconds} s${SETTLE === undefined ? ' (the default)' : ' (BENCH_SETTLE)'}`);
  const end = Date.now() + TIMEOUT_MS;
  for (;;) {
    for (const a of agents) a.check();
    await backends.sample(dstClient);
    if ((await appliedRows(dstClient, taskId)) >= ROWS) break;
    if (Date.now() > end) throw new Error('timed out waiting for the full load at the target');
    await sleep(100);
  }
  const doneAt = Date.now();
  return { seconds: (doneAt - createdAt) / 1000, taskId, createdAt, doneAt };
}

/** Updates CHANGED rows in one transaction; seconds from its commit until the target has them all. */
async function changeLatency(src: pg.Client, dst: pg.Client, agents: AgentProcess[], round: number) {
  const step = Math.max(1, Math.floor(ROWS / CHANGED));
  const ids = Array.from({ length: CHANGED }, (_, i) => (i + 1) * step);
  const marker = `变更${round}`;
  await src.query('BEGIN');
  const upd = await src.query(`UPDATE ${TABLE} SET status = $1, employees = employees + 1, updated_at = now() WHERE id = ANY($2::bigint[])`, [marker, ids]);
  if (upd.rowCount !== CHANGED) throw new Error(`updated ${upd.rowCount} rows, expected ${CHANGED}`);
  await src.query('COMMIT');
  const committedAt = Date.now();
  const end = committedAt + 120_000;
  for (;;) {
    const r = await dst.query(`SELECT count(*)::int AS n FROM ${TABLE} WHERE id = ANY($1::bigint[]) AND status = $2`, [ids, marker]);
    if (r.rows[0].n === CHANGED) break;
    for (const a of agents) a.check();
    if (Date.now() > end) throw new Error(`round ${round}: only ${r.rows[0].n} of ${CHANGED} changed rows at the target after 120 s`);
    await sleep(20);
  }
  const visibleAt = Date.now();
  return { committedAt, visibleAt, seconds: (visibleAt - committedAt) / 1000 };
}

// ---------------------------------------------------------------------------------------------
// Stage timings, from the agents' log lines and the center's record of the calls it served.

interface BatchTimes {
  seq: number;
  rows: number;
  extractStart: number;
  extracted: number;
  upload?: CallRecord;
  download?: CallRecord;
  ack?: CallRecord;
  applied?: number;
}

function batchTimeline(run: { createdAt: number; doneAt: number }, src: LogEvent[], dst: LogEvent[], calls: CallRecord[], ackSeq: Map<string, number>): BatchTimes[] {
  const inRun = (t: number) => t >= run.createdAt && t <= run.doneAt + 1000;
  const extracted = src.filter((e) => e.msg === 'batch extracted' && inRun(e.at)).sort((a, b) => a.at - b.at);
  const uploads = new Map(calls.filter((c) => c.kind === 'upload' && c.seq !== null && c.status < 300 && inRun(c.start)).map((c) => [c.seq!, c]));
  const seqOfBatch = new Map([...uploads.values()].map((c) => [c.id!, c.seq!]));
  const downloads = new Map(calls.filter((c) => c.kind === 'download' && seqOfBatch.has(c.id!)).map((c) => [seqOfBatch.get(c.id!)!, c]));
  const acks = new Map(calls.filter((c) => c.kind === 'ack' && ackSeq.has(c.id!)).map((c) => [ackSeq.get(c.id!)!, c]));
  const applied = new Map(dst.filter((e) => e.msg === 'batch applied' && inRun(e.at)).map((e) => [Number(e.fields.seq), e.at]));
  const out: BatchTimes[] = [];
  // The task reaches the source agent with its first heartbeat after the task was created.
  const pickup = calls.find((c) => c.kind === 'heartbeat' && c.client === 'node-nc-amr-bench' && c.start >= run.createdAt)?.end ?? run.createdAt;
  extracted.forEach((e, i) => {
    const seq = Number(e.fields.seq);
    // Extraction waits while maxInFlight batches sit in the outbox: it starts again when the
    // upload IN_FLIGHT places back has finished.
    const prev = i === 0 ? pickup : extracted[i - 1].at;
    const freedBy = i >= IN_FLIGHT ? uploads.get(Number(extracted[i - IN_FLIGHT].fields.seq))?.end ?? prev : prev;
    out.push({ seq, rows: Number(e.fields.rows), extractStart: Math.max(prev, freedBy), extracted: e.at, upload: uploads.get(seq), download: downloads.get(seq), ack: acks.get(seq), applied: applied.get(seq) });
  });
  return out;
}

function stageTable(batches: BatchTimes[], run: { seconds: number; createdAt: number }) {
  const stages: { name: string; what: string; ms: number[] }[] = [
    { name: 'extract', what: 'source agent: COPY … TO STDOUT into the batch file (fsync, SM3), checkpoint row, manifest signed, outbox commit', ms: [] },
    { name: 'upload: checks + body', what: 'center: signature, task, grants, manifest signature, back-pressure; body streamed to the store with SM3', ms: [] },
    { name: 'upload: store + route', what: 'center: blob moved into place; batch, delivery, provenance and audit entry in one transaction', ms: [] },
    { name: 'target idle', what: 'target agent: nothing to apply, the next body not downloaded yet (from the previous apply, or the upload)', ms: [] },
    { name: 'download', what: 'center streams the body; target agent writes it to its inbox with SM3 (while the previous batch applies)', ms: [] },
    { name: 'apply', what: 'target agent: manifest signature and SM3 checked, COPY into the table, zt_exchange_applied row, commit (one at a time)', ms: [] },
    { name: 'ack', what: 'center: delivery acknowledged (provenance, audit entry)', ms: [] },
  ];
  // The target applies one batch at a time while the next body downloads (a window of two): a
  // batch's apply starts when both its body is in and the previous apply has ended (its ack sent).
  let prevApplyEnd = 0;
  for (const b of batches) {
    stages[0].ms.push(b.extracted - b.extractStart);
    if (b.upload) {
      const bodyEnd = b.upload.bodyEnd ?? b.upload.end;
      stages[1].ms.push(bodyEnd - b.upload.start);
      stages[2].ms.push(b.upload.end - bodyEnd);
    }
    if (b.download) {
      stages[4].ms.push(b.download.end - b.download.start);
      if (b.ack) {
        const from = prevApplyEnd || (b.upload?.end ?? b.download.start);
        stages[3].ms.push(Math.max(0, b.download.end - from));
        stages[5].ms.push(b.ack.start - Math.max(b.download.end, prevApplyEnd));
        prevApplyEnd = b.ack.start;
      }
    }
    if (b.ack) stages[6].ms.push(b.ack.end - b.ack.start);
  }
  const rows = batches.reduce((s, b) => s + b.rows, 0);
  console.log(`\nwhere the time goes (${batches.length} batches of up to ${fmt(BATCH)} rows; sums are busy time of each stage, which overlap between the source and target sides):`);
  console.log(`  ${'stage'.padEnd(24)} ${'median/batch'.padStart(12)} ${'max/batch'.padStart(10)} ${'sum'.padStart(8)} ${'rows/s alone'.padStart(13)}`);
  for (const s of stages) {
    if (s.ms.length === 0) continue;
    const sorted = [...s.ms].sort((a, b) => a - b);
    const sum = sorted.reduce((a, b) => a + b, 0);
    console.log(`  ${s.name.padEnd(24)} ${`${fmt(sorted[Math.floor(sorted.length / 2)])} ms`.padStart(12)} ${`${fmt(sorted[sorted.length - 1])} ms`.padStart(10)} ${`${(sum / 1000).toFixed(1)} s`.padStart(8)} ${fmt(rows / (sum / 1000)).padStart(13)}`);
  }
  const source = stages.slice(0, 1).concat(stages.slice(1, 3));
  const total = (list: typeof stages) => list.reduce((s, x) => s + x.ms.reduce((a, b) => a + b, 0), 0) / 1000;
  console.log(`  source side (extract + upload, run concurrently): extract ${total(source.slice(0, 1)).toFixed(1)} s, upload ${total(source.slice(1)).toFixed(1)} s`);
  console.log(`  target side (one apply at a time, the next body downloading meanwhile): applying ${total([stages[5]]).toFixed(1)} s, idle ${total([stages[3]]).toFixed(1)} s, of the ${run.seconds.toFixed(1)} s run`);
  const last = batches[batches.length - 1];
  const at = (t: number | undefined) => (t === undefined ? '?' : `${((t - run.createdAt) / 1000).toFixed(1)} s`);
  if (last) console.log(`  the source side had uploaded everything ${at(last.upload?.end)} after the task was created; the target acknowledged the last batch at ${at(last.ack?.end)}`);
  if (process.env.BENCH_TIMELINE) {
    const t = (x: number | undefined) => (x === undefined ? '     ?' : ((x - run.createdAt) / 1000).toFixed(2).padStart(6));
    console.log('  seq   rows  extract start/end  upload start/end  download start/end  ack start/end  (s after the task was created)');
    for (const b of batches) console.log(`  ${String(b.seq).padStart(3)} ${fmt(b.rows).padStart(7)}  ${t(b.extractStart)} ${t(b.extracted)}  ${t(b.upload?.start)} ${t(b.upload?.end)}  ${t(b.download?.start)} ${t(b.download?.end)}  ${t(b.ack?.start)} ${t(b.ack?.end)}`);
  }
  if (batches[0]) console.log(`  the task reached the source agent ${((batches[0].extractStart - run.createdAt) / 1000).toFixed(1)} s after it was created (its configuration watch, then a heartbeat)`);
  for (const s of stages) console.log(`    ${s.name}: ${s.what}`);
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'zt-bench-exchange-'));
  const srcDb = await createScratchDatabase(ADMIN_URL, 'zt_bench_src');
  const dstDb = await createScratchDatabase(ADMIN_URL, 'zt_bench_dst');
  const src = await connect(srcDb.url);
  const dst = await connect(dstDb.url);
  let center: Center | null = null;
  const agents: AgentProcess[] = [];
  try {
    const version = (await src.query('SHOW server_version')).rows[0].server_version as string;
    await src.query(DDL);
    await dst.query(DDL);
    let t0 = performance.now();
    await src.query(FILL, [ROWS]);
    await src.query(`CREATE INDEX ${TABLE}_updated ON ${TABLE} (updated_at, id)`);
    await src.query(`VACUUM ANALYZE ${TABLE}`);
    const size = (await src.query(`SELECT coalesce(sum(octet_length(concat_ws(',', ${COLUMNS.join(', ')})) + 1), 0)::bigint AS b FROM ${TABLE}`)).rows[0].b;
    const want = await digest(src);
    console.log(
      `exchange benchmark: ${fmt(ROWS)} rows × ${COLUMNS.length} columns (${(Number(size) / ROWS).toFixed(0)} bytes a row as CSV, ${(Number(size) / 1e6).toFixed(0)} MB), ` +
        `PostgreSQL ${version} → PostgreSQL ${version} on one server; source seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );

    t0 = performance.now();
    center = await startCenter(ADMIN_URL, KEEP);
    const calls = recordCalls(center.app);
    const srcAgent = new AgentProcess(dir, 'src', center.url, 'main', srcDb.url);
    const dstAgent = new AgentProcess(dir, 'dst', center.url, 'warehouse', dstDb.url);
    agents.push(srcAgent, dstAgent);
    await srcAgent.enrol(center.url, center.source.token);
    await dstAgent.enrol(center.url, center.target.token);
    console.log(`center on PostgreSQL (scratch database, audit sealing every 5 s) and two enrolled agents ready in ${((performance.now() - t0) / 1000).toFixed(0)} s; task batchSize ${fmt(BATCH)}, maxInFlight ${IN_FLIGHT}, continuous, poll 1 s`);

    const dbName = (u: string) => new URL(u).pathname.slice(1);
    const ownPids = [(await src.query('SELECT pg_backend_pid() AS p')).rows[0].p, (await dst.query('SELECT pg_backend_pid() AS p')).rows[0].p];
    const names = { [dbName(srcDb.url)]: 'source', [dbName(dstDb.url)]: 'target', [dbName(center.databaseUrl)]: 'center' };
    /** Runs `fn` while sampling the backends' CPU; returns its result with the CPU it cost. */
    const measured = async <T>(fn: () => Promise<T>) => {
      const backends = new BackendCpu(names, ownPids);
      const children = childrenCpu();
      const meter = cpuMeter({});
      let running = true;
      const sampler = (async () => {
        while (running) {
          await backends.sample(src);
          await sleep(100);
        }
      })();
      let result: T;
      try {
        result = await fn();
      } finally {
        running = false;
        await sampler;
      }
      return { result, clients: childrenCpu() - children, backends: backends.totals(), machine: meter().machine };
    };
    const copyRun = await measured(() => copyPipe(srcDb, dstDb, dst));
    const copySeconds = copyRun.result;
    await expectCopy(dst, want, 'COPY pipe');
    console.log(`  COPY pipe done in ${copySeconds.toFixed(1)} s`);
    const loaderRun = await measured(() => pgloader(srcDb, dstDb, dst, dir));
    const loader = loaderRun.result;
    await expectCopy(dst, want, 'pgloader');
    console.log(`  pgloader done in ${loader.seconds.toFixed(1)} s`);

    for (const a of agents) a.run();
    // Both agents have fetched their configuration before the clock starts.
    const ready = Date.now() + 60_000;
    while (!agents.every((a) => a.events.some((e) => e.msg === 'agent starting')) || calls.filter((c) => c.kind === 'heartbeat').length < 2) {
      for (const a of agents) a.check();
      if (Date.now() > ready) throw new Error('agents did not start');
      await sleep(100);
    }
    const meter = cpuMeter({ 'source agent': srcAgent.pid, 'target agent': dstAgent.pid, 'center (this process)': process.pid });
    const backends = new BackendCpu(names, ownPids);
    const zt = await zhengtong(center, dst, agents, backends);
    const ztCpu = meter();
    await expectCopy(dst, want, 'Zhengtong');
    console.log(`  Zhengtong done in ${zt.seconds.toFixed(1)} s`);

    const rate = (s: number) => ROWS / s;
    const rows = [
      { name: 'COPY pipe (psql | psql)', seconds: copySeconds },
      { name: await pgloaderVersion(), seconds: loader.seconds },
      { name: 'Zhengtong agent → center → agent', seconds: zt.seconds },
    ];
    console.log(`\n  ${'method'.padEnd(36)} ${'seconds'.padStart(8)} ${'rows/s'.padStart(10)} ${'× COPY'.padStart(7)} ${'× pgloader'.padStart(10)}`);
    for (const r of rows) {
      console.log(`  ${r.name.padEnd(36)} ${r.seconds.toFixed(1).padStart(8)} ${fmt(rate(r.seconds)).padStart(10)} ${(copySeconds / r.seconds).toFixed(2).padStart(7)} ${(loader.seconds / r.seconds).toFixed(2).padStart(10)}`);
    }
    const cores = (machine: number, s: number) => (machine / s).toFixed(2);
    console.log(`  CPU busy on the machine (2 cores; other work included): COPY pipe ${cores(copyRun.machine, copySeconds)} cores, pgloader ${cores(loaderRun.machine, loader.seconds)}, Zhengtong ${cores(ztCpu.machine, zt.seconds)}`);
    const pgOf = (b: Record<string, number>) => Object.entries(b).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
    const sumOf = (b: Record<string, number>) => Object.values(b).reduce((a, v) => a + v, 0);
    console.log(`  COPY pipe CPU seconds: psql ${copyRun.clients.toFixed(1)}; PostgreSQL backends ${pgOf(copyRun.backends)}; total ${(copyRun.clients + sumOf(copyRun.backends)).toFixed(1)}`);
    console.log(`  pgloader CPU seconds: pgloader ${loaderRun.clients.toFixed(1)}; PostgreSQL backends ${pgOf(loaderRun.backends)}; total ${(loaderRun.clients + sumOf(loaderRun.backends)).toFixed(1)}`);
    const own = Object.entries(ztCpu).filter(([k]) => k !== 'machine');
    const ownSum = own.reduce((a, [, v]) => a + v, 0);
    const pgCpu = Object.entries(backends.totals());
    const pgSum = pgCpu.reduce((a, [, v]) => a + v, 0);
    console.log(
      `  Zhengtong CPU seconds: ${own.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}; PostgreSQL backends ${pgCpu.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}; ` +
        `total ${(ownSum + pgSum).toFixed(1)}; everything else on the machine ${(ztCpu.machine - ownSum - pgSum).toFixed(1)}`,
    );
    const vsCopy = copySeconds / zt.seconds;
    const vsLoader = loader.seconds / zt.seconds;
    console.log(`  goal ≥ 0.5× COPY pipe: ${vsCopy >= 0.5 ? 'met' : 'NOT met'} (${vsCopy.toFixed(2)}); goal ≥ 1× pgloader: ${vsLoader >= 1 ? 'met' : 'NOT met'} (${vsLoader.toFixed(2)})`);

    // The bodies as they travelled (ADR 0013): the synthetic rows repeat a few names and addresses
    // and compress better than most registry data.
    const batches = await center.database.db.selectFrom('exchange.batch').select(['bytes', 'manifest']).where('task_id', '=', zt.taskId).execute();
    const sent = batches.reduce((a, b) => a + Number(b.bytes), 0);
    const raw = batches.reduce((a, b) => a + Number((b.manifest as { rawBytes?: number }).rawBytes ?? b.bytes), 0);
    console.log(`  bodies sent: ${(sent / 1e6).toFixed(1)} MB for ${(raw / 1e6).toFixed(1)} MB of CSV (agents' compression: ${COMPRESSION}, ${(raw / sent).toFixed(1)}×; BENCH_COMPRESSION=none sends plain CSV)`);

    const deliveries = await center.database.db.selectFrom('exchange.delivery').select(['id', 'seq']).where('task_id', '=', zt.taskId).execute();
    const ackSeq = new Map(deliveries.map((d) => [d.id, Number(d.seq)]));
    stageTable(batchTimeline(zt, srcAgent.events, dstAgent.events, calls, ackSeq), zt);

    // Change latency: the agents keep running on the continuous schedule.
    await sleep(3000);
    const rounds = [];
    for (let i = 1; i <= LATENCY_ROUNDS; i++) {
      const r = await changeLatency(src, dst, agents, i);
      const after = (events: LogEvent[], msg: string) => events.find((e) => e.msg === msg && e.at >= r.committedAt)?.at;
      const ex = after(srcAgent.events, 'batch extracted');
      const up = after(srcAgent.events, 'batch uploaded');
      const ap = after(dstAgent.events, 'batch applied');
      const rel = (t: number | undefined) => (t === undefined ? '?' : `${((t - r.committedAt) / 1000).toFixed(2)} s`);
      console.log(`  change round ${i}: ${fmt(CHANGED)} rows visible at the target ${r.seconds.toFixed(2)} s after commit (extracted ${rel(ex)}, uploaded ${rel(up)}, applied ${rel(ap)})`);
      rounds.push(r.seconds);
      await sleep(2000);
    }
    const worst = Math.max(...rounds);
    console.log(`  change latency, ${fmt(CHANGED)} rows in one transaction: worst ${worst.toFixed(2)} s of ${rounds.length} (goal ≤ 5 s: ${worst <= 5 ? 'met' : 'NOT met'})`);
    await expectCopy(dst, await digest(src), 'Zhengtong after the changes');
  } finally {
    for (const a of agents) await a.stop().catch(() => {});
    await src.end();
    await dst.end();
    await center?.close();
    if (KEEP) console.log(`kept ${srcDb.url} and ${dstDb.url}`);
    else {
      await srcDb.drop();
      await dstDb.drop();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
