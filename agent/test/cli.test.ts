// The installed command as a real child process: help, version, exit codes, readable errors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const NODE = join(repo, 'node_modules/.bin/node');
const BIN = join(repo, 'agent/bin/zhengtong-agent.js');
const dir = mkdtempSync(join(tmpdir(), 'zt-agent-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function agent(...args: string[]) {
  const r = spawnSync(NODE, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('zhengtong-agent command', () => {
  it('--help lists every command and exits 0', () => {
    const r = agent('--help');
    expect(r.code).toBe(0);
    for (const cmd of ['enrol', 'run', 'status', 'test-connection', 'sync']) expect(r.out).toMatch(new RegExp(`^  ${cmd}\\b`, 'm'));
    expect(r.out).toMatch(/--config <file>/);
    expect(r.out).toMatch(/Exit codes: 0 ok, 1 error, 2 usage/);
    const sub = agent('sync', '--help');
    expect(sub.code).toBe(0);
    expect(sub.out).toMatch(/--task <id>/);
    expect(sub.out).toMatch(/--once/);
  });

  it('--version prints the package version', () => {
    const r = agent('--version');
    expect(r.code).toBe(0);
    expect(r.out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('usage mistakes exit 2', () => {
    expect(agent('frobnicate').code).toBe(2);
    const r = agent('sync', '--task', 'abc');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/sync needs --once/);
    expect(agent('enrol', '--center', 'https://c.example').code).toBe(2);
    const tok = agent('enrol', '--center', 'https://c.example', '--token', 'nope', '--config', join(dir, 'none.yaml'));
    expect(tok.code).toBe(2);
    expect(tok.err).toMatch(/starts with "zt-enrol-"/);
  });

  it('errors exit 1 with a message naming the problem', () => {
    const missing = agent('run', '--config', join(dir, 'missing.yaml'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/config file .*missing\.yaml not found/);

    writeFileSync(join(dir, 'insecure.yaml'), 'center:\n  url: http://exchange.gov.cn\n');
    const insecure = agent('status', '--config', join(dir, 'insecure.yaml'));
    expect(insecure.code).toBe(1);
    expect(insecure.err).toMatch(/center\.url: .* is not https/);

    writeFileSync(join(dir, 'agent.yaml'), `center:\n  url: http://127.0.0.1:9\nconnections:\n  scans:\n    kind: folder\n    path: ./no-such-folder\n`);
    const notEnrolled = agent('run');
    expect(notEnrolled.code).toBe(1);
    expect(notEnrolled.err).toMatch(/not enrolled yet/);

    const conn = agent('test-connection');
    expect(conn.code).toBe(1);
    expect(conn.out).toMatch(/scans\s+folder\s+FAILED/);
    expect(agent('test-connection', 'nope').code).toBe(2);

    // Nobody listens on port 9: enrolment fails as unreachable, not as a crash.
    const enrol = agent('enrol', '--center', 'http://127.0.0.1:9', '--token', 'zt-enrol-abc');
    expect(enrol.code).toBe(1);
    expect(enrol.err).toMatch(/center unreachable/);
  });
});
