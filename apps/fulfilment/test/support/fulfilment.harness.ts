import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import {
  CARRIER_TRACKING_CALLBACK_PATH,
  carrierSigningKeyPath,
  ensureCarrierDevKeys,
  loadCarrierSigner,
} from '#lumen/carrier';
import {
  EVENT_HEADERS,
  LUMEN_TOPICS,
  SERVICE_NAMES,
  signedBytesOf,
  topicSpecsOf,
  type OrderPlacedV1,
  type PaymentConfirmedV1,
  type PaymentFailedV1,
} from '#lumen/contracts';
import {
  ensureServiceKeys,
  EventSigner,
  KeyServiceClient,
  loadEventSigner,
  loadKeyRing,
  seal,
  type KeyRing,
} from '#lumen/crypto';
import { createDataSource, migrate } from '#lumen/database';
import {
  KafkaJsBroker,
  silentLogger,
  type IncomingMessage,
  type OutgoingMessage,
} from '#lumen/messaging';
import { createLogger } from '#lumen/observability';
// The key service and the carrier simulator run in-process, as they run beside fulfilment:
// tests may boot another app; source code may not import one.
import { createCarrierSimulatorApp } from '../../../carrier-simulator/src/carrier-simulator-app.factory';
import { loadCarrierSimulatorConfig } from '../../../carrier-simulator/src/config/carrier-simulator.config';
import { ensureControlToken } from '../../../carrier-simulator/src/shipments/infrastructure/control-token.file';
import { loadPrivacyConfig } from '../../../privacy/src/config/privacy.config';
import { PRIVACY_MIGRATIONS } from '../../../privacy/src/database/privacy-migrations';
import { createPrivacyApp } from '../../../privacy/src/privacy-app.factory';
import { loadFulfilmentConfig } from '../../src/config/fulfilment.config';
import { FULFILMENT_MIGRATIONS } from '../../src/database/fulfilment-migrations';
import { createFulfilmentApp } from '../../src/fulfilment-app.factory';
import { untilReady } from '../../../../test/support/readiness';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lumen';
export const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

export const FULFILMENT_TOPICS = [
  'fulfilment.shipment.created.v1',
  'fulfilment.shipment.dispatched.v1',
  'fulfilment.shipment.delivered.v1',
  'fulfilment.shipment.failed.v1',
] as const;

