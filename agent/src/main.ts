// The `zhengtong-agent` command line. Exit codes: 0 ok, 1 error, 2 usage.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { checkCenterUrl, ConfigError, loadConfig, type AgentConfig } from './config.ts';
import { CenterClient } from './center/client.ts';
import { CenterError, CredentialRevokedError } from './center/errors.ts';
import type { AgentConfigResponse } from './center/types.ts';
import { openConnector } from './connectors/index.ts';
import { ConnectorError } from './connectors/types.ts';
import { Connections } from './engine/connections.ts';
import { errorText, type EngineContext } from './engine/context.ts';
import { checkEvent, EventFileError, eventChunks, publishChunks } from './engine/publisher.ts';
import { AgentRunner } from './engine/runner.ts';
import { collectStatus, readStatusFile, renderStatus, table } from './engine/status.ts';
import { SyncError, syncOnce } from './engine/sync-once.ts';
import { createLogger, type Logger } from './log.ts';
import { ProgressReporter } from './progress.ts';
import { ensureNodeKey, nodeJsonPath, nodeKeyPath, readCredential, readIdentity, writeIdentity, NotEnrolledError } from './state/identity.ts';
import { acquireLock, lockHolder, StateLockedError } from './state/lock.ts';
import { StateStore } from './state/store.ts';
import { UploadGate } from './engine/upload-gate.ts';

export const AGENT_VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/** An error the user caused and can fix from the message alone (printed without a stack). */
class UsageError extends Error {}

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

