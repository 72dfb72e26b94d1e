import { Kafka, logLevel, type Producer } from 'kafkajs';
import { deadLetterTopicOf } from '#lumen/contracts';
import { EventSigner, generateSigningKey } from '#lumen/crypto';
import {
  DEAD_LETTER_HEADERS,
  EventConsumer,
  Outbox,
  OutboxRelay,
  PermanentEventError,
  silentLogger,
  type EventHandler,
} from '#lumen/messaging';
import {
  BROKERS,
  countRows,
  createHarness,
  DATABASE_URL,
  expectEventually,
  readTopic,
  signedMessage,
  type Harness,
  type OrderEvent,
} from './messaging-harness';

describe('event consumer (real PostgreSQL and Kafka)', () => {
  let h: Harness;
  let producer: Producer;
  let consumer: EventConsumer | undefined;

  beforeEach(async () => {
    h = await createHarness();
    producer = new Kafka({
      clientId: 'raw',
      brokers: BROKERS,
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
  });
  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
    await producer.disconnect();
    await h.close();
  });

  /** The handler under test: records the event as an effect row, in the given transaction. */
  const recordEffect: EventHandler = async (event, tx) => {
    const payload = event.payload as OrderEvent;
    if (payload.note === 'poison') throw new Error('this handler cannot apply the event');
    if (payload.note === 'contradiction')
      throw new PermanentEventError('ORDER_UNKNOWN', 'no such order');
    await tx.query('INSERT INTO effects (event_id, message_key, sequence) VALUES ($1, $2, $3)', [
      event.id,
      event.key,
      payload.sequence,
    ]);
  };

  function startConsumer(
    handle: EventHandler = recordEffect,
    maxEventsPerTransaction = 1,
  ): Promise<void> {
    consumer = new EventConsumer({
      maxEventsPerTransaction,
      groupId: `group-${h.schema}`,
      catalogue: h.catalogue,
      subscriptions: [{ topic: h.topic, handle }],
      broker: h.broker,
      keyRing: h.keyRing,
      dataSource: h.dataSource,
      logger: silentLogger,
      maxAttempts: 2,
      backoff: { initialDelayMs: 10, maxDelayMs: 50 },
    });
    return consumer.start();
  }

  const effects = () => countRows(h.dataSource, 'SELECT count(*) FROM effects');

  it('applies a redelivered event once', async () => {
    const outbox = new Outbox(h.catalogue, h.checkout.signer);
    for (let i = 0; i < 40; i += 1) {
      await h.dataSource.transaction((tx) =>
        outbox.add(tx, h.topic, `order-${i % 4}`, { sequence: i, note: 'n' }),
      );
    }
    const relay = new OutboxRelay({
      databaseUrl: DATABASE_URL,
      schema: h.schema,
      broker: h.broker,
      logger: silentLogger,
    });
    relay.start();
    await readTopic(h.kafka, h.topic, 40);
    // Lose the "published" marks, as a relay crash after send but before marking would:
    // every event is sent a second time.
    await relay.stop();
    await h.dataSource.query('UPDATE outbox SET published_at = NULL');
    relay.start();
    expect(await readTopic(h.kafka, h.topic, 80)).toHaveLength(80);
    await relay.stop();

    await startConsumer(recordEffect, 25); // duplicates met inside one transaction too
    await expectEventually(
      async () => (await countRows(h.dataSource, 'SELECT count(*) FROM inbox')) === 40,
      'inbox has 40',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // give any second application time to show
    expect(await effects()).toBe(40);
    expect(await countRows(h.dataSource, 'SELECT count(DISTINCT event_id) FROM effects')).toBe(40);
  });

  it('dead-letters poison messages with their reason while later messages still flow', async () => {
    const good = (sequence: number) =>
      signedMessage(h.topic, 'order-1', { sequence, note: 'ok' }, h.checkout.signer);
    await producer.send({
      topic: h.topic,
      messages: [
        good(1),
        { key: 'order-1', value: Buffer.from('{not json') },
        signedMessage(h.topic, 'order-1', { sequence: 'two', note: 'ok' }, h.checkout.signer),
        signedMessage(h.topic, 'order-1', { sequence: 3, note: 'poison' }, h.checkout.signer),
        signedMessage(
          h.topic,
          'order-1',
          { sequence: 4, note: 'contradiction' },
          h.checkout.signer,
        ),
        good(5),
      ],
    });
    await startConsumer();

    const dead = await readTopic(h.kafka, deadLetterTopicOf(h.topic), 4);
    const reasons = dead.map((m) => m.headers?.[DEAD_LETTER_HEADERS.reason]?.toString());
    expect(reasons).toEqual([
      'malformed-envelope',
      'schema-violation',
      'retries-exhausted',
      'handler-rejected',
    ]);
    for (const message of dead) {
      expect(message.headers?.[DEAD_LETTER_HEADERS.topic]?.toString()).toBe(h.topic);
      expect(message.headers?.[DEAD_LETTER_HEADERS.offset]?.toString()).toMatch(/^\d+$/);
    }
    // The schema failure names the field and never echoes the value.
    expect(dead[1]!.headers?.[DEAD_LETTER_HEADERS.detail]?.toString()).toContain('sequence');
    expect(dead[1]!.headers?.[DEAD_LETTER_HEADERS.detail]?.toString()).not.toContain('two');

    await expectEventually(async () => (await effects()) === 2, 'both good events applied');
    const applied: { sequence: number }[] = await h.dataSource.query(
      'SELECT sequence FROM effects ORDER BY applied_at',
    );
    expect(applied.map((row) => row.sequence)).toEqual([1, 5]);
  });

  it('applies runs of events in one transaction, falling back to one at a time around a failure', async () => {
    const messages = Array.from({ length: 30 }, (_, i) =>
      signedMessage(
        h.topic,
        'order-1',
        { sequence: i, note: i === 17 ? 'poison' : 'ok' },
        h.checkout.signer,
      ),
    );
    messages.splice(8, 0, { key: 'order-1', value: Buffer.from('{not json'), headers: {} });
    await producer.send({ topic: h.topic, messages });
    await startConsumer(recordEffect, 50);

    await expectEventually(async () => (await effects()) === 29, 'all good events applied');
    const dead = await readTopic(h.kafka, deadLetterTopicOf(h.topic), 2);
    expect(dead.map((m) => m.headers?.[DEAD_LETTER_HEADERS.reason]?.toString())).toEqual([
      'malformed-envelope',
      'retries-exhausted',
    ]);
    const applied: { sequence: number }[] = await h.dataSource.query(
      'SELECT sequence FROM effects ORDER BY applied_at, sequence',
    );
    expect(applied.map((row) => row.sequence)).toEqual(
      [...Array(30).keys()].filter((i) => i !== 17),
    );
    expect(await countRows(h.dataSource, 'SELECT count(*) FROM inbox')).toBe(29);
  });

  it('refuses forged and wrongly-owned events', async () => {
    const stranger = new EventSigner(generateSigningKey('checkout').signing);
    await producer.send({
      topic: h.topic,
      messages: [
        // Signed by a key nobody trusts, though it claims to be checkout.
        signedMessage(h.topic, 'order-1', { sequence: 1, note: 'x' }, stranger),
        // Genuinely signed by payment, which does not own checkout's topic.
        signedMessage(h.topic, 'order-1', { sequence: 2, note: 'x' }, h.payment.signer),
        // Payment's signature, claiming to be checkout.
        signedMessage(h.topic, 'order-1', { sequence: 3, note: 'x' }, h.payment.signer, {
          producer: 'checkout',
        }),
        // A valid checkout event moved onto another key: the signature binds the key.
        {
          ...signedMessage(h.topic, 'order-1', { sequence: 4, note: 'x' }, h.checkout.signer),
          key: 'order-2',
        },
        signedMessage(h.topic, 'order-1', { sequence: 5, note: 'x' }, h.checkout.signer),
      ],
    });
    await startConsumer();
    const dead = await readTopic(h.kafka, deadLetterTopicOf(h.topic), 4);
    // The re-keyed message lands on another partition, so compare without order.
    expect(dead.map((m) => m.headers?.[DEAD_LETTER_HEADERS.reason]?.toString()).sort()).toEqual([
      'bad-signature',
      'unknown-key',
      'wrong-producer',
      'wrong-producer',
    ]);
    await expectEventually(async () => (await effects()) === 1, 'the genuine event applied');
  });

  it('retries a database outage without limit instead of dead-lettering', async () => {
    let failures = 0;
    const flaky: EventHandler = async (event, tx) => {
      if (failures < 4) {
        failures += 1;
        throw Object.assign(new Error('terminating connection due to administrator command'), {
          code: '57P01',
        });
      }
      await recordEffect(event, tx);
    };
    await producer.send({
      topic: h.topic,
      messages: [signedMessage(h.topic, 'order-1', { sequence: 1, note: 'ok' }, h.checkout.signer)],
    });
    await startConsumer(flaky); // maxAttempts is 2, so only the outage rule can explain success
    await expectEventually(async () => (await effects()) === 1, 'applied after the outage');
    expect(failures).toBe(4);
    expect(await readTopic(h.kafka, deadLetterTopicOf(h.topic), 1, 1_500)).toHaveLength(0);
  });

  it('retries an outage of a service the handler calls without limit (a transient error)', async () => {
    // Found by the crash test: a key service SIGKILLed for three seconds exhausted the
    // retries of payment's handler, and orders were dead-lettered and stayed placed for ever.
    let failures = 0;
    const flaky: EventHandler = async (event, tx) => {
      if (failures < 4) {
        failures += 1;
        throw Object.assign(new Error('Key service unreachable: fetch failed'), {
          transient: true,
        });
      }
      await recordEffect(event, tx);
    };
    await producer.send({
      topic: h.topic,
      messages: [signedMessage(h.topic, 'order-1', { sequence: 1, note: 'ok' }, h.checkout.signer)],
    });
    await startConsumer(flaky); // maxAttempts is 2, so only the outage rule can explain success
    await expectEventually(async () => (await effects()) === 1, 'applied after the outage');
    expect(failures).toBe(4);
    expect(await readTopic(h.kafka, deadLetterTopicOf(h.topic), 1, 1_500)).toHaveLength(0);
  });

  it('keeps its place in the group through a handler slower than the session timeout', async () => {
    // kafkajs heartbeats between batches only; KafkaJsBroker keeps heartbeating during one, so
    // a short session timeout (for a quick recovery from a crash) never evicts a slow member.
    const groupId = `group-${h.schema}`;
    const sessionTimeoutMs = 6_000; // the broker's minimum
    let calls = 0;
    consumer = new EventConsumer({
      groupId,
      catalogue: h.catalogue,
      subscriptions: [
        {
          topic: h.topic,
          handle: async (event, tx) => {
            calls += 1;
            await new Promise((resolve) => setTimeout(resolve, sessionTimeoutMs * 1.5));
            await recordEffect(event, tx);
          },
        },
      ],
      broker: h.broker,
      keyRing: h.keyRing,
      dataSource: h.dataSource,
      logger: silentLogger,
      sessionTimeoutMs,
    });
    await consumer.start();
    expect(consumer.isMember()).toBe(true);
    const admin = h.kafka.admin();
    await admin.connect();
    try {
      const members = async () =>
        (await admin.describeGroups([groupId])).groups[0]?.members.map((m) => m.memberId);
      const before = await members();
      expect(before).toHaveLength(1);

      await producer.send({
        topic: h.topic,
        messages: [
          signedMessage(h.topic, 'order-1', { sequence: 1, note: 'ok' }, h.checkout.signer),
        ],
      });
      const committed = async () => {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [h.topic] });
        return (offsets?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
      };
      await expectEventually(async () => (await committed()) === 1, 'the event committed');
      // An evicted member would have failed that commit, rejoined under a new id, and had the
      // event delivered again.
      expect(await members()).toEqual(before);
      expect(calls).toBe(1);
      expect(await effects()).toBe(1);
    } finally {
      await admin.disconnect();
    }
  });

  it('drains the event in flight on stop and commits it', async () => {
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    const slow: EventHandler = async (event, tx) => {
      started();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await recordEffect(event, tx);
    };
    await producer.send({
      topic: h.topic,
      messages: [signedMessage(h.topic, 'order-1', { sequence: 1, note: 'ok' }, h.checkout.signer)],
    });
    await startConsumer(slow);
    await inFlight;
    await consumer!.stop();
    consumer = undefined;
    expect(await effects()).toBe(1);

    // Restarted, the group resumes after the committed offset: nothing is handled again.
    let calls = 0;
    await startConsumer(async (event, tx) => {
      calls += 1;
      await recordEffect(event, tx);
    });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(calls).toBe(0);
  });
});
