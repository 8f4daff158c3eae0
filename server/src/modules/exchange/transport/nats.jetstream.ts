import { AckPolicy, DeliverPolicy, RetentionPolicy, StorageType, connect, nanos, type JetStreamManager, type NatsConnection } from 'nats';

export interface NatsSettings {
  url: string;
  /** The deliveries' stream (EXCHANGE_NATS_STREAM, ZT_EXCHANGE) and the topic events' stream. */
  stream: string;
  topicStream: string;
  /** Subjects are `<prefix>.node.<nodeId>.target.<targetId>` and `<prefix>.topic.<topicCode>`. */
  subjectPrefix: string;
  /** How long a held head survives a dead center process before JetStream hands it out again. */
  ackWaitSeconds: number;
  /** Server-side de-duplication by Nats-Msg-Id within this window. */
  duplicateWindowSeconds: number;
}

export const deliverySubject = (s: NatsSettings, nodeId: string, targetId: string) => `${s.subjectPrefix}.node.${nodeId}.target.${targetId}`;
export const topicSubject = (s: NatsSettings, topicCode: string) => `${s.subjectPrefix}.topic.${topicCode}`;
/** One durable pull consumer per target; its name must be a single subject token. */
export const consumerName = (targetId: string) => `target-${targetId}`;
export const deliveryMsgId = (batchId: string, targetId: string) => `${batchId}:${targetId}`;

const notFound = (e: unknown) => (e as { api_error?: { err_code?: number; code?: number } }).api_error?.code === 404;

/**
 * Connects and checks JetStream at start-up, so a wrong NATS_URL stops the center with a clear
 * message instead of a center that accepts batches it cannot route. Later outages are survived:
 * the client reconnects for ever and the rows stay queued meanwhile.
 */
export async function openJetStream(s: NatsSettings): Promise<{ nc: NatsConnection; jsm: JetStreamManager }> {
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: s.url, name: 'zhengtong-exchange-center', timeout: 5000, maxReconnectAttempts: -1, reconnectTimeWait: 1000 });
  } catch (e) {
    throw new Error(
      `NATS_URL is set but NATS at ${s.url} is not reachable (${(e as Error).message}). Start nats-server with JetStream (-js) or unset NATS_URL to route deliveries through PostgreSQL. / 已设置 NATS_URL，但无法连接 NATS（${s.url}）；请启动启用 JetStream 的 NATS，或取消 NATS_URL 改用 PostgreSQL 投递。`,
    );
  }
  try {
    const jsm = await nc.jetstreamManager();
    await ensureStreams(jsm, s);
    return { nc, jsm };
  } catch (e) {
    await nc.close();
    throw new Error(`NATS at ${s.url} is reachable but JetStream is not usable (${(e as Error).message}). Enable JetStream (nats-server -js). / NATS 未启用 JetStream。`);
  }
}

/** At start, and after a reconnect (the server may have come back without its state). */
export async function ensureStreams(jsm: JetStreamManager, s: NatsSettings) {
  await ensureStream(jsm, s.stream, [`${s.subjectPrefix}.node.>`], RetentionPolicy.Workqueue, s.duplicateWindowSeconds);
  await ensureStream(jsm, s.topicStream, [`${s.subjectPrefix}.topic.>`], RetentionPolicy.Limits, s.duplicateWindowSeconds);
}

/**
 * Deliveries: a work queue (a message leaves the stream once its target acknowledged it).
 * Topic events: kept by limits, so any number of readers may replay them.
 */
async function ensureStream(jsm: JetStreamManager, name: string, subjects: string[], retention: RetentionPolicy, dupSeconds: number) {
  try {
    const info = await jsm.streams.info(name);
    if (info.config.subjects.join() !== subjects.join()) {
      throw new Error(`stream ${name} exists with subjects ${info.config.subjects.join(', ')}, expected ${subjects.join(', ')}`);
    }
    return;
  } catch (e) {
    if (!notFound(e)) throw e;
  }
  await jsm.streams.add({ name, subjects, retention, storage: StorageType.File, duplicate_window: nanos(dupSeconds * 1000) });
}

/**
 * max_ack_pending 1: JetStream hands out a target's next message only after the previous one was
 * acknowledged (or its holder died and ack_wait ran out), so one center process at a time holds a
 * target's head, and the stream order is the publication order.
 */
export async function ensureTargetConsumer(jsm: JetStreamManager, s: NatsSettings, nodeId: string, targetId: string) {
  const name = consumerName(targetId);
  try {
    await jsm.consumers.info(s.stream, name);
    return;
  } catch (e) {
    if (!notFound(e)) throw e;
  }
  await jsm.consumers.add(s.stream, {
    durable_name: name,
    filter_subject: deliverySubject(s, nodeId, targetId),
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    max_ack_pending: 1,
    max_deliver: -1,
    ack_wait: nanos(s.ackWaitSeconds * 1000),
  });
}
