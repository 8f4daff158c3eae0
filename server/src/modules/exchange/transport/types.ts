/** One delivery as the transport knows it: the row's natural key and where it goes. */
export interface DeliveryRef {
  batchId: string;
  targetId: string;
  nodeId: string;
}

/** A topic event as it travels on JetStream (the row in exchange.topic_event stays the record). */
export interface TopicEventRef {
  id: string;
  topicCode: string;
  seq: number;
  key: string;
  type: string;
}

/**
 * How deliveries travel from routing to the target's long poll (ADR 0011). The delivery rows stay
 * the system of record in every mode — status, lease, order, provenance; a transport decides which
 * targets may be handed out now and wakes waiting polls.
 */
export interface DeliveryTransport {
  readonly kind: 'postgres' | 'nats';
  /** After the routing transaction committed: these delivery rows exist and are queued. */
  routed(deliveries: DeliveryRef[]): Promise<void>;
  /**
   * The node's targets whose queue this process may hand out now; null means every target (the
   * table is the queue). Within a target the lowest open sequence number is still the one leased.
   */
  openTargets(nodeId: string): Promise<Set<string> | null>;
  /**
   * Resolves when something for the node may have changed, or after at most `ms`; at once when
   * the node was woken after `since` (NodeWaker.mark, taken before the caller read the table).
   */
  wait(nodeId: string, ms: number, signal?: AbortSignal, since?: number): Promise<void>;
  /** A delivery's row changed: applied, failed, queued again by a retry. */
  changed(delivery: DeliveryRef): Promise<void>;
  /** After the publishing transaction committed: these topic events exist as rows. */
  topicEvents(events: TopicEventRef[]): Promise<void>;
  close(): Promise<void>;
}
