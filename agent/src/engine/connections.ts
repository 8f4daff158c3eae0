// The department's databases and folders named in the config, opened on first use and shared by
// every task that names them.
import type { AgentConfig } from '../config.ts';
import { openConnector } from '../connectors/index.ts';
import type { DatabaseConnector, FolderConnector } from '../connectors/types.ts';

export type AnyConnector = DatabaseConnector | FolderConnector;

export class UnknownConnectionError extends Error {
  readonly connection: string;
  constructor(name: string, file: string | null) {
    super(`connection "${name}" is not defined in ${file ?? 'the agent config'} (connections.${name}); add it and restart the agent (前置机配置中没有该连接)`);
    this.name = 'UnknownConnectionError';
    this.connection = name;
  }
}

export class Connections {
  readonly #config: AgentConfig;
  readonly #open = new Map<string, Promise<AnyConnector>>();

  constructor(config: AgentConfig) {
    this.#config = config;
  }

  names(): string[] {
    return Object.keys(this.#config.connections);
  }

  get(name: string): Promise<AnyConnector> {
    const conf = this.#config.connections[name];
    if (!conf) return Promise.reject(new UnknownConnectionError(name, this.#config.file));
    let c = this.#open.get(name);
    if (!c) {
      const opening = Promise.resolve().then(() => openConnector(conf));
      c = opening;
      this.#open.set(name, c);
      // A connection that failed to open is tried again next time rather than remembered broken.
      opening.catch(() => {
        if (this.#open.get(name) === opening) this.#open.delete(name);
      });
    }
    return c;
  }

  async closeAll() {
    const all = [...this.#open.values()];
    this.#open.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => null))?.close().catch(() => {})));
  }
}
