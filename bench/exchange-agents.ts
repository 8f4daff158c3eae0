// The two agents of bench/exchange.ts as child processes, exactly as a department runs them
// (`zhengtong-agent --config FILE run`), with their log lines kept and parsed for the stage timings.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const NODE = join(repo, 'node_modules/.bin/node');
const BIN = join(repo, 'agent/bin/zhengtong-agent.js');
/** e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the agents (Node refuses it in NODE_OPTIONS). */
const NODE_ARGS = (process.env.BENCH_AGENT_NODE_ARGS ?? '').split(' ').filter(Boolean);

export interface LogEvent {
  at: number;
  level: string;
  msg: string;
  fields: Record<string, string>;
}

/** One log line: `ISO LEVEL message key=value …` (agent/src/log.ts). */
export function parseLine(line: string): LogEvent | null {
  const m = line.match(/^(\d{4}-\d\d-\d\dT[\d:.]+Z) (\w+)\s+(.*)$/);
  if (!m) return null;
  const rest = m[3];
  const firstKey = rest.search(/ [A-Za-z]+=/);
  const msg = firstKey < 0 ? rest : rest.slice(0, firstKey);
  const fields: Record<string, string> = {};
  if (firstKey >= 0) for (const f of rest.slice(firstKey).matchAll(/ ([A-Za-z]+)=("(?:[^"\\]|\\.)*"|\S+)/g)) fields[f[1]] = f[2].replace(/^"|"$/g, '');
  return { at: Date.parse(m[1]), level: m[2], msg, fields };
}

export class AgentProcess {
  readonly name: string;
  readonly config: string;
  readonly events: LogEvent[] = [];
  #child: ChildProcess | null = null;
  #err = '';
  #exit: Promise<number | null> | null = null;
  readonly #dir: string;
  readonly #env: Record<string, string>;

  constructor(dir: string, name: string, centerUrl: string, connection: string, dbUrl: string) {
    this.name = name;
    this.#dir = dir;
    this.config = join(dir, `${name}.yaml`);
    const envName = `BENCH_${name.toUpperCase()}_DB`;
    this.#env = { [envName]: dbUrl };
    // Debug level adds the "batch extracted" line with its time. The heartbeat is the default
    // (10 s): a new task reaches the agent through its configuration watch, at once.
    writeFileSync(
      this.config,
      `center:\n  url: ${centerUrl}\nstateDir: ./${name}-state\ncompression: ${process.env.BENCH_COMPRESSION === 'none' ? 'none' : 'zstd'}\nlog:\n  level: debug\nconnections:\n  ${connection}:\n    kind: postgres\n    url: \${${envName}}\n`,
    );
  }

  #spawn(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; out: string; err: string }> } {
    const child = spawn(NODE, [...NODE_ARGS, BIN, '--config', this.config, ...args], { cwd: this.#dir, env: { ...process.env, ...this.#env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    let partial = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d: Buffer) => {
      err += d;
      partial += d;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const l of lines) {
        const e = parseLine(l);
        if (e) this.events.push(e);
      }
    });
    const done = new Promise<{ code: number | null; out: string; err: string }>((res) => child.on('close', (code) => res({ code, out, err })));
    return { child, done };
  }

  async enrol(centerUrl: string, token: string) {
    const r = await this.#spawn(['enrol', '--center', centerUrl, '--token', token]).done;
    if (r.code !== 0) throw new Error(`${this.name} agent: enrol failed (${r.code}): ${r.err}`);
  }

  run() {
    const { child, done } = this.#spawn(['run']);
    this.#child = child;
    this.#exit = done.then((r) => {
      this.#err = r.err;
      return r.code;
    });
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== null && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** The last lines of the agent's log, for an error message. */
  tail(n = 15): string {
    return this.events.slice(-n).map((e) => `  ${new Date(e.at).toISOString()} ${e.level} ${e.msg} ${JSON.stringify(e.fields)}`).join('\n') || this.#err.slice(-2000);
  }

  /** Throws when the agent exited or logged an error (a failed batch must not be waited out). */
  check() {
    if (this.#child && !this.running) throw new Error(`${this.name} agent exited (${this.#child.exitCode ?? this.#child.signalCode}):\n${this.tail()}`);
    const bad = this.events.find((e) => e.level === 'ERROR');
    if (bad) throw new Error(`${this.name} agent logged an error: ${bad.msg} ${JSON.stringify(bad.fields)}\n${this.tail()}`);
  }

  async stop() {
    if (!this.#child || !this.running) return;
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child?.kill('SIGKILL'), 15_000);
    await this.#exit;
    clearTimeout(timer);
  }
}
