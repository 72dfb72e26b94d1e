import {
  CompressionTypes,
  ConfigResourceTypes,
  Kafka,
  logLevel,
  Partitioners,
  type Consumer,
  type LogEntry,
  type Producer,
} from 'kafkajs';
import type { MessagingLogger } from '../logger';
import type {
  BrokerConsumer,
  ConsumerOptions,
  IncomingMessage,
  MessageBroker,
  OutgoingMessage,
  TopicSettings,
} from './message-broker';

export interface KafkaJsBrokerOptions {
  readonly clientId: string;
  readonly brokers: readonly string[];
  readonly logger: MessagingLogger;
}

function headersOf(raw: Record<string, unknown> | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (Buffer.isBuffer(value)) headers[name] = value.toString('utf8');
    else if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

/**
 * How often a consumer tells its group it is alive; kafkajs recommends about a third of the
 * session timeout (`EventConsumerOptions.sessionTimeoutMs`, 10 s by default).
 */
const HEARTBEAT_INTERVAL_MS = 3_000;

/** kafkajs behind the `MessageBroker` interface. */
export class KafkaJsBroker implements MessageBroker {
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private producerReady: Promise<Producer> | undefined;
  private readonly consumers = new Set<Consumer>();

  constructor(private readonly options: KafkaJsBrokerOptions) {
    const { logger } = options;
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      logLevel: logLevel.WARN,
      // kafkajs' own log lines go through our (redacting) logger instead of stdout.
      logCreator:
        () =>
        ({ level, log }: LogEntry) => {
          const { message, ...fields } = log;
          if (level <= logLevel.ERROR) logger.error({ kafka: fields }, message);
          else logger.warn({ kafka: fields }, message);
        },
      retry: { initialRetryTime: 300, retries: 8 },
    });
  }

  async ensureTopics(topics: readonly TopicSettings[]): Promise<{ created: string[] }> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((topic) => !existing.has(topic.name));
      if (missing.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({
            topic: topic.name,
            numPartitions: topic.partitions,
            replicationFactor: -1, // the broker's default: 1 here, 3 on a production cluster
            configEntries: Object.entries(topic.config).map(([name, value]) => ({ name, value })),
          })),
        });
      }
      const present = topics.filter((topic) => existing.has(topic.name));
      if (present.length > 0) {
        const metadata = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
        const grow = present.filter((topic) => {
          const current =
            metadata.topics.find((t) => t.name === topic.name)?.partitions.length ?? 0;
          return current < topic.partitions;
        });
        if (grow.length > 0) {
          await admin.createPartitions({
            topicPartitions: grow.map((t) => ({ topic: t.name, count: t.partitions })),
          });
        }
        await admin.alterConfigs({
          validateOnly: false,
          resources: present.map((topic) => ({
            type: ConfigResourceTypes.TOPIC,
            name: topic.name,
            configEntries: Object.entries(topic.config).map(([name, value]) => ({ name, value })),
          })),
        });
      }
      return { created: missing.map((topic) => topic.name) };
    } finally {
      await admin.disconnect();
    }
  }

  async send(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.connectedProducer();
    // Group by topic while keeping each topic's messages in their original order, which
    // (with one in-flight request) keeps per-key order on every partition.
    const byTopic = new Map<
      string,
      { key: string; value: Buffer; headers: Record<string, string> }[]
    >();
    for (const message of messages) {
      let list = byTopic.get(message.topic);
      if (!list) byTopic.set(message.topic, (list = []));
      list.push({ key: message.key, value: message.value, headers: { ...message.headers } });
    }
    await producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, topicMessages]) => ({
        topic,
        messages: topicMessages,
      })),
    });
  }

  consumer(options: ConsumerOptions): BrokerConsumer {
    let stopping = false;
    let member = false;
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      // kafkajs' default, 60 s: how long a rebalance waits for the live members to rejoin. A
      // member rejoins once its batch in flight is done (a payment may spend its 20 s gateway
      // budget on one event), so this stays well above any one event's work.
      rebalanceTimeout: 60_000,
      allowAutoTopicCreation: false,
      // A consumer stopped while it was still joining must not be brought back by kafkajs.
      retry: { retries: 10, restartOnFailure: () => Promise.resolve(!stopping) },
    });
    this.consumers.add(consumer);
    const { CRASH, GROUP_JOIN } = consumer.events;
    consumer.on(GROUP_JOIN, ({ payload }) => {
      member = !stopping;
      // The join's duration shows how long the group waited, e.g. for a killed member's session.
      this.options.logger.info(
        { groupId: options.groupId, joinMs: payload.duration },
        'joined consumer group',
      );
    });
    consumer.on(CRASH, ({ payload }) => {
      member = false;
      // restart: false means kafkajs has given up on this consumer for good.
      if (!payload.restart && !stopping) options.onFatal(payload.error);
    });
    const stop = async () => {
      stopping = true;
      member = false;
      this.consumers.delete(consumer);
      await consumer.disconnect();
    };
    return {
      start: async () => {
        await consumer.connect();
        await consumer.subscribe({ topics: [...options.topics], fromBeginning: true });
        // stop() may have come meanwhile (shutdown while the broker was slow): stay down.
        if (stopping) return stop();
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: options.concurrency,
          eachBatch: async (payload) => {
            const { batch } = payload;
            // A batch is one partition: only its highest resolved offset needs committing.
            let nextOffset: string | undefined;
            const messages: IncomingMessage[] = batch.messages.map((m) => ({
              topic: batch.topic,
              partition: batch.partition,
              offset: m.offset,
              key: m.key ? m.key.toString('utf8') : null,
              value: m.value,
              headers: headersOf(m.headers),
            }));
            // kafkajs heartbeats between batches only: keep heartbeating while this one is worked
            // on, so a slow handler never costs the member its session, and the session timeout
            // only has to notice a process that died. kafkajs sends at most one heartbeat per
            // interval, so asking every second costs nothing. A failed heartbeat means a
            // rebalance began or the member was evicted: finish the event in hand and stop.
            let heartbeatFailed = false;
            const keepAlive = setInterval(() => {
              payload.heartbeat().catch(() => {
                heartbeatFailed = true;
              });
            }, 1_000);
            try {
              await options.eachBatch(messages, {
                resolve: (message) => {
                  payload.resolveOffset(message.offset);
                  // Kafka's committed offset is the next one to read.
                  nextOffset = (BigInt(message.offset) + 1n).toString();
                },
                commit: async () => {
                  if (nextOffset === undefined) return;
                  const offset = nextOffset;
                  nextOffset = undefined;
                  await consumer.commitOffsets([
                    { topic: batch.topic, partition: batch.partition, offset },
                  ]);
                },
                heartbeat: () => payload.heartbeat(),
                isActive: () => !heartbeatFailed && payload.isRunning() && !payload.isStale(),
              });
            } finally {
              clearInterval(keepAlive);
            }
          },
        });
      },
      isMember: () => member,
      stop,
    };
  }

  async disconnect(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.disconnect()));
    this.consumers.clear();
    const producer = this.producer;
    this.producer = undefined;
    this.producerReady = undefined;
    if (producer) await producer.disconnect();
  }

  private connectedProducer(): Promise<Producer> {
    this.producerReady ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      this.producer = producer;
      return producer;
    })().catch((error: unknown) => {
      this.producerReady = undefined; // let the next send try again
      throw error;
    });
    return this.producerReady;
  }
}
