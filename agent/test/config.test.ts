import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCenterUrl, ConfigError, loadConfig, parseConfig } from '../src/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'zt-agent-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectError(raw: unknown, message: RegExp, env: NodeJS.ProcessEnv = {}) {
  let caught: unknown;
  try {
    parseConfig(raw, { env, baseDir: dir });
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  expect((caught as Error).message).toMatch(message);
}

describe('agent config', () => {
  it('loads a full file with defaults, env substitution and paths relative to the file', () => {
    const file = join(dir, 'agent.yaml');
    writeFileSync(
      file,
      `center:
  url: https://zt.example.gov.cn/
connections:
  main:
    kind: postgres
    url: postgres://agent:\${PG_PASSWORD}@10.0.0.5:5432/hr
  legacy:
    kind: mysql
    url: mysql://root:\${MY_PW}@127.0.0.1:3306/old
  scans:
    kind: folder
    path: ./scans
log:
  level: debug
`,
    );
    const c = loadConfig(file, { PG_PASSWORD: 's3cr$t', MY_PW: '' });
    expect(c.center.url).toBe('https://zt.example.gov.cn');
    expect(c.stateDir).toBe(join(dir, 'agent-state'));
    expect(c.allowInsecureHttp).toBe(false);
    expect(c.heartbeatSeconds).toBe(10);
    expect(c.compression).toBe('zstd');
    expect(c.log.level).toBe('debug');
    expect(c.connections.main).toEqual({ kind: 'postgres', url: 'postgres://agent:s3cr$t@10.0.0.5:5432/hr' });
    expect(c.connections.legacy).toEqual({ kind: 'mysql', url: 'mysql://root:@127.0.0.1:3306/old' });
    expect(c.connections.scans).toEqual({ kind: 'folder', path: join(dir, 'scans') });
  });

  it('names the key in every validation error', () => {
    expectError({}, /^center: is required/);
    expectError({ center: { url: 'ftp://x' } }, /^center\.url: must be an https/);
    expectError({ center: { url: 'https://a' }, extra: 1 }, /^extra: unknown key/);
    expectError({ center: { url: 'https://a' }, connections: { main: { kind: 'oracle', url: 'x' } } }, /^connections\.main\.kind: must be postgres, mysql or folder/);
    expectError({ center: { url: 'https://a' }, connections: { main: { kind: 'postgres' } } }, /^connections\.main\.url: is required/);
    expectError({ center: { url: 'https://a' }, connections: { main: { kind: 'postgres', url: 'mysql://x/y' } } }, /^connections\.main\.url: a postgres connection needs/);
    expectError({ center: { url: 'https://a' }, connections: { main: { kind: 'folder', path: '/x', url: 'y' } } }, /^connections\.main\.url: unknown key/);
    expectError({ center: { url: 'https://a' }, heartbeatSeconds: 0 }, /^heartbeatSeconds:/);
    expectError({ center: { url: 'https://a' }, compression: 'gzip' }, /^compression: must be zstd or none/);
    expect(parseConfig({ center: { url: 'https://a' }, compression: 'none' }, { env: {}, baseDir: dir }).compression).toBe('identity');
    expectError({ center: { url: 'https://a' }, log: { level: 'loud' } }, /^log\.level: must be one of/);
    expectError({ center: { url: 'https://a' }, allowInsecureHttp: 'yes' }, /^allowInsecureHttp: must be true or false/);
    expectError({ center: { url: 'https://a' }, connections: { main: { kind: 'postgres', url: 'postgres://u:${NOPE}@h/d' } } }, /^connections\.main\.url: environment variable NOPE is not set/);
  });

  it('allows plain http only for loopback hosts unless allowInsecureHttp is set', () => {
    expect(checkCenterUrl('http://127.0.0.1:8080', false)).toBe('http://127.0.0.1:8080');
    expect(checkCenterUrl('http://localhost:8080/zt/', false)).toBe('http://localhost:8080/zt');
    expect(checkCenterUrl('http://[::1]:8080', false)).toBe('http://[::1]:8080');
    expect(() => checkCenterUrl('http://10.1.2.3', false)).toThrow(/not https/);
    expect(() => checkCenterUrl('http://127.0.0.1.evil.com', false)).toThrow(/not https/);
    expect(checkCenterUrl('http://10.1.2.3', true)).toBe('http://10.1.2.3');
    expectError({ center: { url: 'http://center.gov.cn' } }, /^center\.url: .* is not https/);
    expect(parseConfig({ center: { url: 'http://center.gov.cn' }, allowInsecureHttp: true }, { env: {}, baseDir: dir }).center.url).toBe('http://center.gov.cn');
  });

  it('keeps $$ as a literal dollar and reports a missing file clearly', () => {
    const c = parseConfig({ center: { url: 'https://a' }, connections: { m: { kind: 'folder', path: '/data/$$x' } } }, { env: {}, baseDir: dir });
    expect(c.connections.m).toEqual({ kind: 'folder', path: '/data/$x' });
    expect(() => loadConfig(join(dir, 'missing.yaml'))).toThrow(/config file .*missing\.yaml not found/);
    writeFileSync(join(dir, 'bad.yaml'), 'center: [unclosed');
    expect(() => loadConfig(join(dir, 'bad.yaml'))).toThrow(/not valid YAML/);
  });
});