export async function main(argv: string[], io: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }): Promise<number> {
  const program = new Command('zhengtong-agent');
  program
    .description('政通 front-end processor (前置机) agent: moves this department\'s rows and files to and from the Zhengtong exchange center')
    .version(AGENT_VERSION, '-V, --version', 'print the agent version')
    .option('-c, --config <file>', 'agent configuration file', './agent.yaml')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    .showHelpAfterError('(run "zhengtong-agent --help" for the commands)')
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 error, 2 usage.
Start with "enrol", check with "test-connection" and "status", then keep "run" running (e.g. under systemd).
See agent/README.md for the configuration reference and what each error means.`,
    );

  let code = 0;
  const cfgPath = () => resolve(program.opts().config as string);

  program
    .command('enrol')
    .description('register this machine as an exchange node with a one-time token from the console (节点注册)')
    .requiredOption('--center <url>', 'the exchange center, e.g. https://zhengtong.example.gov.cn')
    .requiredOption('--token <token>', 'the one-time enrolment token (zt-enrol-…)')
    .option('--hostname <name>', 'name this machine reports', osHostname())
    .option('--force', 'replace an existing enrolment (a new key is made)')
    .action(async (opts: { center: string; token: string; hostname: string; force?: boolean }) => {
      code = await enrol(cfgPath(), opts, io);
    });

  program
    .command('run')
    .description('run in the foreground: heartbeat, extract and upload source tasks, apply deliveries (Ctrl-C stops after the current step)')
    .action(async () => {
      code = await run(cfgPath(), io);
    });

  program
    .command('status')
    .description('show the node, whether the center is reachable, and each task: status, checkpoint, outbox, last error')
    .option('--json', 'print JSON instead of a table')
    .action(async (opts: { json?: boolean }) => {
      code = await status(cfgPath(), opts, io);
    });

  program
    .command('test-connection')
    .description('connect to each configured database or folder (or only <name>) and report the server version or the error')
    .argument('[name]', 'a connection name from the config')
    .action(async (name: string | undefined) => {
      code = await testConnection(cfgPath(), name, io);
    });

  program
    .command('sync')
    .description('move everything pending for one task now (source: extract and upload; target: apply), with a progress bar, then exit')
    .requiredOption('--task <id>', 'the task id (as shown by "status")')
    .addOption(new Option('--once', 'run once and exit (required; continuous syncing is "run")'))
    .action(async (opts: { task: string; once?: boolean }) => {
      if (!opts.once) throw new CommanderError(2, 'zhengtong.usage', 'error: sync needs --once (continuous syncing is "zhengtong-agent run")');
      code = await sync(cfgPath(), opts.task, io);
    });

  program
    .command('publish')
    .description('publish events to a topic (发布事件): a JSON Lines file of {id?, key, type, payload, occurredAt?}, or one event from the options; a re-run publishes nothing twice')
    .requiredOption('--topic <code>', 'the topic code, e.g. enterprise.changed')
    .option('--file <events.jsonl>', 'one event per line')
    .option('--type <type>', 'one event: its type, e.g. address.changed')
    .option('--key <key>', "one event: its key (the topic's key field)")
    .option('--payload <json>', 'one event: its fields as a JSON object')
    .option('--id <uuid>', 'one event: its id (a publish with the same id is a duplicate)')
    .option('--occurred-at <time>', 'one event: when it happened (ISO 8601)')
    .action(async (opts: { topic: string; file?: string; type?: string; key?: string; payload?: string; id?: string; occurredAt?: string }) => {
      code = await publish(cfgPath(), opts, io);
    });

  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      if (err.code === 'zhengtong.usage') io.err(`${err.message}\n`);
      return 2;
    }
    if (err instanceof UsageError) {
      io.err(`zhengtong-agent: ${err.message}\n`);
      return 2;
    }
    io.err(`zhengtong-agent: ${describe(err)}\n`);
    return 1;
  }
}

function describe(err: unknown): string {
  if (err instanceof ConfigError || err instanceof EventFileError || err instanceof NotEnrolledError || err instanceof StateLockedError || err instanceof CredentialRevokedError || err instanceof SyncError) return err.message;
  if (err instanceof CenterError) return `${err.message}${err.messageZh ? ` (${err.messageZh})` : ''}`;
  return errorText(err);
}

async function enrol(file: string, opts: { center: string; token: string; hostname: string; force?: boolean }, io: Io): Promise<number> {
  const config = existsSync(file) ? loadConfig(file) : null;
  const stateDir = config?.stateDir ?? resolve('./agent-state');
  const centerUrl = checkCenterUrl(opts.center, config?.allowInsecureHttp ?? false, '--center');
  if (!/^zt-enrol-/.test(opts.token)) throw new UsageError('--token: an enrolment token starts with "zt-enrol-" (copy it from the node page in the console)');
  const existing = readIdentity(stateDir);
  if (existing && !opts.force) {
    throw new UsageError(`already enrolled as ${existing.nodeName} (${existing.nodeCode}) with ${existing.centerUrl}; use --force to enrol again with a new token`);
  }
  const release = acquireLock(stateDir);
  try {
    if (existing && opts.force) for (const f of [nodeJsonPath(stateDir), nodeKeyPath(stateDir), `${stateDir}/node.pub`]) rmSync(f, { force: true });
    const key = ensureNodeKey(stateDir);
    const client = new CenterClient(centerUrl, null, { userAgent: `zhengtong-agent/${AGENT_VERSION}` });
    let res;
    try {
      res = await client.enrol({ token: opts.token, publicKey: key.publicKeyPem, agentVersion: AGENT_VERSION, hostname: opts.hostname });
    } catch (err) {
      if (err instanceof CenterError && err.code === 'EXCHANGE_ENROL_TOKEN_INVALID') {
        throw new CenterError(err.status, { ...err.problem, message: 'the enrolment token is unknown, used or expired — ask for a new one in the console' }, null);
      }
      throw err;
    }
    writeIdentity(stateDir, { nodeId: res.nodeId, clientId: res.clientId, nodeCode: res.nodeCode, nodeName: res.nodeName, centerUrl, enrolledAt: new Date().toISOString() });
    io.out(`Enrolled as ${res.nodeName} (${res.nodeCode}), node id ${res.nodeId}, client ${res.clientId}.\nNode key: ${nodeKeyPath(stateDir)} (keep it private; mode 0600).\n`);
    if (!config) io.out(`No config file at ${file} yet: create it (see agent.example.yaml) with center.url: ${centerUrl} and stateDir: ${stateDir}\n`);
    else if (config.center.url !== centerUrl) io.err(`warning: ${file} has center.url ${config.center.url}, but you enrolled with ${centerUrl}\n`);
    return 0;
  } finally {
    release();
  }
}

interface Opened {
  config: AgentConfig;
  ctx: EngineContext;
  close(): Promise<void>;
}

/** Config, credential, state lock and database, client and connections: what run and sync share. */
async function openAgent(file: string, log: Logger, signal: AbortSignal): Promise<Opened> {
  const config = loadConfig(file);
  const node = readCredential(config.stateDir);
  const release = acquireLock(config.stateDir);
  let store: StateStore;
  try {
    store = await StateStore.open(config.stateDir);
  } catch (err) {
    release();
    throw err;
  }
  const connections = new Connections(config);
  const client = new CenterClient(config.center.url, node, { userAgent: `zhengtong-agent/${AGENT_VERSION}` });
  const ctx: EngineContext = { config, store, client, connections, node, log, signal, version: AGENT_VERSION, hostname: osHostname(), uploads: new UploadGate() };
  return {
    config,
    ctx,
    async close() {
      await connections.closeAll();
      await store.close();
      release();
    },
  };
}

/** First SIGINT/SIGTERM: finish the current step and stop. Second: leave at once. */
function stopOnSignals(onStop: () => void, io: Io): () => void {
  let count = 0;
  const handler = (sig: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      io.err(`${sig}: finishing the current step, then stopping (press Ctrl-C again to quit at once)\n`);
      onStop();
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

async function run(file: string, io: Io): Promise<number> {
  const pre = loadConfig(file);
  const log = createLogger(pre.log.level, (l) => io.err(l + '\n'));
  const abort = new AbortController();
  const opened = await openAgent(file, log, abort.signal);
  const unhook = stopOnSignals(() => abort.abort(), io);
  try {
    await new AgentRunner(opened.ctx).run();
    return 0;
  } catch (err) {
    if (err instanceof CredentialRevokedError) {
      io.err(`zhengtong-agent: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    unhook();
    await opened.close();
  }
}

