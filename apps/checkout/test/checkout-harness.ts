import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kafka, logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { LUMEN_TOPICS, SERVICE_NAMES, signedBytesOf, topicSpecsOf } from '#lumen/contracts';
import { ensureServiceKeys, KeyServiceClient, loadEventSigner } from '#lumen/crypto';
import { createDataSource, migrate } from '#lumen/database';
import { KafkaJsBroker, silentLogger, type IncomingMessage } from '#lumen/messaging';
import { createLogger, PinoNestLogger } from '#lumen/observability';
// The key service runs in-process, as it runs beside checkout in production: tests may boot
// another app; source code may not import one.
// eslint-disable-next-line no-restricted-imports
import { loadPrivacyConfig } from '../../privacy/src/config/privacy.config';
// eslint-disable-next-line no-restricted-imports
import { PRIVACY_MIGRATIONS } from '../../privacy/src/database/privacy-migrations';
// eslint-disable-next-line no-restricted-imports
import { createPrivacyApp } from '../../privacy/src/privacy-app.factory';
import { createCheckoutApp } from '../src/checkout-app.factory';
import { loadCheckoutConfig, type CheckoutConfig } from '../src/config/checkout.config';
import { CHECKOUT_MIGRATIONS } from '../src/database/checkout-migrations';
import {
  generateStorefrontApiKey,
  hashStorefrontApiKey,
} from '../src/storefronts/domain/storefront-api-key';
import { untilReady } from '../../../test/support/readiness';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lumen';
export const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

