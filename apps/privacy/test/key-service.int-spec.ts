import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DataSource } from 'typeorm';
import { LUMEN_TOPICS, SERVICE_NAMES, topicSpecsOf } from '#lumen/contracts';
import {
  type CreatedKey,
  type CreateKeyRequest,
  type DataKey,
  type TransportedKey,
  KeyTransportRecipient,
  ensureServiceKeys,
  EventSigner,
  generateSigningKey,
  KeyServiceClient,
  KeyServiceError,
  loadEventSigner,
  loadKeyRing,
  open,
  seal,
  SERVICE_REQUEST_HEADERS,
  signServiceRequest,
} from '#lumen/crypto';
import { createDataSource, migrate } from '#lumen/database';
import { checkMessage, KafkaJsBroker, silentLogger, type IncomingMessage } from '#lumen/messaging';
import { Kafka, logLevel } from 'kafkajs';
import { createLogger, PinoNestLogger } from '#lumen/observability';
import { loadPrivacyConfig } from '../src/config/privacy.config';
import { PRIVACY_MIGRATIONS } from '../src/database/privacy-migrations';
import { createPrivacyApp } from '../src/privacy-app.factory';

/**
 * The key service as other services meet it: the real app on Fastify, the real migrations on
 * the real PostgreSQL, the real outbox relay on the real Kafka broker, and callers signing
 * with service keys from a keys folder like `.lumen/keys`.
 */
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lumen';
const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

