import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { LUMEN_TOPICS, SERVICE_NAMES, topicSpecsOf } from '#lumen/contracts';
import { DataKey, ensureServiceKeys } from '#lumen/crypto';
import { createDataSource, migrate } from '#lumen/database';
import { KafkaJsBroker, silentLogger } from '#lumen/messaging';
import { pinnedRootToFile, signMessage, type CertifiedKey } from '#lumen/payment-gateway';
import {
  startGatewaySimulator,
  type GatewaySimulatorHandle,
} from '../../../test/support/gateway-simulator.harness';
import {
  DeadLetterWatch,
  expectHostileEventsDeadLettered,
  genuineEvent,
  publishEach,
  startConsumerGroupAtEnd,
  validOrderPlacedPayload,
} from '../../../test/support/hostile-events';
import {
  expectOversizedPostRefused,
  expectPostRefusedChangingNothing,
  FUZZ_RUNS,
  hostileBodyText,
  rowCounts,
} from '../../../test/support/hostile-input';
import {
  startPrivacyService,
  type PrivacyServiceHandle,
} from '../../../test/support/privacy-service.harness';
import { loadPaymentConfig } from '../src/config/payment.config';
import { PAYMENT_MIGRATIONS } from '../src/database/payment-migrations';
import { createPaymentApp } from '../src/payment-app.factory';
import { untilReady } from '../../../test/support/readiness';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lumen';
const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The payment service under hostile input, on the real app, PostgreSQL, Kafka, key service and
 * gateway simulator: the gateway's webhook never answers 5xx and believes nothing it cannot
 * verify, and hostile messages on the topics payment consumes are dead-lettered without a
 * payment, a gateway call or an outbox row. Refused notifications are written to
 * `gateway_refusals` by design; that table alone may grow.
 */