async function status(file: string, opts: { json?: boolean }, io: Io): Promise<number> {
  const config = loadConfig(file);
  const identity = readIdentity(config.stateDir);
  const holder = lockHolder(config.stateDir);
  let report;
  if (holder !== null) {
    report = readStatusFile(config.stateDir);
    if (!report) throw new Error(`the agent (pid ${holder}) is running but has not written ${config.stateDir}/status.json yet; try again in a few seconds`);
  } else {
    let centerConfig: AgentConfigResponse | null = null;
    let reachable: boolean | null = null;
    let centerError: string | null = null;
    if (identity) {
      try {
        const client = new CenterClient(config.center.url, readCredential(config.stateDir), { userAgent: `zhengtong-agent/${AGENT_VERSION}` });
        centerConfig = await client.config(AbortSignal.timeout(10_000));
        reachable = true;
      } catch (err) {
        reachable = false;
        centerError = errorText(err);
      }
    }
    const release = acquireLock(config.stateDir);
    try {
      const store = await StateStore.open(config.stateDir);
      try {
        if (!centerConfig) {
          const { cachedConfig } = await import('./engine/heartbeat.ts');
          centerConfig = await cachedConfig(store);
        }
        report = await collectStatus(store, {
          node: identity,
          centerUrl: config.center.url,
          config: centerConfig,
          reachable,
          centerError,
          lastContactAt: reachable ? new Date() : null,
          runningPid: null,
        });
      } finally {
        await store.close();
      }
    } finally {
      release();
    }
  }
  io.out(opts.json ? JSON.stringify(report, null, 2) + '\n' : renderStatus(report) + '\n');
  return 0;
}

