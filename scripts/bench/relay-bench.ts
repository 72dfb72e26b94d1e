import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';
import { envFields, loadConfig } from '#lumen/config';
import { defineTopic, topicSpecsOf } from '#lumen/contracts';
import { EventSigner, generateSigningKey, KeyRing } from '#lumen/crypto';
import { createDataSource, migrate } from '#lumen/database';
import {
  CreateMessagingTables1764057600000,
  EventConsumer,
  KafkaJsBroker,
  Outbox,
  OutboxRelay,
  silentLogger,
} from '#lumen/messaging';
import { markdownTable, round, summarise, type LatencySummary } from './bench-stats';

/**
 * Outbox-to-consumer throughput and latency, beside a raw kafkajs produce-and-consume
 * baseline measured in the same run, on the same broker, with messages of the same size.
 * It prints figures and never asserts a time: the machines are shared and noisy.
 *
 *   npm run bench:relay            (BENCH_EVENTS, BENCH_RATE, BENCH_SECONDS to change the load)
 */
const config = loadConfig(
  z.object({
    DATABASE_URL: envFields.databaseUrl,
    KAFKA_BROKERS: envFields.kafkaBrokers,
    BENCH_EVENTS: z.coerce.number().int().min(100).default(20_000),
    BENCH_RATE: z.coerce.number().int().min(1).default(500),
    BENCH_SECONDS: z.coerce.number().int().min(1).default(10),
  }),
);

const run = Math.random()
  .toString(36)
  .replace(/[^a-z]/g, '')
  .slice(0, 8);
const PADDING = 'x'.repeat(400); // an order-placed event with sealed fields is ~0.5-1 KB
const payloadSchema = z.strictObject({
  sentAt: z.number(),
  sequence: z.number(),
  padding: z.string(),
});
/** A topic of its own per phase, so one phase's events never reach the other's consumer. */
function benchTopic(phase: string) {
  const definition = defineTopic({
    name: `checkout.bench${run}${phase}.recorded.v1`,
    owner: 'checkout',
    partitions: 3,
    retentionMs: 3_600_000,
    cleanupPolicy: 'delete',
    schema: payloadSchema,
    description: 'benchmark topic, deleted after the run',
  });
  return { topic: definition.name, catalogue: { [definition.name]: definition } };
}
const benchTopics: string[] = [];
const rawTopic = `bench.raw${run}.recorded.v1`;

interface PhaseResult {
  readonly throughputPerSecond: number;
  readonly latencyMs: LatencySummary;
}

async function rawBaseline(kafka: Kafka): Promise<PhaseResult> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic: rawTopic, numPartitions: 3 }],
    waitForLeaders: true,
  });
  await admin.disconnect();

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const consumer = kafka.consumer({ groupId: `bench-raw-${run}` });
  await consumer.connect();
  await consumer.subscribe({ topic: rawTopic, fromBeginning: true });

  let received = 0;
  let target = 0;
  let onTarget: () => void = () => undefined;
  const latencies: number[] = [];
  let measuringLatency = false;
  await consumer.run({
    autoCommit: false,
    eachBatch: async (payload) => {
      const { batch } = payload;
      const now = Date.now();
      for (const message of batch.messages) {
        if (measuringLatency) {
          latencies.push(now - (JSON.parse(String(message.value)) as { sentAt: number }).sentAt);
        }
        payload.resolveOffset(message.offset);
        received += 1;
      }
      const last = batch.messages[batch.messages.length - 1];
      if (last) {
        await consumer.commitOffsets([
          {
            topic: batch.topic,
            partition: batch.partition,
            offset: (BigInt(last.offset) + 1n).toString(),
          },
        ]);
      }
      if (received >= target) onTarget();
    },
  });
  const message = (sequence: number) => ({
    key: `order-${sequence % 100}`,
    value: JSON.stringify({ sentAt: Date.now(), sequence, padding: PADDING }),
  });

  // Throughput: everything as fast as the producer can send it, in batches of 500.
  target = config.BENCH_EVENTS;
  const drained = new Promise<void>((resolve) => (onTarget = resolve));
  const started = Date.now();
  for (let sent = 0; sent < config.BENCH_EVENTS; sent += 500) {
    const count = Math.min(500, config.BENCH_EVENTS - sent);
    await producer.send({
      topic: rawTopic,
      acks: -1,
      messages: Array.from({ length: count }, (_, i) => message(sent + i)),
    });
  }
  await drained;
  const throughputPerSecond = config.BENCH_EVENTS / ((Date.now() - started) / 1000);

  // Latency at a steady rate: one message per send, as events trickle in production.
  measuringLatency = true;
  const steady = config.BENCH_RATE * config.BENCH_SECONDS;
  target = received + steady;
  const caughtUp = new Promise<void>((resolve) => (onTarget = resolve));
  await atSteadyRate(steady, (i) =>
    producer.send({ topic: rawTopic, acks: -1, messages: [message(i)] }),
  );
  await caughtUp;

  await consumer.disconnect();
  await producer.disconnect();
  return { throughputPerSecond, latencyMs: summarise(latencies) };
}

