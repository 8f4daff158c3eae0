#!/usr/bin/env node
/**
 * The `zhengtong` command: serve | migrate | seed | audit verify. Every sub-command has --help;
 * failures print one clear line and exit non-zero.
 */
import { Command, CommanderError, Help } from 'commander';
import { buildApp, sendDeadlineNotices } from './app.ts';
import { loadConfig, type Config } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { migrate } from './db/migrator.ts';
import { defaultKeyFile, loadOrCreateSigningKey, loadSigningKey, sealAll, verifyAuditLog } from './modules/audit/index.ts';
import { seedDemo } from './seed/seed.ts';
import { seedCatalogDemo } from './seed/catalog-demo.ts';
import { seedExchangeDemo, type ExchangeDemoResult } from './seed/exchange-demo.ts';
import { every } from './kernel/jobs.ts';

async function withDatabase<T>(config: Config, fn: (db: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.pgliteDir });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

const where = (c: Config) => (c.databaseUrl ? `PostgreSQL ${c.databaseUrl.replace(/\/\/[^@]*@/, '//')}` : `embedded PGlite in ${c.pgliteDir}`);

async function serve(opts: { port?: string; seed: boolean }) {
  const config = loadConfig(opts.port ? { ...process.env, PORT: opts.port } : process.env);
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.pgliteDir });
  await migrate(database, (m) => console.log(m));
  const seed = opts.seed ? await seedDemo(database) : null;
  if (seed) await seedCatalogDemo(database);
  const signingKey = loadOrCreateSigningKey(defaultKeyFile(config.dataDir));
  const app = await buildApp({ config, database, signingKey });
  const exchangeDemo = seed ? await seedExchangeDemo(database, app.exchange) : null;
  if (config.runWorker) app.startWorker();
  await app.http.listen({ port: config.port, host: config.host });

  const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
  console.log(`\n  政通 Zhengtong is running at http://${shown}:${config.port}/  (${where(config)})`);
  console.log(`  API docs: http://${shown}:${config.port}/api/docs`);
  if (seed) {
    console.log(`  Demo accounts${seed.seeded ? ' (just created)' : ''}, password ${seed.users[0].password}:`);
    for (const u of seed.users) console.log(`    ${u.username.padEnd(12)} ${u.note}`);
  }
  if (exchangeDemo) printEnrolments(exchangeDemo);
  console.log('');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.http.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await app.close();
      await database.close();
      process.exit(0);
    } catch (err) {
      console.error(err);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** The demo nodes' one-time enrolment tokens, shown once as the console shows a new node's. */
function printEnrolments(demo: ExchangeDemoResult) {
  if (!demo.enrolments.length) return;
  console.log('  Demo exchange nodes, waiting for their agents (docs/exchange.md, "Try it on the demo"):');
  for (const e of demo.enrolments) console.log(`    ${e.code.padEnd(15)} ${e.name}  enrolment token ${e.token} (valid until ${e.expiresAt})`);
}

export function cli(): Command {
  const program = new Command('zhengtong')
    .description('政通 Zhengtong — unified e-government platform')
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nEnvironment: PORT (8080), DATABASE_URL (postgres://…; embedded PGlite when unset), DATA_DIR (./data), LOG_LEVEL, AUDIT_KEY_FILE.\nSee README.md and docs/operations.md.',
    );

  program
    .command('serve')
    .description('apply migrations, seed the demo data once, and serve the API and web console')
    .option('-p, --port <port>', 'port to listen on (default $PORT or 8080)')
    .option('--no-seed', 'do not load the demo organisation')
    .action(serve);

  program
    .command('worker')
    .description('run the background jobs (audit sealing) without serving HTTP; pair with WORKER=false on the servers')
    .action(async () => {
      const config = loadConfig();
      const database = await openDatabase({ url: config.databaseUrl, dataDir: config.pgliteDir });
      await migrate(database);
      const key = loadOrCreateSigningKey(defaultKeyFile(config.dataDir));
      const log = { error: (obj: object, msg?: string) => console.error(msg ?? '', obj) };
      const seal = every('audit.seal', config.audit.sealIntervalMs, () => sealAll(database.db, key, config.audit.batchSize, () => new Date()), log);
      const notices = every('deadline.notices', config.reminders.intervalMs, () => sendDeadlineNotices(database.db, new Date()), log);
      console.log(`worker running on ${where(config)}; sealing audit entries every ${config.audit.sealIntervalMs} ms, deadline notices every ${config.reminders.intervalMs} ms`);
      const stop = async () => {
        await seal.stop();
        await notices.stop();
        await database.close();
        process.exit(0);
      };
      process.on('SIGTERM', () => void stop());
      process.on('SIGINT', () => void stop());
      await new Promise(() => {});
    });

  program
    .command('migrate')
    .description('apply pending database migrations and exit')
    .action(async () => {
      const config = loadConfig();
      const applied = await withDatabase(config, (db) => migrate(db, (m) => console.log(m)));
      console.log(applied.length ? `${applied.length} migration(s) applied to ${where(config)}` : `schema is current (${where(config)})`);
    });

  program
    .command('seed')
    .description('load the Jiangxi demo organisation and accounts (once; later runs do nothing)')
    .action(async () => {
      const config = loadConfig();
      const result = await withDatabase(config, async (db) => {
        await migrate(db);
        const demo = await seedDemo(db);
        const catalog = await seedCatalogDemo(db);
        // The exchange services need the exchange's dependencies: the app is built, never served.
        const app = await buildApp({ config, database: db, signingKey: loadOrCreateSigningKey(defaultKeyFile(config.dataDir)), logger: false });
        try {
          return { ...demo, catalog, exchange: await seedExchangeDemo(db, app.exchange) };
        } finally {
          await app.close();
        }
      });
      console.log(result.seeded ? 'demo data loaded' : 'demo data was already loaded; nothing changed');
      if (result.catalog.seeded) console.log(`demo catalog: ${result.catalog.created} published entries`);
      for (const u of result.users) console.log(`  ${u.username.padEnd(12)} ${u.password}  ${u.note}`);
      printEnrolments(result.exchange);
    });

  const audit = program.command('audit').description('audit log tools');
  audit
    .command('verify')
    .description('recompute every audit entry, Merkle root, chain link and SM2 signature; exit 1 on the first sign of tampering')
    .option('--seal', 'seal pending entries first')
    .option('--key <file>', 'the SM2 key file (default $AUDIT_KEY_FILE or DATA_DIR/keys/audit-sm2.pem)')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { seal?: boolean; key?: string; json?: boolean }) => {
      const config = loadConfig();
      const key = loadSigningKey(opts.key ?? defaultKeyFile(config.dataDir));
      const report = await withDatabase(config, async (db) => {
        if (opts.seal) await sealAll(db.db, key, config.audit.batchSize, () => new Date());
        return verifyAuditLog(db.db, key.publicKeyPem, key.fingerprint);
      });
      if (opts.json) console.log(JSON.stringify(report, null, 2));
      else {
        console.log(`checked ${report.batches} batch(es), ${report.entries} sealed entries; ${report.unsealed} not yet sealed`);
        if (report.head) console.log(`chain head: batch ${report.head.batchNo}, SM3 ${report.head.chainHash} (record it outside the platform to detect truncation)`);
        if (report.ok) console.log('OK: the audit log is intact');
        else {
          const first = report.problems[0];
          console.error(`TAMPERED: ${first.message}`);
          for (const p of report.problems.slice(1, 20)) console.error(`  also: ${p.message}`);
          if (report.problems.length > 20) console.error(`  … and ${report.problems.length - 20} more`);
        }
      }
      if (!report.ok) process.exitCode = 1;
    });

  // The top-level help lists `audit verify` itself, not only the `audit` group (set after the
  // commands are defined, so `zhengtong audit --help` keeps the default layout).
  const base = new Help();
  program.configureHelp({
    visibleCommands: (cmd) => base.visibleCommands(cmd).flatMap((c) => (c === audit ? base.visibleCommands(audit).filter((s) => s.name() !== 'help') : [c])),
    subcommandTerm: (cmd) => (cmd.parent === audit ? `audit ${base.subcommandTerm(cmd)}` : base.subcommandTerm(cmd)),
  });
  return program;
}

if (import.meta.main) {
  cli()
    .exitOverride()
    .parseAsync(process.argv)
    .catch((err) => {
      if (err instanceof CommanderError) process.exit(err.exitCode);
      console.error(`zhengtong: ${(err as Error).message}`);
      process.exit(1);
    });
}