describe('payment under hostile input (fuzz)', () => {
  let keysDir: string;
  let credentialsDir: string;
  let privacy: PrivacyServiceHandle;
  let gateway: GatewaySimulatorHandle;
  let merchant: CertifiedKey;
  let paymentDb: DataSource;
  let app: NestFastifyApplication;
  let paymentUrl: string;
  const schema = `payfuzz_${randomBytes(5).toString('hex')}`;
  const consumerGroup = `payment-fuzz-${randomBytes(5).toString('hex')}`;

  beforeAll(async () => {
    keysDir = mkdtempSync(join(tmpdir(), 'lumen-payment-fuzz-keys-'));
    credentialsDir = mkdtempSync(join(tmpdir(), 'lumen-payment-fuzz-merchant-'));
    ensureServiceKeys(keysDir, SERVICE_NAMES);
    const broker = new KafkaJsBroker({
      clientId: `payment-fuzz-${schema}`,
      brokers: [KAFKA_BROKERS],
      logger: silentLogger,
    });
    await broker.ensureTopics(topicSpecsOf(LUMEN_TOPICS));
    await broker.disconnect();
    await startConsumerGroupAtEnd(KAFKA_BROKERS, consumerGroup, [
      'checkout.order.placed.v1',
      'fulfilment.shipment.failed.v1',
    ]);
    privacy = await startPrivacyService({
      keysDir,
      databaseUrl: DATABASE_URL,
      kafkaBrokers: KAFKA_BROKERS,
    });
    gateway = await startGatewaySimulator();
    const port = await freePort();
    merchant = await gateway.enrol('lumen-shop', {
      notificationUrl: `http://127.0.0.1:${String(port)}/gateway/notifications`,
    });
    writeFileSync(join(credentialsDir, 'merchant-key.json'), JSON.stringify(merchant.toFile()), {
      mode: 0o600,
    });
    writeFileSync(
      join(credentialsDir, 'root.json'),
      JSON.stringify(pinnedRootToFile(gateway.root)),
    );
    paymentDb = createDataSource({
      url: DATABASE_URL,
      schema,
      applicationName: 'payment-fuzz',
      migrations: [...PAYMENT_MIGRATIONS],
    });
    await paymentDb.initialize();
    await migrate(paymentDb);
    app = await createPaymentApp(
      loadPaymentConfig({
        NODE_ENV: 'test',
        PORT: String(port),
        DATABASE_URL,
        DATABASE_SCHEMA: schema,
        KAFKA_BROKERS,
        KAFKA_CONSUMER_GROUP: consumerGroup,
        LUMEN_KEYS_DIR: keysDir,
        LOG_LEVEL: 'silent',
        KEY_SERVICE_URL: privacy.baseUrl,
        GATEWAY_URL: gateway.baseUrl,
        GATEWAY_ROOT_FILE: join(credentialsDir, 'root.json'),
        MERCHANT_KEY_FILE: join(credentialsDir, 'merchant-key.json'),
        GATEWAY_TIMEOUT_MS: '400',
        GATEWAY_MAX_ATTEMPTS: '2',
        GATEWAY_RETRY_DELAY_MS: '50',
      }),
      false,
    );
    await app.listen({ port, host: '127.0.0.1' });
    paymentUrl = `http://127.0.0.1:${String(port)}`;
    await untilReady(paymentUrl);
  });

  afterAll(async () => {
    await app.close();
    await gateway.close();
    await privacy.close();
    await paymentDb.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await paymentDb.destroy();
    rmSync(keysDir, { recursive: true, force: true });
    rmSync(credentialsDir, { recursive: true, force: true });
  });

  const everything = () => rowCounts(paymentDb, schema, ['gateway_refusals']);
  const journalSize = async () => {
    const response = await gateway.operator('GET', '/test/journal');
    return ((await response.json()) as { entries: unknown[] }).entries.length;
  };

  it('POST /gateway/notifications: hostile notifications, unsigned or signed by a merchant key, are refused and change nothing', async () => {
    const validNotification = {
      notificationId: 'ntf_fuzz',
      type: 'payment.captured',
      merchantReference: randomUUID(),
    };
    await fc.assert(
      fc.asyncProperty(hostileBodyText(validNotification), fc.boolean(), async (body, signed) => {
        const headers = signed
          ? signMessage(merchant, { kind: 'notification', target: '/gateway/notifications', body })
          : {};
        await expectPostRefusedChangingNothing(
          `${paymentUrl}/gateway/notifications`,
          body,
          headers,
          everything,
        );
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('refuses a body over the limit with 413 before reading it', async () => {
    await expectOversizedPostRefused(`${paymentUrl}/gateway/notifications`, 32 * 1024, everything);
  });

  it('dead-letters every hostile message on every consumed topic: no payment, no gateway call, no outbox row', async () => {
    const key = new DataKey('dk_fuzz', randomBytes(32));
    const orderId = randomUUID();
    const consumed = {
      'checkout.order.placed.v1': {
        owner: 'checkout',
        impostor: 'fulfilment',
        payload: validOrderPlacedPayload(orderId, key, 'order:fuzz'),
      },
      'fulfilment.shipment.failed.v1': {
        owner: 'fulfilment',
        impostor: 'checkout',
        payload: {
          shipmentId: randomUUID(),
          orderId,
          carrier: 'carrier-simulator',
          occurredAt: new Date().toISOString(),
          reasonCode: 'carrier-refused',
        },
      },
    } as const;
    const watch = new DeadLetterWatch(KAFKA_BROKERS, consumerGroup);
    await watch.start(Object.keys(consumed));
    try {
      const [before, journalBefore] = [await everything(), await journalSize()];
      await expectHostileEventsDeadLettered({
        brokers: KAFKA_BROKERS,
        watch,
        keysDir,
        consumed,
        runsPerTopic: Math.max(4, Math.ceil(FUZZ_RUNS / 2)),
        timeoutMs: 90_000,
      });
      expect(await everything()).toEqual(before);
      expect(await journalSize()).toBe(journalBefore);

      // Still consuming: a genuine event after the storm is applied (a shipment failure for an
      // order never paid refunds nothing, and is recorded as processed).
      const genuine = genuineEvent(
        keysDir,
        'fulfilment',
        'fulfilment.shipment.failed.v1',
        orderId,
        consumed['fulfilment.shipment.failed.v1'].payload,
      );
      await publishEach(KAFKA_BROKERS, [genuine.message]);
      const deadline = Date.now() + 30_000;
      let applied = false;
      while (!applied && Date.now() < deadline) {
        const rows: unknown[] = await paymentDb.query('SELECT 1 FROM inbox WHERE event_id = $1', [
          genuine.eventId,
        ]);
        applied = rows.length === 1;
        if (!applied) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(applied).toBe(true);
    } finally {
      await watch.stop();
    }
  }, 150_000);
});
