import { Kafka, logLevel, type Producer } from 'kafkajs';
import {
  EventConsumer,
  messagingMetrics,
  MessagingMetricsCollector,
  Outbox,
  OutboxRelay,
  silentLogger,
  type EventHandler,
} from '#lumen/messaging';
import {
  BROKERS,
  createHarness,
  DATABASE_URL,
  expectEventually,
  readTopic,
  signedMessage,
  type Harness,
  type OrderEvent,
} from './messaging-harness';

async function gauge(
  metric: { get(): Promise<{ values: { value: number; labels: object }[] }> },
  labels: Record<string, string> = {},
): Promise<number> {
  const { values } = await metric.get();
  return values
    .filter((v) =>
      Object.entries(labels).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x),
    )
    .reduce((sum, v) => sum + v.value, 0);
}

/** What the messaging lib reports about itself, read from the real PostgreSQL and Kafka. */
describe('messaging metrics (real PostgreSQL and Kafka)', () => {
  let h: Harness;
  let producer: Producer;
  let consumer: EventConsumer | undefined;
  let collector: MessagingMetricsCollector;
  let groupId: string;

  beforeEach(async () => {
    h = await createHarness();
    groupId = `group-${h.schema}`;
    producer = new Kafka({
      clientId: 'raw',
      brokers: BROKERS,
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    collector = new MessagingMetricsCollector({
      groupId,
      topics: [h.topic],
      brokers: BROKERS,
      dataSource: h.dataSource,
      logger: silentLogger,
    });
  });
  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
    await collector.stop();
    await producer.disconnect();
    await h.close();
  });

  it('reads the outbox backlog and the age of its oldest row, and counts what the relay publishes', async () => {
    const outbox = new Outbox(h.catalogue, h.checkout.signer);
    for (let i = 0; i < 5; i += 1) {
      await h.dataSource.transaction((tx) =>
        outbox.add(tx, h.topic, `order-${i}`, { sequence: i, note: 'n' }),
      );
    }
    await h.dataSource.query(`UPDATE outbox SET created_at = now() - interval '90 seconds'`);
    await collector.readOnce();
    expect(await gauge(messagingMetrics.outboxBacklog)).toBe(5);
    expect(await gauge(messagingMetrics.outboxOldestAge)).toBeGreaterThanOrEqual(90);

    const publishedBefore = await gauge(messagingMetrics.eventsPublished, { topic: h.topic });
    const relay = new OutboxRelay({
      databaseUrl: DATABASE_URL,
      schema: h.schema,
      broker: h.broker,
      logger: silentLogger,
    });
    relay.start();
    await readTopic(h.kafka, h.topic, 5);
    await expectEventually(async () => {
      await collector.readOnce();
      return (await gauge(messagingMetrics.outboxBacklog)) === 0;
    }, 'outbox drained');
    await relay.stop();
    expect(await gauge(messagingMetrics.outboxOldestAge)).toBe(0);
    expect(await gauge(messagingMetrics.eventsPublished, { topic: h.topic })).toBe(
      publishedBefore + 5,
    );
  });

  it('reads consumer lag per partition, and counts events applied and dead-lettered by reason', async () => {
    await producer.send({
      topic: h.topic,
      messages: [
        ...[1, 2, 3].map((sequence) =>
          signedMessage(h.topic, 'order-1', { sequence, note: 'ok' }, h.checkout.signer),
        ),
        { key: 'order-1', value: Buffer.from('{not json') },
      ],
    });
    // Nothing consumed yet: the whole partition is lag.
    await collector.readOnce();
    expect(await gauge(messagingMetrics.consumerLag, { group: groupId, topic: h.topic })).toBe(4);

    const handle: EventHandler = async (event, tx) => {
      await tx.query('INSERT INTO effects (event_id, message_key, sequence) VALUES ($1, $2, $3)', [
        event.id,
        event.key,
        (event.payload as OrderEvent).sequence,
      ]);
    };
    consumer = new EventConsumer({
      groupId,
      catalogue: h.catalogue,
      subscriptions: [{ topic: h.topic, handle }],
      broker: h.broker,
      keyRing: h.keyRing,
      dataSource: h.dataSource,
      logger: silentLogger,
    });
    await consumer.start();

    await expectEventually(async () => {
      await collector.readOnce();
      return (await gauge(messagingMetrics.consumerLag, { group: groupId, topic: h.topic })) === 0;
    }, 'lag back to zero');
    const labels = { group: groupId, topic: h.topic };
    expect(await gauge(messagingMetrics.eventsConsumed, { ...labels, outcome: 'applied' })).toBe(3);
    expect(
      await gauge(messagingMetrics.eventsConsumed, { ...labels, outcome: 'dead_lettered' }),
    ).toBe(1);
    expect(
      await gauge(messagingMetrics.deadLetters, { ...labels, reason: 'malformed-envelope' }),
    ).toBe(1);
    // Partition numbers are labels; nothing about the events themselves is.
    const { values } = await messagingMetrics.consumerLag.get();
    for (const value of values.filter((v) => v.labels.group === groupId)) {
      expect(Object.keys(value.labels).sort()).toEqual(['group', 'partition', 'topic']);
    }
  });
});
