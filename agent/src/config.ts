// The agent's YAML configuration (agent.example.yaml, README "Configuration"). Validation names the
// offending key, because the person reading the error is editing that file on a department machine.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import type { BodyEncoding } from './center/types.ts';

export type ConnectionConfig =
  | { kind: 'postgres'; url: string }
  | { kind: 'mysql'; url: string }
  | { kind: 'folder'; path: string };

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface AgentConfig {
  /** The file this came from (null for a config built in code). */
  file: string | null;
  center: { url: string };
  /** Absolute path; relative paths in the file are resolved against the file's directory. */
  stateDir: string;
  allowInsecureHttp: boolean;
  connections: Record<string, ConnectionConfig>;
  heartbeatSeconds: number;
  /** How this agent sends row batches: zstd (default) or identity (ADR 0013). */
  compression: BodyEncoding;
  log: { level: LogLevel };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const TOP_KEYS = ['center', 'stateDir', 'allowInsecureHttp', 'connections', 'heartbeatSeconds', 'compression', 'log'];
const COMPRESSION: Record<string, BodyEncoding> = { zstd: 'zstd', none: 'identity' };
const LOG_LEVELS: LogLevel[] = ['error', 'warn', 'info', 'debug'];
const CONNECTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(code === 'ENOENT' ? `config file ${file} not found (use --config FILE; see agent.example.yaml)` : `cannot read config file ${file}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid YAML: ${(err as Error).message}`);
  }
  return parseConfig(raw, { file: resolve(file), env });
}

/** Validates a parsed YAML document. `baseDir` resolves relative paths (default: the file's directory or cwd). */
export function parseConfig(raw: unknown, opts: { file?: string | null; env?: NodeJS.ProcessEnv; baseDir?: string } = {}): AgentConfig {
  const env = opts.env ?? process.env;
  const file = opts.file ?? null;
  const baseDir = opts.baseDir ?? (file ? dirname(file) : process.cwd());
  const doc = substituteEnv(raw ?? {}, '', env);
  const root = object(doc, '(top level)');
  for (const key of Object.keys(root)) {
    if (!TOP_KEYS.includes(key)) throw new ConfigError(`${key}: unknown key (allowed: ${TOP_KEYS.join(', ')})`);
  }

  const center = object(root.center, 'center', true);
  for (const key of Object.keys(center)) if (key !== 'url') throw new ConfigError(`center.${key}: unknown key (allowed: url)`);
  const allowInsecureHttp = optionalBoolean(root.allowInsecureHttp, 'allowInsecureHttp', false);
  const url = checkCenterUrl(string(center.url, 'center.url'), allowInsecureHttp, 'center.url');

  const stateDir = resolve(baseDir, root.stateDir === undefined ? './agent-state' : string(root.stateDir, 'stateDir'));

  const connections: Record<string, ConnectionConfig> = {};
  const conns = root.connections === undefined || root.connections === null ? {} : object(root.connections, 'connections');
  for (const [name, value] of Object.entries(conns)) {
    const key = `connections.${name}`;
    if (!CONNECTION_NAME.test(name)) throw new ConfigError(`${key}: a connection name uses letters, digits, "_" and "-" only`);
    const c = object(value, key);
    const kind = string(c.kind, `${key}.kind`);
    if (kind === 'postgres' || kind === 'mysql') {
      only(c, ['kind', 'url'], key);
      const u = string(c.url, `${key}.url`);
      const schemes = kind === 'postgres' ? ['postgres:', 'postgresql:'] : ['mysql:', 'mariadb:'];
      let parsed: URL;
      try {
        parsed = new URL(u);
      } catch {
        throw new ConfigError(`${key}.url: not a URL (expected ${schemes[0]}//user:password@host:port/database)`);
      }
      if (!schemes.includes(parsed.protocol)) throw new ConfigError(`${key}.url: a ${kind} connection needs a ${schemes.join(' or ')}// URL`);
      connections[name] = { kind, url: u };
    } else if (kind === 'folder') {
      only(c, ['kind', 'path'], key);
      connections[name] = { kind, path: resolve(baseDir, string(c.path, `${key}.path`)) };
    } else {
      throw new ConfigError(`${key}.kind: must be postgres, mysql or folder (got "${kind}")`);
    }
  }

  let heartbeatSeconds = 10;
  if (root.heartbeatSeconds !== undefined) {
    const n = root.heartbeatSeconds;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 1 || n > 300) throw new ConfigError('heartbeatSeconds: must be a number of seconds from 1 to 300');
    heartbeatSeconds = n;
  }

  let compression: BodyEncoding = 'zstd';
  if (root.compression !== undefined) {
    const c = string(root.compression, 'compression');
    if (!(c in COMPRESSION)) throw new ConfigError(`compression: must be zstd or none (got "${c}")`);
    compression = COMPRESSION[c];
  }

  let level: LogLevel = 'info';
  if (root.log !== undefined && root.log !== null) {
    const log = object(root.log, 'log');
    only(log, ['level'], 'log');
    if (log.level !== undefined) {
      const l = string(log.level, 'log.level');
      if (!LOG_LEVELS.includes(l as LogLevel)) throw new ConfigError(`log.level: must be one of ${LOG_LEVELS.join(', ')} (got "${l}")`);
      level = l as LogLevel;
    }
  }

  return { file, center: { url }, stateDir, allowInsecureHttp, connections, heartbeatSeconds, compression, log: { level } };
}

