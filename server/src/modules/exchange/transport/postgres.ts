import type { NodeWaker } from '../exchange.deps.ts';
import type { DeliveryRef, DeliveryTransport } from './types.ts';

/**
 * The default: the delivery table is the queue. Long polls re-read it every second and are woken
 * at once, in this process, by an upload, an acknowledgement or a retry for their node.
 */
export class PostgresTransport implements DeliveryTransport {
  readonly kind = 'postgres';
  readonly #waker: NodeWaker;
  constructor(waker: NodeWaker) {
    this.#waker = waker;
  }
  async routed(deliveries: DeliveryRef[]) {
    for (const nodeId of new Set(deliveries.map((d) => d.nodeId))) this.#waker.wake(nodeId);
  }
  async openTargets() {
    return null;
  }
  wait(nodeId: string, ms: number, signal?: AbortSignal, since?: number) {
    // Other center processes' uploads are found on the next tick: the rows are shared, wake-ups not.
    return this.#waker.wait(nodeId, Math.min(ms, 1000), signal, since);
  }
  async changed(delivery: DeliveryRef) {
    this.#waker.wake(delivery.nodeId);
  }
  /** Topic events are rows in exchange.topic_event; subscribers read them from there. */
  async topicEvents() {}
  async close() {}
}
