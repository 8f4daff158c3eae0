import { resolve } from 'node:path';

/** Environment → typed configuration, read and checked once at start-up. */
export interface Config {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  /** The embedded database's files: DATA_DIR/pg (keys live beside it in DATA_DIR/keys). */
  pgliteDir: string;
  logLevel: string;
  /** Serve the built web console from this folder when it exists. */
  webDist: string;
  session: {
    idleMinutes: number;
    absoluteHours: number;
    secureCookie: boolean;
  };
  lockout: { maxFailures: number; minutes: number };
  /** Failed sign-ins one client address may make in `minutes` before it must wait; 0 = no limit. */
  loginThrottle: { maxFailures: number; minutes: number };
  audit: { sealIntervalMs: number; batchSize: number };
  /** How often the deadline job pushes reminder and overdue notices (REMINDER_INTERVAL_MS, default 10 minutes). */
  reminders: { intervalMs: number };
  /**
   * The exchange center: where batch bodies are kept (EXCHANGE_STORE_DIR, default DATA_DIR/exchange),
   * when a node counts as silent (EXCHANGE_NODE_SILENT_MINUTES, 5), back-pressure limits per task
   * (EXCHANGE_MAX_QUEUED_BATCHES, 200; EXCHANGE_MAX_QUEUED_BYTES, 2 GiB) and the delivery lease
   * (EXCHANGE_LEASE_SECONDS, 300).
   */
  exchange: {
    storeDir: string;
    silentMinutes: number;
    maxQueuedBatches: number;
    maxQueuedBytes: number;
    leaseSeconds: number;
    maxBatchBytes: number;
    failureThreshold: number;
    lagWarnSeconds: number;
    retentionHours: number;
    /** How often the exchange watch (warnings, expiry) runs (EXCHANGE_WATCH_INTERVAL_MS, 60 s). */
    watchIntervalMs: number;
    /**
     * Route deliveries through NATS JetStream when NATS_URL is set (ADR 0011): streams
     * EXCHANGE_NATS_STREAM (ZT_EXCHANGE) and EXCHANGE_NATS_TOPIC_STREAM (ZT_TOPICS), subjects under
     * EXCHANGE_NATS_SUBJECT_PREFIX (zt.exchange), EXCHANGE_NATS_ACK_WAIT_SECONDS (30),
     * EXCHANGE_NATS_DUPLICATE_WINDOW_SECONDS (600). null: PostgreSQL only.
     */
    nats: { url: string; stream: string; topicStream: string; subjectPrefix: string; ackWaitSeconds: number; duplicateWindowSeconds: number } | null;
  };
  runWorker: boolean;
  /**
   * Whose X-Forwarded-For to believe for the client IP recorded in the audit log: false (default,
   * the socket address), true (any), a hop count, or a comma list of proxy addresses/CIDRs.
   */
  trustProxy: boolean | number | string;
  /** The platform's external address, for stable IRIs in exports (DCAT-AP) and links. */
  publicBaseUrl: string;
  /** Working days a provider has to answer a data dispute (疑义校核, R-SHR-5): DISPUTE_ANSWER_WORKING_DAYS, default 5. */
  sharing: { disputeAnswerWorkingDays: number };
}

function int(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

function positive(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const n = int(name, fallback, env);
  if (n < 1) throw new Error(`${name} must be at least 1, got ${n}`);
  return n;
}

function parseTrustProxy(raw: string | undefined): boolean | number | string {
  if (!raw || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

function natsConfig(env: NodeJS.ProcessEnv): Config['exchange']['nats'] {
  const url = env.NATS_URL || undefined;
  if (!url) return null;
  if (!/^(nats|tls|wss?):\/\//.test(url)) throw new Error(`NATS_URL must start with nats://, tls://, ws:// or wss:// (got "${url.split('@').pop()}")`);
  const name = (key: string, fallback: string, pattern: RegExp) => {
    const v = env[key] || fallback;
    if (!pattern.test(v)) throw new Error(`${key} must match ${pattern}, got "${v}"`);
    return v;
  };
  return {
    url,
    stream: name('EXCHANGE_NATS_STREAM', 'ZT_EXCHANGE', /^[A-Za-z0-9_-]{1,64}$/),
    topicStream: name('EXCHANGE_NATS_TOPIC_STREAM', 'ZT_TOPICS', /^[A-Za-z0-9_-]{1,64}$/),
    subjectPrefix: name('EXCHANGE_NATS_SUBJECT_PREFIX', 'zt.exchange', /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/),
    ackWaitSeconds: positive('EXCHANGE_NATS_ACK_WAIT_SECONDS', 30, env),
    duplicateWindowSeconds: positive('EXCHANGE_NATS_DUPLICATE_WINDOW_SECONDS', 600, env),
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error(`DATABASE_URL must start with postgres:// (got "${databaseUrl.split('@').pop()}")`);
  }
  const port = int('PORT', 8080, env);
  if (port > 65535) throw new Error(`PORT must be at most 65535, got ${port}`);
  return {
    port,
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    dataDir: resolve(env.DATA_DIR || 'data'),
    pgliteDir: resolve(env.DATA_DIR || 'data', 'pg'),
    logLevel: env.LOG_LEVEL || 'info',
    webDist: resolve(env.WEB_DIST || resolve(import.meta.dirname, '../../web/dist')),
    session: {
      idleMinutes: int('SESSION_IDLE_MINUTES', 30, env),
      absoluteHours: int('SESSION_ABSOLUTE_HOURS', 12, env),
      secureCookie: env.COOKIE_SECURE === 'true',
    },
    lockout: { maxFailures: int('LOCKOUT_MAX_FAILURES', 5, env), minutes: int('LOCKOUT_MINUTES', 15, env) },
    loginThrottle: { maxFailures: int('LOGIN_IP_MAX_FAILURES', 100, env), minutes: int('LOGIN_IP_WINDOW_MINUTES', 15, env) },
    audit: { sealIntervalMs: int('AUDIT_SEAL_INTERVAL_MS', 5000, env), batchSize: int('AUDIT_BATCH_SIZE', 1000, env) },
    reminders: { intervalMs: positive('REMINDER_INTERVAL_MS', 600_000, env) },
    exchange: {
      storeDir: resolve(env.EXCHANGE_STORE_DIR || resolve(env.DATA_DIR || 'data', 'exchange')),
      silentMinutes: positive('EXCHANGE_NODE_SILENT_MINUTES', 5, env),
      maxQueuedBatches: positive('EXCHANGE_MAX_QUEUED_BATCHES', 200, env),
      maxQueuedBytes: positive('EXCHANGE_MAX_QUEUED_BYTES', 2 * 1024 ** 3, env),
      leaseSeconds: positive('EXCHANGE_LEASE_SECONDS', 300, env),
      maxBatchBytes: positive('EXCHANGE_MAX_BATCH_BYTES', 8 * 1024 ** 3, env),
      failureThreshold: positive('EXCHANGE_FAILURE_THRESHOLD', 3, env),
      lagWarnSeconds: positive('EXCHANGE_LAG_WARN_SECONDS', 600, env),
      retentionHours: positive('EXCHANGE_RETENTION_HOURS', 72, env),
      watchIntervalMs: positive('EXCHANGE_WATCH_INTERVAL_MS', 60_000, env),
      nats: natsConfig(env),
    },
    runWorker: env.WORKER !== 'false',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    publicBaseUrl: (env.PUBLIC_BASE_URL || `http://localhost:${port}`).replace(/\/+$/, ''),
    sharing: { disputeAnswerWorkingDays: positive('DISPUTE_ANSWER_WORKING_DAYS', 5, env) },
  };
}