export function randomLetters(length = 10): string {
  return [...randomBytes(length)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('');
}

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

export type Service = 'checkout' | 'payment' | 'fulfilment' | 'privacy';

export interface Harness {
  readonly keysDir: string;
  readonly checkoutDb: DataSource;
  readonly privacyDb: DataSource;
  readonly checkout: NestFastifyApplication;
  readonly privacy: NestFastifyApplication;
  readonly checkoutUrl: string;
  readonly config: CheckoutConfig;
  /** API keys of two storefronts, `shop-a` and `shop-b`. */
  readonly apiKeys: { readonly a: string; readonly b: string };
  /** Every line checkout logged, at debug level. */
  readonly logLines: string[];
  /** A fresh key service client (empty cache) signing as `service`. */
  client(service: Service): KeyServiceClient;
  /** Publishes an event to Kafka as `service` would: enveloped and signed with its key. */
  publish(
    service: Service,
    topic: string,
    key: string,
    payload: unknown,
    eventId?: string,
  ): Promise<string>;
  close(): Promise<void>;
}

function urlOf(app: NestFastifyApplication): string {
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

async function migrated(schema: string, migrations: readonly unknown[]): Promise<DataSource> {
  const dataSource = createDataSource({
    url: DATABASE_URL,
    schema,
    applicationName: 'checkout-test',
    // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
    migrations: [...(migrations as Function[])],
  });
  await dataSource.initialize();
  await migrate(dataSource);
  return dataSource;
}

/**
 * Checkout and the key service as they run: both real apps on Fastify, each on its own
 * throwaway schema migrated by the real migrations, the real Kafka broker, and service keys in
 * a keys folder like `.lumen/keys`.
 */
export async function startHarness(
  options: {
    /** A consumer group the caller prepared (say, at the end of the topics); else a new one. */
    consumerGroup?: string;
  } = {},
): Promise<Harness> {
  const suffix = randomLetters();
  const checkoutSchema = `chktest_${suffix}`;
  const privacySchema = `chkpriv_${suffix}`;
  const keysDir = mkdtempSync(join(tmpdir(), 'lumen-checkout-keys-'));
  ensureServiceKeys(keysDir, SERVICE_NAMES);

  const [checkoutDb, privacyDb] = await Promise.all([
    migrated(checkoutSchema, CHECKOUT_MIGRATIONS),
    migrated(privacySchema, PRIVACY_MIGRATIONS),
  ]);
  const broker = new KafkaJsBroker({
    clientId: `checkout-test-${suffix}`,
    brokers: [KAFKA_BROKERS],
    logger: silentLogger,
  });
  await broker.ensureTopics(topicSpecsOf(LUMEN_TOPICS));
  await broker.disconnect();

  const privacy = await createPrivacyApp(
    loadPrivacyConfig({
      NODE_ENV: 'test',
      DATABASE_URL,
      DATABASE_SCHEMA: privacySchema,
      KAFKA_BROKERS,
      LUMEN_KEYS_DIR: keysDir,
      LOG_LEVEL: 'silent',
      LUMEN_MASTER_KEY: randomBytes(32).toString('base64'),
    }),
    false,
  );
  await privacy.listen({ port: 0, host: '127.0.0.1' });
  const privacyUrl = urlOf(privacy);

  // A new group reads every topic from the beginning: a week of other runs' events, signed by
  // their throwaway keys, each dead-lettered at the edge before this run's own events.
  const consumerGroup = options.consumerGroup ?? `checkout-test-${suffix}`;

  const config = loadCheckoutConfig({
    NODE_ENV: 'test',
    DATABASE_URL,
    DATABASE_SCHEMA: checkoutSchema,
    KAFKA_BROKERS,
    LUMEN_KEYS_DIR: keysDir,
    KEY_SERVICE_URL: privacyUrl,
    CHECKOUT_INDEX_SECRET: randomBytes(32).toString('base64'),
    CHECKOUT_CONSUMER_GROUP: consumerGroup,
    CHECKOUT_BODY_LIMIT_BYTES: '16384',
    // The messaging layer's own logger; the app's log lines are captured below.
    LOG_LEVEL: 'silent',
  });
  const logLines: string[] = [];
  const logger = createLogger({
    service: 'checkout',
    level: 'debug',
    destination: { write: (line: string) => void logLines.push(line) },
  });
  const checkout = await createCheckoutApp(config, new PinoNestLogger(logger));
  await checkout.listen({ port: 0, host: '127.0.0.1' });
  // Tests publish events for it at once: wait until its consumer has joined its group.
  await untilReady(urlOf(checkout));

  const apiKeys = { a: generateStorefrontApiKey(), b: generateStorefrontApiKey() };
  for (const [id, key] of [
    ['shop-a', apiKeys.a],
    ['shop-b', apiKeys.b],
  ] as const) {
    await checkoutDb.query(
      `INSERT INTO storefronts (storefront_id, display_name, api_key_hash) VALUES ($1, $1, $2)`,
      [id, hashStorefrontApiKey(key)],
    );
  }

  const publisher = new KafkaJsBroker({
    clientId: `checkout-test-publisher-${suffix}`,
    brokers: [KAFKA_BROKERS],
    logger: silentLogger,
  });
  const publish = async (
    service: Service,
    topic: string,
    key: string,
    payload: unknown,
    eventId: string = randomUUID(),
  ): Promise<string> => {
    const signer = loadEventSigner(keysDir, service);
    const envelope = {
      id: eventId,
      type: topic,
      occurredAt: new Date().toISOString(),
      producer: service,
      keyId: signer.keyId,
      key,
      payload,
    };
    const value = Buffer.from(JSON.stringify(envelope), 'utf8');
    const signature = signer.sign(signedBytesOf(topic, key, value));
    await publisher.send([
      { topic, key, value, headers: { 'lumen-signature': signature.toString('base64') } },
    ]);
    return eventId;
  };

  return {
    keysDir,
    checkoutDb,
    privacyDb,
    checkout,
    privacy,
    checkoutUrl: urlOf(checkout),
    config,
    apiKeys,
    logLines,
    publish,
    client: (service) =>
      new KeyServiceClient({ baseUrl: privacyUrl, signer: loadEventSigner(keysDir, service) }),
    close: async () => {
      await publisher.disconnect();
      await checkout.close();
      await privacy.close();
      for (const [db, schema] of [
        [checkoutDb, checkoutSchema],
        [privacyDb, privacySchema],
      ] as const) {
        await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await db.destroy();
      }
      rmSync(keysDir, { recursive: true, force: true });
    },
  };
}

/** Reads `topic` from the beginning until the message keyed `key` arrives. */
export async function readEvent(topic: string, key: string): Promise<IncomingMessage> {
  const kafka = new Kafka({
    clientId: 'checkout-test-reader',
    brokers: [KAFKA_BROKERS],
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `checkout-test-reader-${randomLetters()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise<IncomingMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no ${topic} event keyed ${key}`));
      }, 45_000);
      void consumer.run({
        eachMessage: ({ message, partition }) => {
          if (message.key?.toString() === key) {
            clearTimeout(timer);
            resolve({
              topic,
              partition,
              offset: message.offset,
              key,
              value: message.value,
              headers: Object.fromEntries(
                Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
              ),
            });
          }
          return Promise.resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}