async function outboxToConsumer(maxEventsPerTransaction: number): Promise<PhaseResult> {
  const schema = `bench_${run}_${maxEventsPerTransaction}`;
  const { topic, catalogue } = benchTopic(String.fromCharCode(97 + benchTopics.length));
  benchTopics.push(...topicSpecsOf(catalogue).map((spec) => spec.name));
  const dataSource = createDataSource({
    url: config.DATABASE_URL,
    schema,
    applicationName: 'bench',
    migrations: [CreateMessagingTables1764057600000],
    poolSize: 10,
  });
  await dataSource.initialize();
  await migrate(dataSource);
  const broker = new KafkaJsBroker({
    clientId: `bench-${run}`,
    brokers: config.KAFKA_BROKERS,
    logger: silentLogger,
  });
  await broker.ensureTopics(topicSpecsOf(catalogue));
  const keys = generateSigningKey('checkout');
  const outbox = new Outbox(catalogue, new EventSigner(keys.signing));

  let handled = 0;
  let target = 0;
  let onTarget: () => void = () => undefined;
  let measuringLatency = false;
  const latencies: number[] = [];
  const consumer = new EventConsumer({
    groupId: `bench-${run}-${maxEventsPerTransaction}`,
    maxEventsPerTransaction,
    catalogue,
    subscriptions: [
      {
        topic,
        handle: (event) => {
          if (measuringLatency)
            latencies.push(Date.now() - (event.payload as { sentAt: number }).sentAt);
          handled += 1;
          if (handled >= target) onTarget();
          return Promise.resolve();
        },
      },
    ],
    broker,
    keyRing: new KeyRing([keys.trusted]),
    dataSource,
    logger: silentLogger,
  });
  const relay = new OutboxRelay({
    databaseUrl: config.DATABASE_URL,
    schema,
    broker,
    logger: silentLogger,
  });

  // Throughput: a backlog of committed events drained through relay, broker and consumer.
  for (let written = 0; written < config.BENCH_EVENTS; written += 100) {
    await dataSource.transaction(async (tx) => {
      for (let i = written; i < Math.min(written + 100, config.BENCH_EVENTS); i += 1) {
        await outbox.add(tx, topic, `order-${i % 100}`, {
          sentAt: Date.now(),
          sequence: i,
          padding: PADDING,
        });
      }
    });
  }
  target = config.BENCH_EVENTS;
  const drained = new Promise<void>((resolve) => (onTarget = resolve));
  const started = Date.now();
  relay.start();
  await consumer.start();
  await drained;
  const throughputPerSecond = config.BENCH_EVENTS / ((Date.now() - started) / 1000);

  // Latency at a steady rate: one event per transaction, commit to handler.
  measuringLatency = true;
  const steady = config.BENCH_RATE * config.BENCH_SECONDS;
  target = handled + steady;
  const caughtUp = new Promise<void>((resolve) => (onTarget = resolve));
  await atSteadyRate(steady, (i) =>
    dataSource.transaction((tx) =>
      outbox.add(tx, topic, `order-${i % 100}`, {
        sentAt: Date.now(),
        sequence: i,
        padding: PADDING,
      }),
    ),
  );
  await caughtUp;

  await consumer.stop();
  await relay.stop();
  await broker.disconnect();
  await dataSource.query(`DROP SCHEMA ${schema} CASCADE`);
  await dataSource.destroy();
  return { throughputPerSecond, latencyMs: summarise(latencies) };
}

/** Starts `count` operations at BENCH_RATE per second, without waiting for each to finish. */
async function atSteadyRate(
  count: number,
  operation: (i: number) => Promise<unknown>,
): Promise<void> {
  const intervalMs = 1000 / config.BENCH_RATE;
  const started = Date.now();
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < count; i += 1) {
    const due = started + i * intervalMs;
    const wait = due - Date.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(operation(i));
  }
  await Promise.all(inFlight);
}

async function main(): Promise<void> {
  console.log(
    `Relay benchmark: ${config.BENCH_EVENTS} events for throughput, then ${config.BENCH_RATE}/s for ` +
      `${config.BENCH_SECONDS} s for latency; ~${PADDING.length + 60} B messages; ${cpus().length} cores`,
  );
  const kafka = new Kafka({
    clientId: `bench-${run}`,
    brokers: config.KAFKA_BROKERS,
    logLevel: logLevel.NOTHING,
  });
  const raw = await rawBaseline(kafka);
  const lumen = await outboxToConsumer(1);
  const lumenGrouped = await outboxToConsumer(100);

  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [rawTopic, ...benchTopics] }).catch(() => undefined);
  await admin.disconnect();

  const row = (name: string, r: PhaseResult, ratio: string) => [
    name,
    round(r.throughputPerSecond, 0),
    ratio,
    round(r.latencyMs.p50),
    round(r.latencyMs.p95),
    round(r.latencyMs.p99),
  ];
  const table = markdownTable(
    ['path', 'events/s', 'vs raw', `p50 ms @${config.BENCH_RATE}/s`, 'p95 ms', 'p99 ms'],
    [
      row('raw kafkajs produce → consume', raw, '1.00'),
      row(
        'outbox → relay → consumer, 1 event per tx',
        lumen,
        round(lumen.throughputPerSecond / raw.throughputPerSecond, 2),
      ),
      row(
        'outbox → relay → consumer, ≤100 events per tx',
        lumenGrouped,
        round(lumenGrouped.throughputPerSecond / raw.throughputPerSecond, 2),
      ),
    ],
  );
  console.log(`\n${table}\n`);
  mkdirSync('bench-results', { recursive: true });
  const result = { at: new Date().toISOString(), config, raw, lumen, lumenGrouped, table };
  writeFileSync('bench-results/relay.json', JSON.stringify(result, null, 2) + '\n');
  writeFileSync('bench-results/relay.md', table + '\n');
  console.log('Written to bench-results/relay.json and bench-results/relay.md');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
