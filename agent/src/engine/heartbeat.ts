// The heartbeat body (§2): queue depth and lag from the outbox, each source task's checkpoint and
// last error, each subscription's last error — what the center's monitoring and warnings are computed from.
import type { AgentConfigResponse, HeartbeatRequest, SourceTask, SubscriptionSpec } from '../center/types.ts';
import type { StateStore } from '../state/store.ts';
import { subscriptionState } from './subscriber.ts';

export const CONFIG_CACHE_KEY = 'center-config';

export async function buildHeartbeat(
  store: StateStore,
  work: { sources: SourceTask[]; subscriptions?: SubscriptionSpec[] },
  agentVersion: string,
  hostname: string,
  now = new Date(),
): Promise<HeartbeatRequest> {
  const { sources } = work;
  const summary = await store.outboxSummary();
  const states = new Map((await store.tasks()).map((t) => [t.taskId, t]));
  // A subscription that cannot write its events says why, so the console shows it at the center.
  const subscriptions = await Promise.all(
    (work.subscriptions ?? []).map(async (spec) => {
      const st = await subscriptionState(store, spec.subscriptionId);
      return { subscriptionId: spec.subscriptionId, lastError: st.lastError ? st.lastError.slice(0, 4000) : null };
    }),
  );
  return {
    agentVersion,
    hostname,
    queueDepth: summary.depth,
    lagSeconds: summary.oldest ? Math.max(0, Math.round((now.getTime() - summary.oldest.getTime()) / 1000)) : 0,
    tasks: sources.map((s) => {
      const st = states.get(s.taskId);
      // The center keeps at most 4,000 characters of each.
      return { taskId: s.taskId, checkpoint: st?.checkpoint ?? null, lastError: st?.lastError ? st.lastError.slice(0, 4000) : null };
    }),
    subscriptions,
  };
}

/** The last configuration the center sent, so extraction goes on while the center is away. */
export async function cachedConfig(store: StateStore): Promise<AgentConfigResponse | null> {
  const text = await store.get(CONFIG_CACHE_KEY);
  return text ? (JSON.parse(text) as AgentConfigResponse) : null;
}

/** Per store, the configuration last written without its clock: a heartbeat that changed nothing writes nothing. */
const lastCached = new WeakMap<StateStore, string>();

export async function cacheConfig(store: StateStore, config: AgentConfigResponse) {
  const text = JSON.stringify(config);
  const unchanged = JSON.stringify({ ...config, serverTime: null });
  if (lastCached.get(store) === unchanged) return;
  await store.set(CONFIG_CACHE_KEY, text);
  lastCached.set(store, unchanged);
}
