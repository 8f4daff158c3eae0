// What every part of a running agent shares.
import type { AgentConfig } from '../config.ts';
import type { CenterClient } from '../center/client.ts';
import type { Logger } from '../log.ts';
import type { NodeCredential } from '../state/identity.ts';
import type { StateStore } from '../state/store.ts';
import type { Connections } from './connections.ts';
import type { UploadGate } from './upload-gate.ts';

export interface EngineContext {
  config: AgentConfig;
  store: StateStore;
  client: CenterClient;
  connections: Connections;
  node: NodeCredential;
  log: Logger;
  /** Aborted on SIGINT/SIGTERM: loops finish their current step and return. */
  signal: AbortSignal;
  version: string;
  hostname: string;
  /** The agent's upload slots, shared by its tasks in priority order. */
  uploads: UploadGate;
}

/** "CODE: message" for a stored last error, whatever was thrown. */
export function errorText(err: unknown): string {
  const e = err as { code?: unknown; message?: string };
  const msg = e?.message ?? String(err);
  return typeof e?.code === 'string' && !msg.startsWith(e.code) ? `${e.code}: ${msg}` : msg;
}
