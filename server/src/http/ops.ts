import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/database.ts';
import { migrationStatus } from '../db/migrator.ts';

/** /healthz (the process answers), /readyz (database and schema ready) and /metrics. */
export async function opsRoutes(app: FastifyInstance, opts: { database: Database; auditUnsealed: () => Promise<number>; collectors?: ((registry: Registry) => void)[] }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'zhengtong_' });
  const requests = new Histogram({
    name: 'zhengtong_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const problems = new Counter({
    name: 'zhengtong_http_problems_total',
    help: 'Requests that ended in a problem+json error, by code',
    labelNames: ['code'],
    registers: [registry],
  });
  new Gauge({
    name: 'zhengtong_audit_unsealed_entries',
    help: 'Audit entries not yet sealed into a batch',
    registers: [registry],
    async collect() {
      this.set(await opts.auditUnsealed().catch(() => -1));
    },
  });

  for (const add of opts.collectors ?? []) add(registry);

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    requests.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (req.ctx?.errorCode) problems.inc({ code: req.ctx.errorCode });
  });

  app.get('/healthz', { schema: { tags: ['ops'], summary: '存活检查 / Liveness', hide: false } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { tags: ['ops'], summary: '就绪检查 / Readiness: database reachable, migrations current' } }, async (_req, reply) => {
    try {
      await sql`SELECT 1`.execute(opts.database.db);
      const status = await migrationStatus(opts.database);
      if (status.pending.length) return reply.code(503).send({ status: 'migrations pending', pending: status.pending });
      return { status: 'ready', database: opts.database.kind, migrations: status.applied.length };
    } catch (err) {
      return reply.code(503).send({ status: 'database unreachable', error: (err as Error).message });
    }
  });

  app.get('/metrics', { schema: { tags: ['ops'], summary: 'Prometheus metrics', hide: true } }, async (_req, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}