export function randomLetters(length = 10): string {
  return [...randomBytes(length)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('');
}

export async function expectEventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for: ${what}`);
}

function urlOf(app: NestFastifyApplication): string {
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

async function migrated(
  schema: string,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: readonly Function[],
): Promise<DataSource> {
  const dataSource = createDataSource({
    url: DATABASE_URL,
    schema,
    applicationName: 'fulfilment-test',
    migrations: [...migrations],
  });
  await dataSource.initialize();
  await migrate(dataSource);
  return dataSource;
}

/**
 * Commits the current end of `topics` for a new consumer group, so a service joining it later
 * does not replay what other test runs left on the shared broker. One short-lived member joins
 * (kafkajs' `admin.setOffsets` would join once per topic, seconds each), commits, and leaves.
 */
async function startGroupAtEnd(groupId: string, topics: readonly string[]): Promise<void> {
  const kafka = new Kafka({
    clientId: groupId,
    brokers: [KAFKA_BROKERS],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const consumer = kafka.consumer({ groupId });
  await Promise.all([admin.connect(), consumer.connect()]);
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: false });
    const fetched = new Promise<void>((resolve) => {
      consumer.on(consumer.events.FETCH, () => {
        resolve();
      });
    });
    await consumer.run({ autoCommit: false, eachMessage: () => Promise.resolve() });
    await fetched;
    const ends = await Promise.all(
      topics.map(async (topic) =>
        (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({
          topic,
          partition,
          offset: high,
        })),
      ),
    );
    await consumer.commitOffsets(ends.flat());
  } finally {
    await consumer.disconnect();
    await admin.disconnect();
  }
}

/** The personal data of one test customer, and the order that carries it. */
export interface TestOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly address: {
    readonly recipientName: string;
    readonly lines: readonly string[];
    readonly city: string;
    readonly region: string;
    readonly postcode: string;
    readonly country: string;
  };
  readonly email: string;
  readonly phone: string;
  readonly itemCount: number;
  /** Every personal value of this customer, to scan stored and published bytes for. */
  readonly personalValues: readonly string[];
}

/** Every message read from the fulfilment topics since the harness started. */
export class FulfilmentTopicReader {
  readonly messages: IncomingMessage[] = [];
  private consumer: Consumer | undefined;

  async start(): Promise<void> {
    const kafka = new Kafka({
      clientId: 'fulfilment-test-reader',
      brokers: [KAFKA_BROKERS],
      logLevel: logLevel.NOTHING,
    });
    const groupId = `fulfilment-test-reader-${randomLetters()}`;
    await startGroupAtEnd(groupId, FULFILMENT_TOPICS);
    const consumer = kafka.consumer({ groupId });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [...FULFILMENT_TOPICS], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ topic, partition, message }) => {
        this.messages.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value,
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
          ),
        });
        return Promise.resolve();
      },
    });
  }

  for(orderId: string): IncomingMessage[] {
    return this.messages.filter((message) => message.key === orderId);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

export interface Harness {
  readonly keysDir: string;
  readonly carrierKeysDir: string;
  readonly fulfilmentDb: DataSource;
  readonly fulfilmentSchema: string;
  /** The running fulfilment app, to reach its providers (the retention job). */
  readonly app: NestFastifyApplication;
  /** The key service's schema: which keys exist for whom. */
  readonly privacyDb: DataSource;
  /** A fresh key service client (empty cache) signing as `service`. */
  client(service: 'checkout' | 'fulfilment' | 'payment' | 'privacy'): KeyServiceClient;
  /** Publishes an event as the privacy service does (`privacy.access.requested.v1`, …). */
  askPrivacy(topic: string, key: string, payload: unknown): Promise<string>;
  readonly fulfilmentUrl: string;
  readonly simulatorUrl: string;
  /** The in-process privacy app: staff accounts, sessions and the audit log. */
  readonly privacy: NestFastifyApplication;
  readonly privacyUrl: string;
  readonly callbackUrl: string;
  /** The service keys of this machine, as every consumer verifies events with them. */
  readonly keyRing: KeyRing;
  /** The carrier's signing key, for callbacks the tests sign themselves. */
  readonly carrierSigner: EventSigner;
  readonly topics: FulfilmentTopicReader;
  /** Every line fulfilment logged, at debug level. */
  readonly logLines: string[];
  /** A fresh order with fresh personal data; nothing is sent yet. */
  newOrder(itemCount?: number): TestOrder;
  /** Publishes `checkout.order.placed.v1` as checkout does: personal fields sealed. */
  placeOrder(order: TestOrder, eventId?: string): Promise<string>;
  /** Publishes `payment.payment.confirmed.v1` as payment does. */
  confirmPayment(order: TestOrder, eventId?: string): Promise<string>;
  /** Publishes `payment.payment.failed.v1` as payment does. */
  failPayment(order: TestOrder, eventId?: string): Promise<string>;
  /** Sends a published event again, byte for byte: a redelivery. */
  redeliver(eventId: string): Promise<void>;
  /** Destroys a data key as its creator (checkout) would: crypto-shredding. */
  destroyKey(keyId: string): Promise<void>;
  /** The key id the order's delivery address was sealed under. */
  addressKeyOf(order: TestOrder): Promise<string>;
  /**
   * Starts a second fulfilment instance on the same schema and consumer group (a replica):
   * the two share the events and the handover work. Returns a function that stops it.
   */
  startReplica(): Promise<() => Promise<void>>;
  /** Calls a carrier simulator control endpoint (`/_test/...`). */
  simulator<T>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * Fulfilment as it runs: the real app on Fastify on a throwaway schema migrated by the real
 * migrations, the real Kafka broker, the key service (apps/privacy) and the carrier simulator
 * in-process on their own ports, and service keys in a folder like `.lumen/keys`. Events from
 * checkout and payment are published signed with their keys, exactly as their outboxes do.
 */
export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const suffix = randomLetters();
  const fulfilmentSchema = `fultest_${suffix}`;
  const privacySchema = `fulpriv_${suffix}`;
  const keysDir = mkdtempSync(join(tmpdir(), 'lumen-fulfilment-keys-'));
  const carrierKeysDir = mkdtempSync(join(tmpdir(), 'lumen-fulfilment-carrier-'));
  ensureServiceKeys(keysDir, SERVICE_NAMES);
  ensureCarrierDevKeys(carrierKeysDir);

  const [fulfilmentDb, privacyDb] = await Promise.all([
    migrated(fulfilmentSchema, FULFILMENT_MIGRATIONS),
    migrated(privacySchema, PRIVACY_MIGRATIONS),
  ]);
  const broker = new KafkaJsBroker({
    clientId: `fulfilment-test-${suffix}`,
    brokers: [KAFKA_BROKERS],
    logger: silentLogger,
  });
  await broker.ensureTopics(topicSpecsOf(LUMEN_TOPICS));

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

  // The simulator needs fulfilment's callback URL and fulfilment the simulator's: fulfilment's
  // port is chosen first.
  const fulfilmentPort = await freePort();
  const callbackUrl = `http://127.0.0.1:${fulfilmentPort}${CARRIER_TRACKING_CALLBACK_PATH}`;
  const simulator = await createCarrierSimulatorApp(
    loadCarrierSimulatorConfig({
      NODE_ENV: 'test',
      CARRIER_KEYS_DIR: carrierKeysDir,
      CARRIER_CALLBACK_URL: callbackUrl,
      CARRIER_DISPATCH_DELAY_MS: '50',
      CARRIER_DELIVERY_DELAY_MS: '50',
      CARRIER_CALLBACK_ATTEMPTS: '10',
      CARRIER_CALLBACK_TIMEOUT_MS: '2000',
      LOG_LEVEL: 'silent',
    }),
    false,
  );
  await simulator.listen({ port: 0, host: '127.0.0.1' });
  const simulatorUrl = urlOf(simulator);

  const consumerGroup = `fulfilment-test-${suffix}`;
  const consumed = [
    'checkout.order.placed.v1',
    'payment.payment.confirmed.v1',
    'payment.payment.failed.v1',
    'privacy.key.destroyed.v1',
    'privacy.access.requested.v1',
    'privacy.subject.erased.v1',
  ];
  const topics = new FulfilmentTopicReader();
  await Promise.all([startGroupAtEnd(consumerGroup, consumed), topics.start()]);

  const logLines: string[] = [];
  const logger = createLogger({
    service: 'fulfilment',
    level: 'debug',
    destination: { write: (line: string) => void logLines.push(line) },
  });
  const fulfilmentConfig = loadFulfilmentConfig({
    NODE_ENV: 'test',
    DATABASE_URL,
    DATABASE_SCHEMA: fulfilmentSchema,
    KAFKA_BROKERS,
    LUMEN_KEYS_DIR: keysDir,
    LOG_LEVEL: 'debug',
    FULFILMENT_CONSUMER_GROUP: consumerGroup,
    KEY_SERVICE_URL: privacyUrl,
    CARRIER_URL: simulatorUrl,
    CARRIER_KEYS_DIR: carrierKeysDir,
    CARRIER_TIMEOUT_MS: '1500',
    CARRIER_ATTEMPTS: '2',
    HANDOVER_RETRY_BASE_MS: '100',
    HANDOVER_RETRY_MAX_MS: '400',
    HANDOVER_POLL_MS: '100',
    TRACKING_CHECK_AFTER_MS: '500',
    SEALED_ADDRESS_RETENTION_MS: '4000',
    ...env,
  });
  const fulfilment = await createFulfilmentApp(fulfilmentConfig, logger);
  await fulfilment.listen({ port: fulfilmentPort, host: '127.0.0.1' });
  // Tests publish events for it at once: wait until its consumer has joined its group.
  await untilReady(await fulfilment.getUrl());

  const checkoutKeys = new KeyServiceClient({
    baseUrl: privacyUrl,
    signer: loadEventSigner(keysDir, 'checkout'),
  });
  const signers = {
    checkout: loadEventSigner(keysDir, 'checkout'),
    payment: loadEventSigner(keysDir, 'payment'),
    privacy: loadEventSigner(keysDir, 'privacy'),
  };

  const sent = new Map<string, OutgoingMessage>();

  /** What an outbox relay sends: the signed envelope, the signature in its header. */
  async function publish(
    signer: EventSigner,
    topic: string,
    key: string,
    payload: unknown,
    eventId: string,
  ): Promise<string> {
    const envelope = {
      id: eventId,
      type: topic,
      occurredAt: new Date().toISOString(),
      producer: signer.service,
      keyId: signer.keyId,
      key,
      payload: LUMEN_TOPICS[topic]?.schema.parse(payload),
    };
    const value = Buffer.from(JSON.stringify(envelope), 'utf8');
    const signature = signer.sign(signedBytesOf(topic, key, value));
    const message = {
      topic,
      key,
      value,
      headers: { [EVENT_HEADERS.signature]: signature.toString('base64') },
    };
    sent.set(eventId, message);
    await broker.send([message]);
    return eventId;
  }

  return {
    keysDir,
    carrierKeysDir,
    fulfilmentDb,
    fulfilmentSchema,
    app: fulfilment,
    privacyDb,
    client: (service) =>
      new KeyServiceClient({ baseUrl: privacyUrl, signer: loadEventSigner(keysDir, service) }),
    askPrivacy: (topic, key, payload) =>
      publish(signers.privacy, topic, key, payload, randomUUID()),
    fulfilmentUrl: urlOf(fulfilment),
    simulatorUrl,
    privacy,
    privacyUrl,
    callbackUrl,
    keyRing: loadKeyRing(keysDir),
    carrierSigner: loadCarrierSigner(carrierSigningKeyPath(carrierKeysDir, 'carrier'), 'carrier'),
    topics,
    logLines,
    newOrder(itemCount = 1) {
      const tag = randomLetters(8);
      const street = `${randomLetters(6)} Lane ${tag.slice(0, 3)}`;
      const address = {
        recipientName: `Ada ${tag.charAt(0).toUpperCase()}${tag.slice(1)}`,
        lines: [`${1 + (randomBytes(1)[0] ?? 0)} ${street}`, `Flat ${randomLetters(4)}`],
        city: `Kings ${randomLetters(7)}`,
        region: `${randomLetters(6)}shire`,
        postcode: `PC${randomLetters(4).toUpperCase()}`,
        country: 'GB',
      };
      const email = `${tag}@example.com`;
      const phone = `+44 20 7946 ${String(1000 + (randomBytes(2).readUInt16BE() % 9000))}`;
      return {
        orderId: randomUUID(),
        customerId: randomUUID(),
        address,
        email,
        phone,
        itemCount,
        personalValues: [
          address.recipientName,
          street,
          ...address.lines,
          address.city,
          address.region,
          address.postcode,
          email,
          phone,
        ],
      };
    },
    async placeOrder(order, eventId = randomUUID()) {
      const subject = `customer:${order.customerId}`;
      const [addressKey, contactKey, cardKey] = await Promise.all([
        checkoutKeys.createKey({
          subject,
          purpose: 'delivery-address',
          allowedServices: ['checkout', 'fulfilment', 'privacy'],
        }),
        checkoutKeys.createKey({
          subject,
          purpose: 'customer-contact',
          allowedServices: ['checkout', 'privacy'],
        }),
        checkoutKeys.createKey({
          subject: `order:${order.orderId}`,
          purpose: 'card-token',
          allowedServices: ['payment'],
        }),
      ]);
      const contact = (field: string, value: string) =>
        seal(value, contactKey.key, { field: `customer.${field}`, subject });
      const payload: OrderPlacedV1 = {
        orderId: order.orderId,
        storefrontId: 'shop-test',
        customerId: order.customerId,
        placedAt: new Date().toISOString(),
        policyVersion: '2026-11-25',
        currency: 'GBP',
        totalMinor: 1_250 * order.itemCount,
        items: [{ sku: 'SKU-MUG', quantity: order.itemCount, unitPriceMinor: 1_250 }],
        payment: {
          gateway: 'simulator',
          cardToken: seal(`tok_${randomLetters(16)}`, cardKey.key, {
            field: 'payment.cardToken',
            subject: `order:${order.orderId}`,
          }),
        },
        delivery: {
          // Exactly as checkout seals it: the address as JSON under the customer's key.
          address: seal(JSON.stringify(order.address), addressKey.key, {
            field: 'delivery.address',
            subject,
          }),
        },
        customer: {
          name: contact('name', order.address.recipientName),
          email: contact('email', order.email),
          phone: contact('phone', order.phone),
        },
      };
      return publish(signers.checkout, 'checkout.order.placed.v1', order.orderId, payload, eventId);
    },
    async confirmPayment(order, eventId = randomUUID()) {
      const payload: PaymentConfirmedV1 = {
        orderId: order.orderId,
        gatewayReference: `gw_${randomLetters(12)}`,
        amountMinor: 1_250 * order.itemCount,
        currency: 'GBP',
        confirmedAt: new Date().toISOString(),
      };
      return publish(
        signers.payment,
        'payment.payment.confirmed.v1',
        order.orderId,
        payload,
        eventId,
      );
    },
    async failPayment(order, eventId = randomUUID()) {
      const payload: PaymentFailedV1 = {
        orderId: order.orderId,
        reasonCode: 'declined',
        amountMinor: 1_250 * order.itemCount,
        currency: 'GBP',
        failedAt: new Date().toISOString(),
      };
      return publish(signers.payment, 'payment.payment.failed.v1', order.orderId, payload, eventId);
    },
    async startReplica() {
      const replica = await createFulfilmentApp(fulfilmentConfig, logger);
      await replica.listen({ port: 0, host: '127.0.0.1' });
      await untilReady(await replica.getUrl());
      return () => replica.close();
    },
    async redeliver(eventId) {
      const message = sent.get(eventId);
      if (!message) throw new Error(`event ${eventId} was never published`);
      await broker.send([message]);
    },
    async destroyKey(keyId) {
      await checkoutKeys.destroyKey(keyId, 'customer erased');
    },
    async addressKeyOf(order) {
      const { key } = await checkoutKeys.createKey({
        subject: `customer:${order.customerId}`,
        purpose: 'delivery-address',
        allowedServices: ['checkout', 'fulfilment', 'privacy'],
      });
      return key.keyId;
    },
    async simulator<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(new URL(`/_test${path}`, simulatorUrl), {
        method,
        headers: {
          authorization: `Bearer ${ensureControlToken(carrierKeysDir)}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} /_test${path}: ${response.status} ${text}`);
      return (text === '' ? undefined : JSON.parse(text)) as T;
    },
    async close() {
      await fulfilment.close();
      await simulator.close();
      await privacy.close();
      await topics.stop();
      await broker.disconnect();
      for (const [db, schema] of [
        [fulfilmentDb, fulfilmentSchema],
        [privacyDb, privacySchema],
      ] as const) {
        await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await db.destroy();
      }
      rmSync(keysDir, { recursive: true, force: true });
      rmSync(carrierKeysDir, { recursive: true, force: true });
    },
  };
}