async function publish(file: string, opts: { topic: string; file?: string; type?: string; key?: string; payload?: string; id?: string; occurredAt?: string }, io: Io): Promise<number> {
  const one = opts.type !== undefined || opts.key !== undefined || opts.payload !== undefined || opts.id !== undefined || opts.occurredAt !== undefined;
  if (opts.file && one) throw new UsageError('publish: use either --file or --type/--key/--payload, not both');
  if (!opts.file && !(opts.type && opts.key && opts.payload)) throw new UsageError('publish: give --file events.jsonl, or --type, --key and --payload for one event');
  const config = loadConfig(file);
  const client = new CenterClient(config.center.url, readCredential(config.stateDir), { userAgent: `zhengtong-agent/${AGENT_VERSION}` });
  const log = createLogger(config.log.level, (l) => io.err(l + '\n'));
  let chunks: AsyncIterable<{ events: import('./center/types.ts').TopicEventIn[]; lines: number[] }>;
  if (opts.file) {
    if (!existsSync(opts.file)) throw new UsageError(`--file: ${opts.file} does not exist`);
    chunks = eventChunks(opts.file, opts.topic);
  } else {
    let payload: unknown;
    try {
      payload = JSON.parse(opts.payload!);
    } catch (err) {
      throw new UsageError(`--payload: not JSON (${(err as Error).message})`);
    }
    let event;
    try {
      // A random id still makes the retries below safe: they resend the same id.
      event = checkEvent({ id: opts.id ?? randomUUID(), key: opts.key, type: opts.type, payload, occurredAt: opts.occurredAt }, 'the event');
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    chunks = (async function* () {
      yield { events: [event], lines: [1] };
    })();
  }
  const abort = new AbortController();
  const unhook = stopOnSignals(() => abort.abort(), io);
  try {
    const t = await publishChunks(client, opts.topic, chunks, {
      file: opts.file ?? null,
      signal: abort.signal,
      onRetry: (err, attempt, inMs) => log.warn('publish failed, retrying', { topic: opts.topic, attempt: attempt + 1, inMs, error: errorText(err) }),
      onChunk: (c) => log.debug('published', { topic: opts.topic, ...c }),
    });
    io.out(`topic ${opts.topic}: ${t.events} event(s), accepted ${t.accepted}, duplicates ${t.duplicates}${t.lastSeq === null ? '' : `, last seq ${t.lastSeq}`}\n`);
    return 0;
  } finally {
    unhook();
  }
}

async function testConnection(file: string, name: string | undefined, io: Io): Promise<number> {
  const config = loadConfig(file);
  const names = Object.keys(config.connections);
  if (names.length === 0) throw new UsageError(`no connections in ${file} (add them under "connections:")`);
  if (name !== undefined && !names.includes(name)) throw new UsageError(`no connection "${name}" in ${file}; configured: ${names.join(', ')}`);
  const rows: string[][] = [];
  let failed = 0;
  for (const n of name ? [name] : names) {
    const conf = config.connections[n];
    let result: string;
    let ok = 'ok';
    try {
      const conn = await openConnector(conf);
      try {
        const r = await conn.test();
        result = 'serverVersion' in r ? r.serverVersion : r.path;
      } finally {
        await conn.close().catch(() => {});
      }
    } catch (err) {
      failed++;
      ok = 'FAILED';
      result = err instanceof ConnectorError ? `${err.code}: ${err.message}` : errorText(err);
    }
    rows.push([n, conf.kind, ok, result]);
  }
  io.out(table(['CONNECTION', 'KIND', 'RESULT', 'VERSION / ERROR'], rows, [24, 8, 6, 200]) + '\n');
  return failed ? 1 : 0;
}

async function sync(file: string, taskId: string, io: Io): Promise<number> {
  const abort = new AbortController();
  const log = createLogger('error', (l) => io.err(l + '\n'));
  const opened = await openAgent(file, log, abort.signal);
  const unhook = stopOnSignals(() => abort.abort(), io);
  const progress = new ProgressReporter(process.stderr);
  const started = Date.now();
  try {
    const res = await syncOnce(opened.ctx, taskId, progress);
    progress.finish();
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    const verb = res.role === 'source' ? 'uploaded' : 'applied';
    io.out(`${abort.signal.aborted ? 'interrupted: ' : ''}task ${taskId}: ${res.rows} row(s) ${verb} in ${secs}s\n`);
    return abort.signal.aborted ? 1 : 0;
  } catch (err) {
    progress.finish();
    throw err;
  } finally {
    unhook();
    await opened.close();
  }
}
