import type { Kysely } from 'kysely';
import type { DB } from '../../../db/schema.ts';
import type { NodeWaker } from '../exchange.deps.ts';
import { NatsTransport, type TransportLog } from './nats.ts';
import type { NatsSettings } from './nats.jetstream.ts';
import { PostgresTransport } from './postgres.ts';
import type { DeliveryTransport } from './types.ts';

export type { DeliveryRef, DeliveryTransport, TopicEventRef } from './types.ts';
export type { NatsSettings } from './nats.jetstream.ts';
export { NatsTransport, PostgresTransport };

/** PostgreSQL unless NATS is configured; with NATS, an unreachable server stops the start. */
export async function createTransport(nats: NatsSettings | null, db: Kysely<DB>, waker: NodeWaker, log: TransportLog): Promise<DeliveryTransport> {
  return nats ? NatsTransport.start(nats, db, waker, log) : new PostgresTransport(waker);
}
