import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { systemClock, type Clock } from './kernel/clock.ts';
import { every } from './kernel/jobs.ts';
import { createHttpServer } from './http/server.ts';
import { opsRoutes } from './http/ops.ts';
import { auditRoutes, auditStatus, sealAll, type SigningKey } from './modules/audit/index.ts';
import { CalendarService, calendarRoutes } from './modules/calendar/index.ts';
import { catalogDcatRoutes, catalogDutyRoutes, catalogRoutes, catalogSubscriptionRoutes, catalogTreeRoutes, sendUpdateDutyNotices } from './modules/catalog/index.ts';
import { BatchStore, NodeWaker, createTransport, exchangeAgentRoutes, exchangeMetrics, exchangeRoutes, exchangeTopicRoutes, watchExchange, type ExchangeDeps } from './modules/exchange/index.ts';
import { identityHttp, identityRoutes, type IdentityDeps } from './modules/identity/index.ts';
import { notificationRoutes } from './modules/notifications/index.ts';
import { sendSharingNotices, sharingRoutes, sharingStatsRoutes } from './modules/sharing/index.ts';

export interface AppOptions {
  config: Config;
  database: Database;
  signingKey: SigningKey;
  clock?: Clock;
  logger?: boolean;
  /** Extra plugins registered before the server seals its routes (benchmarks add their peers). */
  plugins?: FastifyPluginAsync[];
}

export interface App {
  http: FastifyInstance;
  calendar: CalendarService;
  /** Seals everything pending now (tests, CLI, shutdown). */
  sealNow(): Promise<number>;
  /** Pushes the reminder and overdue notices due now (the deadline job); returns how many stages went out. */
  remindNow(): Promise<number>;
  /** Runs the exchange watch now (warnings, expiry); returns how many warnings were raised. */
  watchNow(): Promise<number>;
  /** The exchange module's dependencies (the demo seed acts through its services). */
  exchange: ExchangeDeps;
  /** Starts the in-process background worker (audit sealing, deadline notices, exchange watch). */
  startWorker(): void;
  close(): Promise<void>;
}

/** The composition root: wires every module into one Fastify instance. */
export async function buildApp(opts: AppOptions): Promise<App> {
  const { config, database, signingKey } = opts;
  const clock = opts.clock ?? systemClock;
  const db = database.db;
  const indexHtml = join(config.webDist, 'index.html');
  const hasWeb = existsSync(indexHtml);

  const http = createHttpServer({ logLevel: config.logLevel, trustProxy: config.trustProxy, logger: opts.logger, clock, spaIndex: hasWeb ? indexHtml : undefined });
  const identity: IdentityDeps = { db, clock, config };
  const calendar = new CalendarService(db);

  const { storeDir, watchIntervalMs, nats, ...exchangeSettings } = config.exchange;
  const waker = new NodeWaker();
  const transport = await createTransport(nats, db, waker, http.log);
  const exchange: ExchangeDeps = { db, store: new BatchStore(storeDir), settings: exchangeSettings, waker, transport };

  await http.register(identityHttp, { deps: identity, auditDb: db });
  await http.register(opsRoutes, { database, auditUnsealed: async () => (await auditStatus(db)).unsealed, collectors: [exchangeMetrics(exchange)] });
  await http.register(identityRoutes, { deps: identity });
  await http.register(auditRoutes, { db, key: signingKey });
  await http.register(calendarRoutes, { calendar });
  await http.register(catalogRoutes, { db });
  await http.register(catalogSubscriptionRoutes, { db });
  await http.register(catalogTreeRoutes, { db });
  await http.register(catalogDutyRoutes, { db, calendar });
  await http.register(catalogDcatRoutes, { db, baseUrl: config.publicBaseUrl });
  await http.register(sharingRoutes, { db, calendar, disputeAnswerWorkingDays: config.sharing.disputeAnswerWorkingDays });
  await http.register(sharingStatsRoutes, { db });
  await http.register(notificationRoutes, { db });
  await http.register(exchangeRoutes, { deps: exchange });
  await http.register(exchangeAgentRoutes, { deps: exchange });
  await http.register(exchangeTopicRoutes, { deps: exchange });
  await http.register(swaggerUi, { routePrefix: '/api/docs' });
  if (hasWeb) await http.register(fastifyStatic, { root: config.webDist, wildcard: false, index: ['index.html'] });
  for (const plugin of opts.plugins ?? []) await http.register(plugin);
  await http.ready();

  const sealNow = () => sealAll(db, signingKey, config.audit.batchSize, () => clock.now());
  const remindNow = () => sendDeadlineNotices(db, clock.now());
  let worker: ReturnType<typeof every> | null = null;
  let reminders: ReturnType<typeof every> | null = null;
  let watch: ReturnType<typeof every> | null = null;
  const watchNow = () => watchExchange(exchange, clock.now(), http.log);

  return {
    http,
    calendar,
    exchange,
    sealNow,
    remindNow,
    watchNow,
    startWorker() {
      watch ??= every('exchange.watch', watchIntervalMs, watchNow, http.log);
      worker ??= every('audit.seal', config.audit.sealIntervalMs, sealNow, http.log);
      reminders ??= every('deadline.notices', config.reminders.intervalMs, remindNow, http.log);
    },
    async close() {
      await worker?.stop();
      await reminders?.stop();
      await watch?.stop();
      await http.close();
      await transport.close();
    },
  };
}

/**
 * The deadline job: reminders of unanswered sharing requests (5th, 8th working day), overdue
 * requests and data disputes, overdue catalog update duties — each stage sent once.
 */
export async function sendDeadlineNotices(db: Database['db'], now: Date): Promise<number> {
  return (await sendSharingNotices(db, now)) + (await sendUpdateDutyNotices(db, now));
}