function randomLetters(length = 10): string {
  return [...randomBytes(length)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('');
}

async function expectEventually(
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

/** Reads the destroyed-key topic from the beginning until the event keyed `keyId` arrives. */
async function readDestroyedEvent(keyId: string): Promise<IncomingMessage> {
  const topic = 'privacy.key.destroyed.v1';
  const kafka = new Kafka({
    clientId: `privacy-test-reader`,
    brokers: [KAFKA_BROKERS],
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `privacy-test-${randomLetters()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise<IncomingMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no ${topic} event for ${keyId}`));
      }, 30_000);
      void consumer.run({
        eachMessage: ({ message, partition }) => {
          if (message.key?.toString() === keyId) {
            clearTimeout(timer);
            resolve({
              topic,
              partition,
              offset: message.offset,
              key: keyId,
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

async function errorOf(work: Promise<unknown>): Promise<KeyServiceError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof KeyServiceError))
    throw new Error(`expected a KeyServiceError, got ${String(error)}`);
  return error;
}

interface AuditRow {
  caller: string;
  caller_verified: boolean;
  key_id: string | null;
  action: string;
  outcome: string;
  reason: string;
}

describe('key service (real PostgreSQL, Kafka and HTTP)', () => {
  const schema = `privtest_${randomLetters()}`;
  let keysDir: string;
  let dataSource: DataSource | undefined;
  let app: NestFastifyApplication | undefined;
  let baseUrl: string;
  let signers: Record<'checkout' | 'payment' | 'fulfilment' | 'privacy', EventSigner>;
  const db = (): DataSource => {
    if (!dataSource) throw new Error('not started');
    return dataSource;
  };
  /** Every key handed out in these tests, to prove none of them ever reaches a log line. */
  const keysSeen = new Set<string>();
  const logLines: string[] = [];
  const clientFor = (service: keyof typeof signers) =>
    new RecordingClient({ baseUrl, signer: signers[service] });
  class RecordingClient extends KeyServiceClient {
    override async getKey(keyId: string): Promise<DataKey> {
      const key = await super.getKey(keyId);
      keysSeen.add(key.exportMaterial().toString('base64'));
      return key;
    }

    override async createKey(request: CreateKeyRequest): Promise<CreatedKey> {
      const created = await super.createKey(request);
      keysSeen.add(created.key.exportMaterial().toString('base64'));
      return created;
    }

    override async createKeys(requests: readonly CreateKeyRequest[]): Promise<CreatedKey[]> {
      const created = await super.createKeys(requests);
      for (const { key } of created) keysSeen.add(key.exportMaterial().toString('base64'));
      return created;
    }
  }

  const auditRows = (keyId: string | null, outcome = 'refused'): Promise<AuditRow[]> =>
    db().query(
      `SELECT caller, caller_verified, key_id, action, outcome, reason FROM key_audit
       WHERE key_id IS NOT DISTINCT FROM $1 AND outcome = $2 ORDER BY id`,
      [keyId, outcome],
    );

  /** A raw HTTP call, for requests the client would never make. */
  const rawCall = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    fetch(new URL(path, baseUrl), {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body,
    });

  beforeAll(async () => {
    keysDir = mkdtempSync(join(tmpdir(), 'lumen-privacy-keys-'));
    ensureServiceKeys(keysDir, SERVICE_NAMES);
    signers = {
      checkout: loadEventSigner(keysDir, 'checkout'),
      payment: loadEventSigner(keysDir, 'payment'),
      fulfilment: loadEventSigner(keysDir, 'fulfilment'),
      privacy: loadEventSigner(keysDir, 'privacy'),
    };
    dataSource = createDataSource({
      url: DATABASE_URL,
      schema,
      applicationName: 'privacy-test',
      migrations: [...PRIVACY_MIGRATIONS],
    });
    await dataSource.initialize();
    await migrate(dataSource);
    const broker = new KafkaJsBroker({
      clientId: `privacy-test-${schema}`,
      brokers: [KAFKA_BROKERS],
      logger: silentLogger,
    });
    await broker.ensureTopics(topicSpecsOf(LUMEN_TOPICS));
    await broker.disconnect();

    const config = loadPrivacyConfig({
      NODE_ENV: 'test',
      DATABASE_URL,
      DATABASE_SCHEMA: schema,
      KAFKA_BROKERS,
      LUMEN_KEYS_DIR: keysDir,
      LOG_LEVEL: 'silent',
      LUMEN_MASTER_KEY: randomBytes(32).toString('base64'),
      PRIVACY_CONSUMER_GROUP: `privacy-test-${schema}`,
      LUMEN_MAIL_OUTBOX_DIR: join(keysDir, 'mail-outbox'),
      PRIVACY_OPERATOR_TOKEN_FILE: join(keysDir, 'privacy-operator-token'),
    });
    // Debug level: the most the service ever logs, all of it captured.
    const logger = createLogger({
      service: 'privacy',
      level: 'debug',
      destination: { write: (line: string) => void logLines.push(line) },
    });
    app = await createPrivacyApp(config, new PinoNestLogger(logger));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.getHttpServer().address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    baseUrl = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await app?.close();
    await dataSource?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await dataSource?.destroy();
    rmSync(keysDir, { recursive: true, force: true });
  });

  it('gives checkout a customer key to seal with, and the same key on every later request', async () => {
    const checkout = clientFor('checkout');
    const subject = `customer:${randomLetters()}`;
    const request = { subject, purpose: 'customer-contact', allowedServices: ['checkout'] };
    const created = await checkout.createKey(request);
    expect(created.created).toBe(true);
    const context = { field: 'customer.email', subject };
    const sealed = seal('ada@example.com', created.key, context);

    // Another checkout instance, with an empty cache, fetches the key by the id in the value.
    expect(await clientFor('checkout').open(sealed, context)).toBe('ada@example.com');
    const again = await clientFor('checkout').createKey(request);
    expect(again.created).toBe(false);
    expect(again.key.keyId).toBe(created.key.keyId);

    const rows: { wrapped_key: Buffer; master_key_id: string }[] = await db().query(
      'SELECT wrapped_key, master_key_id FROM data_keys WHERE key_id = $1',
      [created.key.keyId],
    );
    // Stored wrapped, never as the key itself.
    expect(rows[0]!.wrapped_key.includes(created.key.exportMaterial())).toBe(false);
    expect(rows[0]!.master_key_id).toMatch(/^mk_/);
  });

  it('refuses payment the checkout customer key (403) and audits the refusal', async () => {
    const subject = `customer:${randomLetters()}`;
    const { key } = await clientFor('checkout').createKey({
      subject,
      purpose: 'customer-contact',
      allowedServices: ['checkout'],
    });
    const sealed = seal('ada@example.com', key, { field: 'customer.email', subject });

    const refused = await errorOf(clientFor('payment').getKey(key.keyId));
    expect(refused).toMatchObject({ code: 'forbidden', status: 403 });
    await expect(
      clientFor('payment').open(sealed, { field: 'customer.email', subject }),
    ).rejects.toMatchObject({
      status: 403,
    });
    // Nor can payment get it by asking to "create" it.
    const viaCreate = await errorOf(
      clientFor('payment').createKey({
        subject,
        purpose: 'customer-contact',
        allowedServices: ['checkout'],
      }),
    );
    expect(viaCreate.status).toBe(403);

    expect(await auditRows(key.keyId)).toEqual([
      {
        caller: 'payment',
        caller_verified: true,
        key_id: key.keyId,
        action: 'get',
        outcome: 'refused',
        reason: 'caller-not-allowed',
      },
      {
        caller: 'payment',
        caller_verified: true,
        key_id: key.keyId,
        action: 'get',
        outcome: 'refused',
        reason: 'caller-not-allowed',
      },
    ]);
    const createRefusals: unknown[] = await db().query(
      `SELECT reason FROM key_audit WHERE caller = 'payment' AND action = 'create' AND outcome = 'refused'`,
    );
    expect(createRefusals).toEqual([{ reason: 'purpose-not-creatable-by-caller' }]);
  });

  it('answers unsigned, tampered, forged and stale requests with 401, audited', async () => {
    const subject = `customer:${randomLetters()}`;
    const { key } = await clientFor('checkout').createKey({
      subject,
      purpose: 'customer-contact',
      allowedServices: ['checkout'],
    });
    const path = `/keys/${key.keyId}`;

    const unsigned = await rawCall('GET', path, {});
    expect(unsigned.status).toBe(401);
    const unsignedBody = (await unsigned.json()) as Record<string, unknown>;
    expect(unsignedBody).toMatchObject({ code: 'unauthenticated' });
    expect(JSON.stringify(unsignedBody)).not.toContain(key.exportMaterial().toString('base64'));

    // Signed for another path: moving a signature to another key does not work.
    const otherPath = signServiceRequest(signers.checkout, {
      method: 'GET',
      path: '/keys/dk_other',
    });
    expect((await rawCall('GET', path, otherPath)).status).toBe(401);

    // A body changed after signing.
    const body = JSON.stringify({
      subject,
      purpose: 'customer-contact',
      allowedServices: ['checkout'],
    });
    const signedBody = signServiceRequest(signers.checkout, {
      method: 'POST',
      path: '/keys',
      body,
    });
    const tampered = body.replace('["checkout"]', '["checkout","privacy"]');
    expect((await rawCall('POST', '/keys', signedBody, tampered)).status).toBe(401);

    // Payment's key claiming to be checkout; and a key nobody trusts.
    const forged = {
      ...signServiceRequest(signers.payment, { method: 'GET', path }),
      [SERVICE_REQUEST_HEADERS.service]: 'checkout',
    };
    expect((await rawCall('GET', path, forged)).status).toBe(401);
    const stranger = new EventSigner(generateSigningKey('checkout').signing);
    expect(
      (await rawCall('GET', path, signServiceRequest(stranger, { method: 'GET', path }))).status,
    ).toBe(401);

    // A genuine signature, six minutes old.
    const stale = signServiceRequest(
      signers.checkout,
      { method: 'GET', path },
      new Date(Date.now() - 360_000),
    );
    expect((await rawCall('GET', path, stale)).status).toBe(401);

    expect(
      (await auditRows(key.keyId)).map((row) => [
        row.caller,
        row.caller_verified,
        row.action,
        row.reason,
      ]),
    ).toEqual([
      ['unknown', false, 'get', 'missing-signature'],
      ['checkout', false, 'get', 'bad-signature'],
      ['checkout', false, 'get', 'wrong-signer'],
      ['checkout', false, 'get', 'unknown-key'],
      ['checkout', false, 'get', 'stale-timestamp'],
    ]);
    const tamperedAudit = await auditRows(null);
    expect(tamperedAudit).toContainEqual({
      caller: 'checkout',
      caller_verified: false,
      key_id: null,
      action: 'create',
      outcome: 'refused',
      reason: 'bad-signature',
    });
  });

  it('keeps the card token for payment alone, and destroys it for good (crypto-shredding)', async () => {
    const checkout = clientFor('checkout');
    const payment = clientFor('payment');
    const subject = `order:${randomLetters()}`;
    const context = { field: 'payment.cardToken', subject };

    // Checkout receives the key once, to seal the token, and can never fetch it again.
    const { key, created } = await checkout.createKey({
      subject,
      purpose: 'card-token',
      allowedServices: ['payment'],
    });
    expect(created).toBe(true);
    const sealed = seal('tok_single_use_4f9a', key, context);
    expect((await errorOf(clientFor('checkout').getKey(key.keyId))).status).toBe(403);

    expect(await payment.open(sealed, context)).toBe('tok_single_use_4f9a');
    expect(await payment.destroyKey(key.keyId, 'payment confirmed')).toMatchObject({
      destroyedAt: expect.any(String) as string,
    });

    // Nobody can fetch it any more; everything sealed under it is noise.
    expect(await errorOf(payment.getKey(key.keyId))).toMatchObject({
      code: 'destroyed',
      status: 410,
    });
    expect(await errorOf(clientFor('payment').open(sealed, context))).toMatchObject({
      status: 410,
    });
    expect((await errorOf(clientFor('checkout').getKey(key.keyId))).status).toBe(403);
    expect((await errorOf(clientFor('fulfilment').getKey(key.keyId))).status).toBe(403);
    const rows: { wrapped_key: Buffer | null; destroy_reason: string }[] = await db().query(
      'SELECT wrapped_key, destroy_reason FROM data_keys WHERE key_id = $1',
      [key.keyId],
    );
    expect(rows).toEqual([{ wrapped_key: null, destroy_reason: 'payment confirmed' }]);
    // Final even for the database's owner: the row cannot be brought back.
    await expect(
      db().query(
        `UPDATE data_keys SET destroyed_at = NULL, destroy_reason = NULL, wrapped_key = '\\x00' WHERE key_id = $1`,
        [key.keyId],
      ),
    ).rejects.toThrow(/destroyed/);

    // Destroying twice is harmless and publishes nothing more.
    expect(await payment.destroyKey(key.keyId, 'payment confirmed')).toBeDefined();
    const events: { value: Buffer; published_at: Date | null }[] = await db().query(
      `SELECT value, published_at FROM outbox WHERE topic = 'privacy.key.destroyed.v1' AND message_key = $1`,
      [key.keyId],
    );
    expect(events).toHaveLength(1);
    const envelope = JSON.parse(events[0]!.value.toString('utf8')) as {
      producer: string;
      payload: unknown;
    };
    expect(envelope.producer).toBe('privacy');
    expect(envelope.payload).toEqual({
      keyId: key.keyId,
      purpose: 'card-token',
      destroyedAt: expect.any(String) as string,
      reason: 'payment confirmed',
    });
    // The relay publishes it to Kafka, where every service's cache listens.
    await expectEventually(async () => {
      const published: unknown[] = await db().query(
        `SELECT 1 FROM outbox WHERE message_key = $1 AND published_at IS NOT NULL`,
        [key.keyId],
      );
      return published.length === 1;
    }, 'the key.destroyed event published');
    // On Kafka it passes every consumer's edge checks: signed by privacy, valid payload.
    const check = checkMessage(
      await readDestroyedEvent(key.keyId),
      LUMEN_TOPICS,
      loadKeyRing(keysDir),
    );
    expect(check.ok && check.event.producer).toBe('privacy');
    expect(check.ok && check.event.payload).toMatchObject({
      keyId: key.keyId,
      purpose: 'card-token',
    });
  });

  it('lets the privacy service erase a customer: the sealed contact data is unreadable everywhere', async () => {
    const subject = `customer:${randomLetters()}`;
    const checkout = clientFor('checkout');
    const { key } = await checkout.createKey({
      subject,
      purpose: 'customer-contact',
      allowedServices: ['checkout', 'privacy'],
    });
    const context = { field: 'customer.phone', subject };
    const sealed = seal('+44 20 7946 0000', key, context);
    expect(await checkout.open(sealed, context)).toBe('+44 20 7946 0000');

    await clientFor('privacy').destroyKey(key.keyId, 'erasure request');
    // This client still held the key in its cache: the event's handler calls evict.
    checkout.evict(key.keyId);
    for (const service of ['checkout', 'privacy'] as const) {
      expect((await errorOf(clientFor(service).open(sealed, context))).code).toBe('destroyed');
    }
    expect((await errorOf(checkout.open(sealed, context))).code).toBe('destroyed');
    // A new key for the same subject is a new key: the old values stay unreadable.
    const fresh = await checkout.createKey({
      subject,
      purpose: 'customer-contact',
      allowedServices: ['checkout', 'privacy'],
    });
    expect(fresh.created).toBe(true);
    expect(() => open(sealed, fresh.key, context)).toThrow();
  });

  it('lets the creator clean up a key it never used; others may not destroy it', async () => {
    const subject = `order:${randomLetters()}`;
    const { key } = await clientFor('checkout').createKey({
      subject,
      purpose: 'card-token',
      allowedServices: ['payment'],
    });
    expect((await errorOf(clientFor('fulfilment').destroyKey(key.keyId, 'not mine'))).status).toBe(
      403,
    );
    await clientFor('checkout').destroyKey(key.keyId, 'order not committed');
    expect((await errorOf(clientFor('payment').getKey(key.keyId))).code).toBe('destroyed');
    expect(await auditRows(key.keyId)).toContainEqual({
      caller: 'fulfilment',
      caller_verified: true,
      key_id: key.keyId,
      action: 'destroy',
      outcome: 'refused',
      reason: 'caller-not-allowed',
    });
  });

  it('creates exactly one key when many requests race for the same subject', async () => {
    const subject = `customer:${randomLetters()}`;
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        clientFor('checkout').createKey({
          subject,
          purpose: 'customer-contact',
          allowedServices: ['checkout'],
        }),
      ),
    );
    expect(new Set(results.map((r) => r.key.keyId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const live: unknown[] = await db().query('SELECT 1 FROM data_keys WHERE subject = $1', [
      subject,
    ]);
    expect(live).toHaveLength(1);
  });

  it('refuses requests outside the purpose rules, and names bad fields', async () => {
    const checkout = clientFor('checkout');
    const subject = `order:${randomLetters()}`;
    // Only payment may ever read a card token.
    expect(
      await errorOf(
        checkout.createKey({
          subject,
          purpose: 'card-token',
          allowedServices: ['payment', 'checkout'],
        }),
      ),
    ).toMatchObject({ status: 403 });
    expect(
      await errorOf(
        checkout.createKey({ subject, purpose: 'diary', allowedServices: ['checkout'] }),
      ),
    ).toMatchObject({
      status: 400,
    });
    await checkout.createKey({
      subject,
      purpose: 'delivery-address',
      allowedServices: ['fulfilment'],
    });
    expect(
      await errorOf(
        checkout.createKey({
          subject,
          purpose: 'delivery-address',
          allowedServices: ['fulfilment', 'checkout'],
        }),
      ),
    ).toMatchObject({ status: 409 });

    const body = JSON.stringify({
      subject,
      purpose: 'delivery-address',
      allowedServices: ['carrier'],
      extra: 1,
    });
    const response = await rawCall(
      'POST',
      '/keys',
      signServiceRequest(signers.checkout, { method: 'POST', path: '/keys', body }),
      body,
    );
    expect(response.status).toBe(400);
    const { message } = (await response.json()) as { message: string };
    expect(message).toContain('extra');
    expect(message).toContain('allowedServices');

    const badReason = JSON.stringify({ reason: 'customer ada@example.com asked' });
    const path = `/keys/dk_${randomLetters()}`;
    const destroy = await rawCall(
      'DELETE',
      path,
      signServiceRequest(signers.privacy, { method: 'DELETE', path, body: badReason }),
      badReason,
    );
    expect(destroy.status).toBe(400);
    expect(
      (await errorOf(clientFor('privacy').destroyKey(`dk_${randomLetters()}`, 'erasure request')))
        .status,
    ).toBe(404);
  });
  it('sends a key only encrypted to the caller that asked, so a replayed answer is noise', async () => {
    const subject = `customer:${randomLetters()}`;
    const { key } = await clientFor('checkout').createKey({
      subject,
      purpose: 'customer-contact',
      allowedServices: ['checkout'],
    });
    const recipient = new KeyTransportRecipient();
    const path = `/keys/${key.keyId}?recipient=${recipient.publicKey}`;
    const headers = signServiceRequest(signers.checkout, { method: 'GET', path });
    const answers = [await rawCall('GET', path, headers), await rawCall('GET', path, headers)];
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      const text = await answer.text();
      for (const encoding of ['base64', 'base64url', 'hex'] as const) {
        expect(text).not.toContain(key.exportMaterial().toString(encoding));
      }
      const { sealedKey } = JSON.parse(text) as { sealedKey: TransportedKey };
      expect(
        recipient.open(sealedKey, key.keyId).exportMaterial().equals(key.exportMaterial()),
      ).toBe(true);
      // Whoever replays the request or reads the answer lacks the recipient's private key.
      expect(() => new KeyTransportRecipient().open(sealedKey, key.keyId)).toThrow();
    }

    const bare = `/keys/${key.keyId}`;
    const noRecipient = await rawCall(
      'GET',
      bare,
      signServiceRequest(signers.checkout, { method: 'GET', path: bare }),
    );
    expect(noRecipient.status).toBe(400);
    expect(((await noRecipient.json()) as { message: string }).message).toContain('recipient');
  });

  it('refuses an oversized body before reading it (413)', async () => {
    const body = JSON.stringify({
      subject: 'customer:1',
      purpose: 'x'.repeat(20_000),
      allowedServices: ['checkout'],
    });
    const headers = signServiceRequest(signers.checkout, { method: 'POST', path: '/keys', body });
    expect((await rawCall('POST', '/keys', headers, body)).status).toBe(413);
  });

  it('answers 500 without details when started with another master key, and never returns garbage', async () => {
    const subject = `customer:${randomLetters()}`;
    const { key } = await clientFor('checkout').createKey({
      subject,
      purpose: 'customer-contact',
      allowedServices: ['checkout'],
    });
    const other = await createPrivacyApp(
      loadPrivacyConfig({
        NODE_ENV: 'test',
        DATABASE_URL,
        DATABASE_SCHEMA: schema,
        KAFKA_BROKERS,
        LUMEN_KEYS_DIR: keysDir,
        LUMEN_MASTER_KEY: randomBytes(32).toString('base64'),
        PRIVACY_CONSUMER_GROUP: `privacy-test-${schema}-other`,
        LUMEN_MAIL_OUTBOX_DIR: join(keysDir, 'mail-outbox'),
        PRIVACY_OPERATOR_TOKEN_FILE: join(keysDir, 'privacy-operator-token'),
      }),
      false,
      { runTimers: false },
    );
    await other.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = other.getHttpServer().address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      const client = new KeyServiceClient({
        baseUrl: `http://127.0.0.1:${address.port}`,
        signer: signers.checkout,
      });
      const error = await errorOf(client.getKey(key.keyId));
      expect(error.status).toBe(500);
      expect(error.message).not.toMatch(/mk_/);
    } finally {
      await other.close();
    }
  });

  /** An order's three keys, as checkout asks for them. */
  const orderKeys = (customer: string, order: string): CreateKeyRequest[] => [
    {
      subject: `customer:${customer}`,
      purpose: 'customer-contact',
      allowedServices: ['checkout', 'privacy'],
    },
    {
      subject: `customer:${customer}`,
      purpose: 'delivery-address',
      allowedServices: ['checkout', 'fulfilment', 'privacy'],
    },
    { subject: `order:${order}`, purpose: 'card-token', allowedServices: ['payment'] },
  ];
  const liveKeysOf = async (subjects: readonly string[]): Promise<string[]> => {
    const rows = await db().query<{ key: string }[]>(
      `SELECT subject || ' ' || purpose AS key FROM data_keys
       WHERE subject = ANY($1::text[]) AND destroyed_at IS NULL ORDER BY 1`,
      [subjects],
    );
    return rows.map((row) => row.key);
  };

  it("creates an order's keys in one call, each audited and shared exactly as if asked for alone", async () => {
    const [customer, order] = [randomLetters(), randomLetters()];
    const checkout = clientFor('checkout');
    const [contact, address, card] = await checkout.createKeys(orderKeys(customer, order));
    expect([contact?.created, address?.created, card?.created]).toEqual([true, true, true]);
    expect([contact?.purpose, address?.purpose, card?.purpose]).toEqual([
      'customer-contact',
      'delivery-address',
      'card-token',
    ]);
    const keys = [contact, address, card].map((created) => created!.key);
    expect(new Set(keys.map((key) => key.keyId)).size).toBe(3);
    for (const key of keys) {
      expect(await auditRows(key.keyId, 'granted')).toEqual([
        {
          caller: 'checkout',
          caller_verified: true,
          key_id: key.keyId,
          action: 'create',
          outcome: 'granted',
          reason: 'created',
        },
      ]);
    }

    // Each key goes to its own services only, whichever way it was created.
    const addressSubject = `customer:${customer}`;
    const sealedAddress = seal('1 High Street', keys[1]!, {
      field: 'deliveryAddress',
      subject: addressSubject,
    });
    expect(
      await clientFor('fulfilment').open(sealedAddress, {
        field: 'deliveryAddress',
        subject: addressSubject,
      }),
    ).toBe('1 High Street');
    expect((await errorOf(clientFor('fulfilment').getKey(keys[0]!.keyId))).status).toBe(403);
    expect((await errorOf(clientFor('checkout').getKey(keys[2]!.keyId))).status).toBe(403);
    const paymentCopy = await clientFor('payment').getKey(keys[2]!.keyId);
    expect(paymentCopy.exportMaterial().equals(keys[2]!.exportMaterial())).toBe(true);
    // The creator does not keep the card-token key it may not fetch: asked again, it is refused.
    expect((await errorOf(checkout.getKey(keys[2]!.keyId))).status).toBe(403);

    // Asked again: the same live customer keys, nothing created, each grant audited as
    // "existing"; the card-token key is never handed to its creator again, batch or not.
    const again = await clientFor('checkout').createKeys(orderKeys(customer, order).slice(0, 2));
    expect(again.map((created) => [created.key.keyId, created.created])).toEqual(
      keys.slice(0, 2).map((key) => [key.keyId, false]),
    );
    expect((await auditRows(keys[0]!.keyId, 'granted')).map((row) => row.reason)).toEqual([
      'created',
      'existing',
    ]);
    const cardAgain = await errorOf(clientFor('checkout').createKeys(orderKeys(customer, order)));
    expect(cardAgain).toMatchObject({ code: 'forbidden', status: 403 });
    expect(cardAgain.message).toContain('keys.2 (card-token)');
    expect((await auditRows(keys[2]!.keyId)).map((row) => [row.action, row.reason])).toEqual([
      ['get', 'caller-not-allowed'],
      ['get', 'caller-not-allowed'],
      ['create', 'caller-not-allowed'],
    ]);
  });

  it('refuses a whole batch when one key breaks the rules, naming it and creating none', async () => {
    const [customer, order] = [randomLetters(), randomLetters()];
    const subjects = [`customer:${customer}`, `order:${order}`];
    const checkout = clientFor('checkout');

    // A card token shared with checkout too: the purpose rule refuses it before anything is written.
    const widened = orderKeys(customer, order).map((request) =>
      request.purpose === 'card-token'
        ? { ...request, allowedServices: ['payment', 'checkout'] }
        : request,
    );
    const refused = await errorOf(checkout.createKeys(widened));
    expect(refused).toMatchObject({ code: 'forbidden', status: 403 });
    expect(refused.message).toContain('keys.2 (card-token)');
    expect(await liveKeysOf(subjects)).toEqual([]);

    // The customer already has a contact key shared differently: the conflict is found inside
    // the transaction, after the other keys were inserted, and they are rolled back with it.
    const existing = await checkout.createKey({
      subject: `customer:${customer}`,
      purpose: 'customer-contact',
      allowedServices: ['checkout'],
    });
    const conflict = await errorOf(checkout.createKeys(orderKeys(customer, order)));
    expect(conflict).toMatchObject({ code: 'conflict', status: 409 });
    expect(conflict.message).toContain('keys.0 (customer-contact)');
    expect(await liveKeysOf(subjects)).toEqual([`customer:${customer} customer-contact`]);
    expect(await auditRows(existing.key.keyId)).toEqual([
      {
        caller: 'checkout',
        caller_verified: true,
        key_id: existing.key.keyId,
        action: 'create',
        outcome: 'refused',
        reason: 'allowed-services-mismatch',
      },
    ]);

    // Payment may create none of these purposes, in a batch or not.
    const notCreator = await errorOf(clientFor('payment').createKeys(orderKeys(customer, order)));
    expect(notCreator).toMatchObject({ code: 'forbidden', status: 403 });
    expect(await liveKeysOf(subjects)).toEqual([`customer:${customer} customer-contact`]);
  });

  it('answers a malformed or unsigned batch with 4xx naming the field, and creates nothing', async () => {
    const subject = `customer:${randomLetters()}`;
    const recipientKey = new KeyTransportRecipient().publicKey;
    const signedPost = (body: unknown) => {
      const text = JSON.stringify(body);
      return rawCall(
        'POST',
        '/keys/batch',
        signServiceRequest(signers.checkout, { method: 'POST', path: '/keys/batch', body: text }),
        text,
      );
    };
    const contact = {
      subject,
      purpose: 'customer-contact',
      allowedServices: ['checkout', 'privacy'],
    };
    const answers = [
      await signedPost({ keys: [contact, contact], recipientKey }),
      await signedPost({ keys: [], recipientKey }),
      await signedPost({ keys: Array.from({ length: 9 }, () => contact), recipientKey }),
      await signedPost({ keys: [{ ...contact, subject: 'no colon' }], recipientKey }),
      await signedPost({ keys: [contact] }),
    ];
    const bodies = await Promise.all(
      answers.map(async (answer) => ({
        status: answer.status,
        message: ((await answer.json()) as { message: string }).message,
      })),
    );
    expect(bodies).toEqual([
      { status: 400, message: 'keys: expected each subject and purpose once' },
      { status: 400, message: 'keys: expected at least one key' },
      { status: 400, message: 'keys: expected at most 8 keys' },
      {
        status: 400,
        message: expect.stringMatching(/^keys\.0\.subject: expected <kind>:<id>/) as string,
      },
      { status: 400, message: expect.stringMatching(/^recipientKey: /) as string },
    ]);
    const unsigned = await rawCall(
      'POST',
      '/keys/batch',
      {},
      JSON.stringify({ keys: [contact], recipientKey }),
    );
    expect(unsigned.status).toBe(401);
    expect(await liveKeysOf([subject])).toEqual([]);
  });

  // Runs last: by now every path above (grants, refusals, 401s, destroys) has logged.
  it('never writes key material to its logs', () => {
    expect(logLines.length).toBeGreaterThan(0);
    expect(keysSeen.size).toBeGreaterThan(5);
    const log = logLines.join('\n');
    expect(log).toContain('key request refused');
    for (const material of keysSeen) {
      expect(log).not.toContain(material);
      expect(log).not.toContain(Buffer.from(material, 'base64').toString('hex'));
      expect(log).not.toContain(Buffer.from(material, 'base64').toString('base64url'));
    }
  });
});
