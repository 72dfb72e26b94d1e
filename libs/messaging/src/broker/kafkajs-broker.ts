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
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: 3_000,
      allowAutoTopicCreation: false,
      retry: { retries: 10 },
    });
    this.consumers.add(consumer);
    let stopping = false;
    const { CRASH } = consumer.events;
    consumer.on(CRASH, ({ payload }) => {
      // restart: false means kafkajs has given up on this consumer for good.
      if (!payload.restart && !stopping) options.onFatal(payload.error);
    });
    return {
      start: async () => {
        await consumer.connect();
        await consumer.subscribe({ topics: [...options.topics], fromBeginning: true });
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
              isActive: () => payload.isRunning() && !payload.isStale(),
            });
          },
        });
      },
      stop: async () => {
        stopping = true;
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
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
