import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { defineTopic, topicSpecsOf, type TopicCatalogue } from '#lumen/contracts';
import { EventSigner, generateSigningKey, KeyRing, type SigningKey } from '#lumen/crypto';
import { createDataSource, migrate } from '#lumen/database';
import { CreateMessagingTables1764057600000, KafkaJsBroker, silentLogger } from '#lumen/messaging';

/**
 * Real PostgreSQL and a real Kafka broker for the messaging tests; each test file gets its
 * own schema and its own topics, so files can run in any order and leave nothing shared.
 */
export const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lumen';

export function randomLetters(length = 10): string {
  return [...randomBytes(length)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('');
}

export const orderEventSchema = z.strictObject({ sequence: z.number().int(), note: z.string() });
export type OrderEvent = z.infer<typeof orderEventSchema>;

export function testCatalogue(suffix: string) {
  const placed = defineTopic({
    name: `checkout.${suffix}.placed.v1`,
    owner: 'checkout',
    partitions: 3,
    retentionMs: 3_600_000,
    cleanupPolicy: 'delete',
    schema: orderEventSchema,
    description: 'test topic',
  });
  return { [placed.name]: placed } as const satisfies TopicCatalogue;
}

export interface Harness {
  readonly schema: string;
  readonly topic: string;
  readonly catalogue: TopicCatalogue;
  readonly dataSource: DataSource;
  readonly broker: KafkaJsBroker;
  readonly checkout: { signer: EventSigner; key: SigningKey };
  readonly payment: { signer: EventSigner; key: SigningKey };
  readonly keyRing: KeyRing;
  readonly kafka: Kafka;
  close(): Promise<void>;
}

export async function createHarness(): Promise<Harness> {
  const suffix = randomLetters();
  const schema = `msgtest_${suffix}`;
  const catalogue = testCatalogue(suffix);
  const [topic] = Object.keys(catalogue) as [string];
  const dataSource = createDataSource({
    url: DATABASE_URL,
    schema,
    applicationName: 'messaging-test',
    migrations: [CreateMessagingTables1764057600000],
  });
  await dataSource.initialize();
  await migrate(dataSource);
  await dataSource.query(`CREATE TABLE effects (
    event_id uuid NOT NULL, message_key text NOT NULL, sequence int NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT clock_timestamp())`);

  const broker = new KafkaJsBroker({
    clientId: `test-${suffix}`,
    brokers: BROKERS,
    logger: silentLogger,
  });
  await broker.ensureTopics(topicSpecsOf(catalogue));
  const checkoutKey = generateSigningKey('checkout');
  const paymentKey = generateSigningKey('payment');
  const kafka = new Kafka({
    clientId: `raw-${suffix}`,
    brokers: BROKERS,
    logLevel: logLevel.NOTHING,
  });
  return {
    schema,
    topic,
    catalogue,
    dataSource,
    broker,
    checkout: { signer: new EventSigner(checkoutKey.signing), key: checkoutKey.signing },
    payment: { signer: new EventSigner(paymentKey.signing), key: paymentKey.signing },
    keyRing: new KeyRing([checkoutKey.trusted, paymentKey.trusted]),
    kafka,
    close: async () => {
      await broker.disconnect();
      await dataSource.query(`DROP SCHEMA ${schema} CASCADE`);
      await dataSource.destroy();
      const admin = kafka.admin();
      await admin.connect();
      await admin
        .deleteTopics({ topics: topicSpecsOf(catalogue).map((t) => t.name) })
        .catch(() => undefined);
      await admin.disconnect();
    },
  };
}

/** Reads a topic from the beginning until `count` messages arrived (or the timeout). */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<(KafkaMessage & { partition: number })[]> {
  const consumer: Consumer = kafka.consumer({ groupId: `reader-${randomLetters()}` });
  const received: (KafkaMessage & { partition: number })[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    void consumer.run({
      eachMessage: async ({ message, partition }) => {
        received.push({ ...message, partition });
        if (received.length >= count) {
          clearTimeout(timer);
          resolve();
        }
        return Promise.resolve();
      },
    });
  });
  await consumer.disconnect();
  return received;
}

/** Polls `probe` until it returns true; async work in these tests has no fixed duration. */
export async function expectEventually(
  probe: () => Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out waiting for: ${what}`);
}

export async function countRows(
  dataSource: DataSource,
  sql: string,
  params: unknown[] = [],
): Promise<number> {
  const rows: { count: string }[] = await dataSource.query(sql, params);
  return Number(rows[0]?.count ?? 0);
}

/** Builds a message the way a producer would, with knobs for forging one. */
export function signedMessage(
  topic: string,
  key: string,
  payload: unknown,
  signer: EventSigner,
  overrides: { producer?: string; keyId?: string } = {},
): { key: string; value: Buffer; headers: Record<string, string> } {
  const envelope = {
    id: crypto.randomUUID(),
    type: topic,
    occurredAt: new Date().toISOString(),
    producer: overrides.producer ?? signer.service,
    keyId: overrides.keyId ?? signer.keyId,
    key,
    payload,
  };
  const value = Buffer.from(JSON.stringify(envelope));
  const signature = signer.sign(Buffer.concat([Buffer.from(`${topic}\n${key}\n`), value]));
  return { key, value, headers: { 'lumen-signature': signature.toString('base64') } };
}
