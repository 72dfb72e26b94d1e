// Proves that kafkajs 2.2.4 (unmaintained since 2023) works against the Kafka broker we run
// locally and in CI (Kafka 4.x, KRaft; see docs/adr/0002-local-kafka-from-maven-central.md).
// Each step exercises a protocol path the Lumen libraries depend on: admin topic management,
// cluster metadata, idempotent produce with acks=-1, classic consumer-group membership with
// manual offset commits, and offset/group introspection.
import { randomUUID } from 'node:crypto';
import {
  ConfigResourceTypes,
  Kafka,
  logLevel,
  Partitioners,
  type Admin,
  type Consumer,
  type Producer,
} from 'kafkajs';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());

const MESSAGE_COUNT = 3;

// The integration project's testTimeout in jest.config.js does not reach the tests (jest
// reads testTimeout from the global config only), so set it here.
jest.setTimeout(60_000);

describe('kafkajs 2.2.4 against the local Kafka broker', () => {
  const suffix = randomUUID();
  const topic = `lumen.compat.${suffix}`;
  const groupId = `lumen-compat-${suffix}`;
  const kafka = new Kafka({
    clientId: 'lumen-kafka-compat',
    brokers,
    logLevel: logLevel.WARN,
    retry: { retries: 5 },
  });

  let admin: Admin;
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;
  let topicExists = false;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    // Best effort: a failed step above must not leave sockets open or jest hangs.
    await consumer?.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    if (topicExists) await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('describes a single-node cluster', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.clusterId).toEqual(expect.any(String));
    expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
    expect(cluster.controller).not.toBeNull();
  });

  it('reads broker configs (auto topic creation is off)', async () => {
    const { brokers: nodes } = await admin.describeCluster();
    const { resources } = await admin.describeConfigs({
      resources: [
        {
          type: ConfigResourceTypes.BROKER,
          name: String(nodes[0]!.nodeId),
          configNames: ['auto.create.topics.enable'],
        },
      ],
      includeSynonyms: false,
    });
    const entry = resources[0]!.configEntries.find(
      (e) => e.configName === 'auto.create.topics.enable',
    );
    expect(entry?.configValue).toBe('false');
  });

  it('creates a topic', async () => {
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    topicExists = created;
    expect(created).toBe(true);
    expect(await admin.listTopics()).toContain(topic);
  });

  it('produces with an idempotent producer and acks=-1', async () => {
    producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    const metadata = await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: MESSAGE_COUNT }, (_, i) => ({
        key: `order-${i}`,
        value: JSON.stringify({ n: i }),
        headers: { 'lumen-test': 'compat' },
      })),
    });
    expect(metadata).toEqual([
      expect.objectContaining({ topicName: topic, partition: 0, errorCode: 0, baseOffset: '0' }),
    ]);
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets).toEqual([expect.objectContaining({ partition: 0, high: '3', low: '0' })]);
  });

  it('consumes in a group with manual commits of offset + 1', async () => {
    // A short fetch wait lets disconnect() return quickly instead of waiting out a 5 s poll.
    consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });

    const received: { offset: string; key: string; value: string; header: string }[] = [];
    const c = consumer;
    const allReceived = new Promise<void>((resolve, reject) => {
      // On a freshly formatted broker the first JoinGroup can answer "coordinator is loading";
      // kafkajs then crashes the consumer with restart: true and rejoins by itself. Only a
      // crash without restart is fatal.
      c.on(c.events.CRASH, (event) => {
        if (!event.payload.restart) reject(event.payload.error);
      });
      void c.run({
        autoCommit: false,
        eachMessage: async ({ topic: t, partition, message }) => {
          received.push({
            offset: message.offset,
            key: message.key?.toString() ?? '',
            value: message.value?.toString() ?? '',
            header: message.headers?.['lumen-test']?.toString() ?? '',
          });
          await c.commitOffsets([
            { topic: t, partition, offset: (BigInt(message.offset) + 1n).toString() },
          ]);
          if (received.length === MESSAGE_COUNT) resolve();
        },
      });
    });
    await allReceived;

    expect(received.map((m) => m.offset)).toEqual(['0', '1', '2']);
    expect(received[2]).toEqual({
      offset: '2',
      key: 'order-2',
      value: JSON.stringify({ n: 2 }),
      header: 'compat',
    });
  });

  it('fetches the committed offset and describes the group', async () => {
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(committed).toEqual([
      { topic, partitions: [expect.objectContaining({ partition: 0, offset: '3' })] },
    ]);

    const { groups } = await admin.describeGroups([groupId]);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toEqual(
      expect.objectContaining({ groupId, state: 'Stable', protocolType: 'consumer' }),
    );
    expect(groups[0]!.members).toHaveLength(1);
  });

  it('deletes the topic', async () => {
    await consumer?.disconnect();
    consumer = undefined;
    await admin.deleteTopics({ topics: [topic] });
    topicExists = false;
    expect(await admin.listTopics()).not.toContain(topic);
  });
});