/**
 * The agent only calls out, and its node key signs every request, but the batches themselves are
 * personal data: plain http is allowed only on this machine unless the operator says otherwise.
 */
export function checkCenterUrl(value: string, allowInsecureHttp: boolean, key = 'center.url'): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new ConfigError(`${key}: not a URL: "${value}"`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new ConfigError(`${key}: must be an https:// URL`);
  if (u.search || u.hash) throw new ConfigError(`${key}: must not contain a query or fragment`);
  if (u.protocol === 'http:' && !allowInsecureHttp && !isLoopback(u.hostname)) {
    throw new ConfigError(`${key}: ${value} is not https:// — plain http is allowed only for 127.0.0.1, ::1 and localhost, or with allowInsecureHttp: true (中心地址必须使用 https)`);
  }
  return u.toString().replace(/\/+$/, '');
}

export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

const ENV_REF = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** `${VAR}` in any string value is replaced by the environment variable; `$$` is a literal `$`. */
function substituteEnv(value: unknown, path: string, env: NodeJS.ProcessEnv): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REF, (whole, name: string | undefined) => {
      if (!name) return '$';
      const v = env[name];
      if (v === undefined) throw new ConfigError(`${path || '(value)'}: environment variable ${name} is not set`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, `${path}[${i}]`, env));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteEnv(v, path ? `${path}.${k}` : k, env);
    return out;
  }
  return value;
}

function object(value: unknown, key: string, required = false): Record<string, unknown> {
  if (value === undefined || value === null) {
    if (required) throw new ConfigError(`${key}: is required`);
    return {};
  }
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`${key}: must be a mapping`);
  return value as Record<string, unknown>;
}

function string(value: unknown, key: string): string {
  if (value === undefined || value === null || value === '') throw new ConfigError(`${key}: is required`);
  if (typeof value !== 'string') throw new ConfigError(`${key}: must be a string`);
  return value;
}

function optionalBoolean(value: unknown, key: string, dflt: boolean): boolean {
  if (value === undefined || value === null) return dflt;
  if (typeof value !== 'boolean') throw new ConfigError(`${key}: must be true or false`);
  return value;
}

function only(obj: Record<string, unknown>, allowed: string[], key: string) {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) throw new ConfigError(`${key}.${k}: unknown key (allowed: ${allowed.join(', ')})`);
}
