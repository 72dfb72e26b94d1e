import { createPublicKey, randomBytes, randomUUID, verify } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import {
  EVENT_HEADERS,
  LUMEN_TOPICS,
  SERVICE_NAMES,
  signedBytesOf,
  subjectAccessFragmentSeal,
  subjectAccessRecordCount,
  topicSpecsOf,
  type EventEnvelope,
  type OrderPlacedV1,
  type SubjectAccessFragmentDocumentInput,
  type SubjectRightsResponder,
} from '#lumen/contracts';
import {
  ensureServiceKeys,
  EventSigner,
  KeyServiceClient,
  loadEventSigner,
  loadKeyRing,
  seal,
  verifyServiceRequest,
} from '#lumen/crypto';
import { createDataSource, migrate } from '#lumen/database';
import { KafkaJsBroker, silentLogger } from '#lumen/messaging';
import { HttpPersonalDataAuditLog, STAFF_ASSERTION_HEADER } from '#lumen/staff-access';
import { loadPrivacyConfig } from '../src/config/privacy.config';
import { PRIVACY_MIGRATIONS } from '../src/database/privacy-migrations';
import { createPrivacyApp } from '../src/privacy-app.factory';
import { CreateStaffAccount } from '../src/staff/application/create-staff-account.use-case';
import { Clock } from '../src/subject-rights/application/clock';
import { StartSubjectRequest } from '../src/subject-rights/application/start-subject-request.use-case';
import { SubjectRightsScheduler } from '../src/subject-rights/infrastructure/subject-rights.scheduler';
import type { AccessPackage } from '../src/subject-rights/domain/access-package';
import type { ErasureReceipt } from '../src/subject-rights/domain/erasure-receipt';

/**
 * Subject access and erasure against the real privacy app, PostgreSQL and Kafka. The test plays
 * checkout, payment and fulfilment: it publishes their signed events (orders, fragments sealed
 * under their own subject-access keys, erasure reports, staff reads reported to the audit log),
 * stands in for checkout's staff endpoint that disclosures read, and reads the mail outbox
 * folder for the codes. The app's clock is the test's.
 */
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lumen';
const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

class TestClock extends Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

async function expectEventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 45_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Timed out waiting for: ${what}`);
}

interface MailFile {
  to: string;
  kind: string;
  requestId: string;
  text: string;
}

describe('subject rights (real PostgreSQL, Kafka and HTTP)', () => {
  const schema = `privtest_sr_${randomBytes(4).toString('hex')}`;
  const clock = new TestClock();
  let keysDir: string;
  let mailDir: string;
  let tokenFile: string;
  let dataSource: DataSource;
  let app: NestFastifyApplication;
  let baseUrl: string;
  let producer: Producer;
  let signers: Record<'checkout' | 'payment' | 'fulfilment', EventSigner>;
  let keyClients: Record<'checkout' | 'payment' | 'fulfilment', KeyServiceClient>;
  let checkoutStandIn: Server;
  const staff: Record<'kim' | 'lee' | 'max', string> = { kim: '', lee: '', max: '' };

  const alice = {
    customerId: randomUUID(),
    email: `alice.${randomBytes(3).toString('hex')}@example.org`,
  };
  const bob = {
    customerId: randomUUID(),
    email: `bob.${randomBytes(3).toString('hex')}@example.org`,
  };
  const aliceOrders = [randomUUID(), randomUUID()];
  const bobOrder = randomUUID();

  async function publishAs(
    service: 'checkout' | 'payment' | 'fulfilment',
    topic: string,
    key: string,
    payload: unknown,
  ): Promise<void> {
    const signer = signers[service];
    const envelope: EventEnvelope = {
      id: randomUUID(),
      type: topic,
      occurredAt: new Date().toISOString(),
      producer: service,
      keyId: signer.keyId,
      key,
      payload,
    };
    const value = Buffer.from(JSON.stringify(envelope), 'utf8');
    await producer.send({
      topic,
      messages: [
        {
          key,
          value,
          headers: {
            [EVENT_HEADERS.signature]: signer
              .sign(signedBytesOf(topic, key, value))
              .toString('base64'),
          },
        },
      ],
    });
  }

  async function placeOrder(
    customer: typeof alice,
    orderId: string,
    placedAt: Date,
  ): Promise<void> {
    const contact = await keyClients.checkout.createKey({
      subject: `customer:${customer.customerId}`,
      purpose: 'customer-contact',
      allowedServices: ['checkout', 'privacy'],
    });
    const address = await keyClients.checkout.createKey({
      subject: `customer:${customer.customerId}`,
      purpose: 'delivery-address',
      allowedServices: ['checkout', 'fulfilment', 'privacy'],
    });
    const card = await keyClients.checkout.createKey({
      subject: `order:${orderId}`,
      purpose: 'card-token',
      allowedServices: ['payment'],
    });
    const subject = `customer:${customer.customerId}`;
    const order: OrderPlacedV1 = {
      orderId,
      storefrontId: 'test-store',
      customerId: customer.customerId,
      placedAt: placedAt.toISOString(),
      policyVersion: '2026-11-25',
      currency: 'GBP',
      totalMinor: 1999,
      items: [{ sku: 'LAMP-1', quantity: 1, unitPriceMinor: 1999 }],
      payment: {
        gateway: 'simulator',
        cardToken: seal('tok_test', card.key, {
          field: 'payment.cardToken',
          subject: `order:${orderId}`,
        }),
      },
      delivery: {
        address: seal('{"line1":"1 High Street"}', address.key, {
          field: 'delivery.address',
          subject,
        }),
      },
      customer: {
        name: seal('A Customer', contact.key, { field: 'customer.name', subject }),
        email: seal(customer.email, contact.key, { field: 'customer.email', subject }),
        phone: seal('07700900000', contact.key, { field: 'customer.phone', subject }),
      },
    };
    await publishAs('checkout', 'checkout.order.placed.v1', orderId, order);
  }

  function allMails(): MailFile[] {
    let names: string[];
    try {
      names = readdirSync(mailDir);
    } catch {
      return [];
    }
    return names
      .filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(readFileSync(join(mailDir, name), 'utf8')) as MailFile);
  }

  function mails(requestId: string): MailFile[] {
    let names: string[];
    try {
      names = readdirSync(mailDir);
    } catch {
      return [];
    }
    return names
      .filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(readFileSync(join(mailDir, name), 'utf8')) as MailFile)
      .filter((mail) => mail.requestId === requestId);
  }

  function codeOf(requestId: string): string {
    const [mail] = mails(requestId);
    const code = /Your code is (\d{6})\./.exec(mail?.text ?? '')?.[1];
    if (code === undefined) throw new Error(`no code mailed for ${requestId}`);
    return code;
  }

  const post = async (path: string, body: unknown) => {
    const response = await fetch(new URL(path, baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    // The code mail is sent in the background: wait until it is handed over (or was never due),
    // so both "a code was mailed" and "no code was mailed" are read after the fact.
    if (path === '/privacy/requests') await app.get(StartSubjectRequest).settled();
    return response;
  };

  async function startRequest(kind: 'access' | 'erasure', customerId: string, email: string) {
    const response = await post('/privacy/requests', { kind, customerId, email });
    expect(response.status).toBe(202);
    return (await response.json()) as { requestId: string; message: string; status: string };
  }

  async function verified(kind: 'access' | 'erasure', customer: typeof alice) {
    const { requestId } = await startRequest(kind, customer.customerId, customer.email);
    const response = await post(`/privacy/requests/${requestId}/verification`, {
      code: codeOf(requestId),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      requestId: string;
      link: string;
      dueOn: string;
      status: string;
    };
    // The link names the configured public URL; the test's app listens on a random port.
    return { ...body, link: new URL(new URL(body.link).pathname, baseUrl).toString() };
  }

  async function answerAccess(
    service: SubjectRightsResponder,
    requestId: string,
    customerId: string,
    document: Omit<
      SubjectAccessFragmentDocumentInput,
      'requestId' | 'service' | 'customerId' | 'schemaVersion' | 'generatedAt'
    >,
  ): Promise<void> {
    const full: SubjectAccessFragmentDocumentInput = {
      schemaVersion: 1,
      requestId,
      service,
      customerId,
      generatedAt: new Date().toISOString(),
      ...document,
    };
    const { key } = await keyClients[service].createKey({
      subject: subjectAccessFragmentSeal.keySubject(requestId, service),
      purpose: subjectAccessFragmentSeal.keyPurpose,
      allowedServices: [service, 'privacy'],
    });
    await publishAs(service, `${service}.access.fragment.v1`, requestId, {
      requestId,
      service,
      fragment: seal(JSON.stringify(full), key, subjectAccessFragmentSeal.context(requestId)),
      recordCount: subjectAccessRecordCount(full),
      answeredAt: new Date().toISOString(),
    });
  }

  const sectionOf = (category: string, orderId: string) => ({
    category: category as 'order-history',
    purposes: ['to fulfil your order'],
    legalBasis: 'contract',
    retentionCategory: 'order-personal-data',
    source: 'you, through the storefront at checkout',
    items: [
      {
        itemId: orderId,
        orderId,
        policyVersion: '2026-11-25',
        recordedAt: new Date().toISOString(),
        data: { note: `<b>${category}</b>` },
        recipients:
          category === 'shipments'
            ? [
                {
                  recipient: 'carrier',
                  fields: ['deliveryAddress'],
                  purpose: 'delivery',
                  at: new Date().toISOString(),
                },
              ]
            : [],
      },
    ],
  });

  const asStaff = (assertion: string, method: string, path: string, body?: unknown) =>
    fetch(new URL(path, baseUrl), {
      method,
      headers: {
        [STAFF_ASSERTION_HEADER]: assertion,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  async function signInAs(login: string, role: string): Promise<string> {
    const password = 'amber lamp under tuesday rain';
    await app.get(CreateStaffAccount).execute({ login, role, password });
    const response = await post('/staff/sessions', { login, password });
    if (response.status !== 201) throw new Error(`sign-in of ${login}: ${response.status}`);
    return ((await response.json()) as { assertion: string }).assertion;
  }

  /** Recorded, approved by two officers and exported: the disclosure has happened. */
  async function disclose(
    orderId: string,
    requestingBody: string,
    restriction?: { until: string; reason: string },
  ): Promise<string> {
    const created = await asStaff(staff.kim, 'POST', '/disclosures', {
      subject: `order:${orderId}`,
      requestingBody,
      legalBasis: 'Data Protection Act 2018, Schedule 2, paragraph 2 (crime and taxation)',
      scope: ['contact.email'],
      reference: `disclosure:${randomBytes(4).toString('hex')}`,
      ...(restriction === undefined ? {} : { restriction }),
    });
    expect(created.status).toBe(201);
    const { disclosureId } = (await created.json()) as { disclosureId: string };
    for (const officer of [staff.kim, staff.lee]) {
      expect(
        (await asStaff(officer, 'POST', `/disclosures/${disclosureId}/approvals`)).status,
      ).toBe(201);
    }
    expect((await asStaff(staff.lee, 'POST', `/disclosures/${disclosureId}/export`)).status).toBe(
      200,
    );
    return disclosureId;
  }

  beforeAll(async () => {
    keysDir = mkdtempSync(join(tmpdir(), 'lumen-privacy-rights-'));
    // Checkout's staff endpoint, as a disclosure export reads it (privacy-signed requests only).
    checkoutStandIn = createServer((request, response) => {
      const check = verifyServiceRequest(loadKeyRing(keysDir), {
        method: request.method ?? 'GET',
        path: request.url ?? '/',
        body: '',
        headers: request.headers,
      });
      const orderId = /^\/staff\/orders\/([0-9a-f-]{36})$/.exec(request.url ?? '')?.[1];
      if (!check.ok || check.service !== 'privacy' || orderId === undefined) {
        response.writeHead(check.ok ? 404 : 401).end();
        return;
      }
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ orderId, status: 'placed', contact: { email: alice.email } }));
    });
    await new Promise<void>((resolve) => checkoutStandIn.listen(0, '127.0.0.1', resolve));
    const standIn = checkoutStandIn.address();
    if (standIn === null || typeof standIn === 'string') throw new Error('no stand-in port');
    mailDir = join(keysDir, 'mail-outbox');
    tokenFile = join(keysDir, 'operator-token');
    ensureServiceKeys(keysDir, SERVICE_NAMES);
    signers = {
      checkout: loadEventSigner(keysDir, 'checkout'),
      payment: loadEventSigner(keysDir, 'payment'),
      fulfilment: loadEventSigner(keysDir, 'fulfilment'),
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
    app = await createPrivacyApp(
      loadPrivacyConfig({
        NODE_ENV: 'test',
        DATABASE_URL,
        DATABASE_SCHEMA: schema,
        KAFKA_BROKERS,
        LUMEN_KEYS_DIR: keysDir,
        LOG_LEVEL: 'silent',
        LUMEN_MASTER_KEY: randomBytes(32).toString('base64'),
        PRIVACY_CONSUMER_GROUP: `privacy-test-${schema}`,
        LUMEN_MAIL_OUTBOX_DIR: mailDir,
        PRIVACY_OPERATOR_TOKEN_FILE: tokenFile,
        SUBJECT_ACCESS_ANSWER_WINDOW_MS: '60000',
        REDIS_KEY_PREFIX: `lumen:test:${schema}:`,
        CHECKOUT_URL: `http://127.0.0.1:${standIn.port}`,
      }),
      false,
      { clock, runTimers: false },
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.getHttpServer().address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    baseUrl = `http://127.0.0.1:${address.port}`;
    keyClients = {
      checkout: new KeyServiceClient({ baseUrl, signer: signers.checkout }),
      payment: new KeyServiceClient({ baseUrl, signer: signers.payment }),
      fulfilment: new KeyServiceClient({ baseUrl, signer: signers.fulfilment }),
    };
    producer = new Kafka({
      clientId: 'privacy-rights-test',
      brokers: [KAFKA_BROKERS],
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    staff.kim = await signInAs(`kim.${schema}`, 'privacy-officer');
    staff.lee = await signInAs(`lee.${schema}`, 'privacy-officer');
    staff.max = await signInAs(`max.${schema}`, 'support');

    await placeOrder(alice, aliceOrders[0] ?? '', new Date(Date.now() - 60_000));
    await placeOrder(alice, aliceOrders[1] ?? '', new Date());
    await placeOrder(bob, bobOrder, new Date());
    await expectEventually(
      async () => {
        const rows: unknown[] = await dataSource.query(
          `SELECT 1 FROM customer_orders WHERE order_id = ANY($1::uuid[])`,
          [[...aliceOrders, bobOrder]],
        );
        return rows.length === 3 ? true : undefined;
      },
      'the directory holds the three orders',
      90_000,
    );
  }, 150_000);

  afterAll(async () => {
    await producer.disconnect();
    await app.close();
    await new Promise((resolve) => checkoutStandIn.close(resolve));
    await dataSource.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await dataSource.destroy();
    rmSync(keysDir, { recursive: true, force: true });
  });

  it('keeps the e-mail on file sealed at rest', async () => {
    const rows: { sealed_email: string }[] = await dataSource.query(
      `SELECT sealed_email FROM customer_directory WHERE customer_id = $1`,
      [alice.customerId],
    );
    expect(rows[0]?.sealed_email).toMatch(/^lumen:v1:/);
    expect(rows[0]?.sealed_email).not.toContain(alice.email);
  });

  it('answers the same way for a wrong e-mail or an unknown customer, and mails no code', async () => {
    const right = await startRequest('access', alice.customerId, alice.email);
    const wrongEmail = await startRequest('access', alice.customerId, 'someone.else@example.org');
    const unknown = await startRequest('access', randomUUID(), alice.email);
    expect(wrongEmail.message.replace(wrongEmail.requestId, 'X')).toBe(
      right.message.replace(right.requestId, 'X'),
    );
    expect(unknown.message.replace(unknown.requestId, 'X')).toBe(
      right.message.replace(right.requestId, 'X'),
    );
    expect(mails(right.requestId)).toHaveLength(1);
    expect(mails(right.requestId)[0]?.to).toBe(alice.email);
    expect(mails(wrongEmail.requestId)).toHaveLength(0);
    expect(mails(unknown.requestId)).toHaveLength(0);
    // One of the customer's order ids names them as well as the customer id does.
    const byOrder = await post('/privacy/requests', {
      kind: 'access',
      orderId: aliceOrders[1],
      email: alice.email.toUpperCase(),
    });
    expect(byOrder.status).toBe(202);
    expect(mails(((await byOrder.json()) as { requestId: string }).requestId)).toHaveLength(1);
    const both = await post('/privacy/requests', {
      kind: 'access',
      orderId: aliceOrders[1],
      customerId: alice.customerId,
      email: alice.email,
    });
    expect(both.status).toBe(400);
    expect(JSON.stringify(await both.json())).toContain('customerId');
    // A wrong-email request can never be verified: no code exists for it.
    const response = await post(`/privacy/requests/${wrongEmail.requestId}/verification`, {
      code: codeOf(right.requestId),
    });
    expect(response.status).toBe(401);
  });

  it('refuses a wrong code, locks after five attempts, and refuses an expired code', async () => {
    const { requestId } = await startRequest('access', bob.customerId, bob.email);
    const code = codeOf(requestId);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const response = await post(`/privacy/requests/${requestId}/verification`, { code: wrong });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { attemptsLeft: number }).attemptsLeft).toBe(5 - attempt);
    }
    const fifth = await post(`/privacy/requests/${requestId}/verification`, { code: wrong });
    expect(fifth.status).toBe(423);
    const rightButLocked = await post(`/privacy/requests/${requestId}/verification`, { code });
    expect(rightButLocked.status).toBe(423);

    const bad = await post(`/privacy/requests/${requestId}/verification`, { code: '12345' });
    expect(bad.status).toBe(400);

    const later = await startRequest('erasure', bob.customerId, bob.email);
    clock.advance(10 * 60_000 + 1_000);
    const expired = await post(`/privacy/requests/${later.requestId}/verification`, {
      code: codeOf(later.requestId),
    });
    expect(expired.status).toBe(410);
    const rows: { status: string }[] = await dataSource.query(
      `SELECT status FROM subject_requests WHERE request_id = $1`,
      [later.requestId],
    );
    expect(rows[0]?.status).toBe('awaiting-identity');
  });

  it('assembles one package from every answer, served as JSON and HTML through an expiring link', async () => {
    const request = await verified('access', alice);
    expect(request.status).toBe('gathering');
    await disclose(aliceOrders[0] ?? '', 'Metropolitan Police Service');
    await disclose(aliceOrders[1] ?? '', 'National Crime Agency', {
      until: '2099-01-01',
      reason: 'telling the subject would prejudice an investigation',
    });
    // A support agent's read of Alice's order, as checkout reports it to the audit log.
    await new HttpPersonalDataAuditLog({ baseUrl, signer: signers.checkout }).record({
      principalKind: 'staff',
      principalId: 'staff-principal-7f3a',
      role: 'support',
      subject: `order:${aliceOrders[1] ?? ''}`,
      fields: ['contact.phone'],
      purpose: 'customer-support',
      reference: 'ticket:T-4471',
      outcome: 'granted',
      reason: null,
    });
    const pending = await fetch(request.link);
    expect(pending.status).toBe(202);

    for (const [service, categories] of [
      ['checkout', ['identity-contact', 'order-history', 'events-history']],
      ['payment', ['payment-records']],
      ['fulfilment', ['shipments', 'delivery-address']],
    ] as const) {
      await answerAccess(service, request.requestId, alice.customerId, {
        sections: categories.map((category) => sectionOf(category, aliceOrders[0] ?? '')),
        staffAccess:
          service === 'checkout'
            ? [
                {
                  at: new Date().toISOString(),
                  role: 'support',
                  purpose: 'delivery query',
                  what: 'order contact details',
                },
              ]
            : [],
      });
    }
    const pkg = await expectEventually(async () => {
      const response = await fetch(request.link);
      return response.status === 200 ? ((await response.json()) as AccessPackage) : undefined;
    }, 'the package');
    expect(pkg.answers.map((a) => a.service)).toEqual(['checkout', 'fulfilment', 'payment']);
    const categories = new Set(pkg.sections.map((s) => s.category));
    for (const category of [
      'identity-contact',
      'delivery-address',
      'order-history',
      'payment-records',
      'shipments',
      'events-history',
      'subject-rights-requests',
    ]) {
      expect(categories).toContain(category);
    }
    const own = pkg.sections.find(
      (s) => s.heldBy === 'privacy' && s.category === 'identity-contact',
    );
    expect(own?.items[0]?.data).toEqual({ email: alice.email });
    expect(pkg.sections.every((s) => 'trigger' in s.retention)).toBe(true);
    // In time order: the disclosure was exported before the carrier's fragment was answered.
    expect(pkg.recipients).toEqual([
      expect.objectContaining({
        recipient: 'Metropolitan Police Service',
        fields: ['contact.email'],
        heldBy: 'privacy',
        orderId: aliceOrders[0],
      }),
      expect.objectContaining({
        recipient: 'carrier',
        fields: ['deliveryAddress'],
        heldBy: 'fulfilment',
      }),
    ]);
    // The restricted disclosure is held back until its review date, everywhere in the package.
    expect(pkg.disclosures).toEqual([
      {
        disclosedAt: expect.any(String) as string,
        requestingBody: 'Metropolitan Police Service',
        legalBasis: 'Data Protection Act 2018, Schedule 2, paragraph 2 (crime and taxation)',
        scope: ['contact.email'],
        subject: `order:${aliceOrders[0] ?? ''}`,
        orderId: aliceOrders[0],
      },
    ]);
    expect(JSON.stringify(pkg)).not.toContain('National Crime Agency');
    expect(pkg.policyVersions.map((p) => p.orderId).sort()).toEqual([...aliceOrders].sort());
    expect(pkg.staffAccess).toHaveLength(2);
    expect(pkg.staffAccess).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ role: 'support', purpose: 'delivery query' }),
        // From privacy's audit log; the disclosure exports' own reads are not listed as such.
        {
          at: expect.any(String) as string,
          role: 'support',
          purpose: 'customer-support',
          what: 'contact.phone',
          heldBy: 'checkout',
        },
      ]),
    );
    expect(JSON.stringify(pkg)).not.toContain('staff-principal-7f3a');
    expect(JSON.stringify(pkg)).not.toContain('Alice'); // staff names never appear: none were sent

    const html = await fetch(`${request.link}?format=html`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
    const page = await html.text();
    expect(page).toContain(alice.email);
    expect(page).toContain('Metropolitan Police Service');
    expect(page).not.toContain('National Crime Agency');
    expect(page).toContain('&lt;b&gt;shipments&lt;/b&gt;');
    expect(page).not.toContain('<b>shipments</b>');

    // Sealed at rest; the fragments went into the package and are gone.
    const stored: { sealed_json: string }[] = await dataSource.query(
      `SELECT sealed_json FROM access_packages WHERE request_id = $1`,
      [request.requestId],
    );
    expect(stored[0]?.sealed_json).toMatch(/^lumen:v1:/);
    const fragments: unknown[] = await dataSource.query(
      `SELECT 1 FROM access_fragments WHERE request_id = $1`,
      [request.requestId],
    );
    expect(fragments).toHaveLength(0);

    expect((await fetch(`${baseUrl}/privacy/links/${'A'.repeat(43)}`)).status).toBe(404);
    clock.advance(31 * 24 * 3_600_000);
    expect((await fetch(request.link)).status).toBe(410);
    clock.advance(-31 * 24 * 3_600_000);
  });

  it('chases services that have not answered, then flags them', async () => {
    const request = await verified('access', bob);
    await answerAccess('checkout', request.requestId, bob.customerId, { sections: [] });
    await answerAccess('payment', request.requestId, bob.customerId, { sections: [] });
    await expectEventually(async () => {
      const rows: unknown[] = await dataSource.query(
        `SELECT 1 FROM access_fragments WHERE request_id = $1`,
        [request.requestId],
      );
      return rows.length === 2 ? true : undefined;
    }, 'two answers recorded');
    const scheduler = app.get(SubjectRightsScheduler);
    for (let chase = 1; chase <= 4; chase += 1) {
      clock.advance(61_000);
      await scheduler.tick();
    }
    const rows: {
      chase_count: number;
      missing_services: string[];
      answer_by: Date | null;
      status: string;
    }[] = await dataSource.query(
      `SELECT chase_count, missing_services, answer_by, status FROM subject_requests WHERE request_id = $1`,
      [request.requestId],
    );
    expect(rows[0]).toEqual({
      chase_count: 3,
      missing_services: ['fulfilment'],
      answer_by: null,
      status: 'gathering',
    });

    const unauthorised = await fetch(`${baseUrl}/privacy/internal/requests.csv`);
    expect(unauthorised.status).toBe(401);
    const csv = await fetch(`${baseUrl}/privacy/internal/requests.csv`, {
      headers: { authorization: `Bearer ${readFileSync(tokenFile, 'utf8').trim()}` },
    });
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe(
      'request_id,kind,received_at,status,identity_verified_at,due_on,completed_at,on_time,missing_services',
    );
    expect(text).toContain(`"${request.requestId}","access"`);
    expect(text).toContain('"fulfilment"');
    expect(text).not.toContain(bob.customerId);

    // A signed-in privacy officer gets the same register; other roles are refused.
    const asOfficer = await asStaff(staff.kim, 'GET', '/privacy/internal/requests.csv');
    expect(asOfficer.status).toBe(200);
    expect(await asOfficer.text()).toContain(`"${request.requestId}","access"`);
    expect((await asStaff(staff.max, 'GET', '/privacy/internal/requests.csv')).status).toBe(403);
    expect(
      (await asStaff('not-an-assertion', 'GET', '/privacy/internal/requests.csv')).status,
    ).toBe(401);
  });

  it('erases a customer: keys destroyed, own rows gone, services told, signed receipt; others untouched', async () => {
    // Three codes went to Alice this hour: a fourth request mails nothing, whoever sends it.
    const throttled = await startRequest('access', alice.customerId, alice.email);
    expect(mails(throttled.requestId)).toHaveLength(0);
    clock.advance(3_600_000);
    const request = await verified('erasure', alice);
    expect(request.status).toBe('erasing');
    const keys: { subject: string; destroyed_at: Date | null }[] = await dataSource.query(
      `SELECT subject, destroyed_at FROM data_keys WHERE subject = $1 OR subject = ANY($2::text[]) OR starts_with(subject, 'request:')`,
      [`customer:${alice.customerId}`, aliceOrders.map((id) => `order:${id}`)],
    );
    const aliceKeys = keys.filter(
      (k) => k.subject === `customer:${alice.customerId}` || k.subject.startsWith('order:'),
    );
    expect(aliceKeys.length).toBeGreaterThanOrEqual(4); // contact, address, two card tokens
    expect(aliceKeys.every((k) => k.destroyed_at !== null)).toBe(true);
    const bobKeys: { destroyed_at: Date | null }[] = await dataSource.query(
      `SELECT destroyed_at FROM data_keys WHERE subject = $1`,
      [`customer:${bob.customerId}`],
    );
    expect(bobKeys.length).toBeGreaterThan(0);
    expect(bobKeys.every((k) => k.destroyed_at === null)).toBe(true);

    expect(
      await dataSource.query(`SELECT 1 FROM customer_directory WHERE customer_id = $1`, [
        alice.customerId,
      ]),
    ).toHaveLength(0);
    expect(
      await dataSource.query(`SELECT 1 FROM customer_orders WHERE customer_id = $1`, [
        alice.customerId,
      ]),
    ).toHaveLength(0);
    expect(
      await dataSource.query(
        `SELECT 1 FROM access_packages p JOIN subject_requests r USING (request_id) WHERE r.customer_id = $1`,
        [alice.customerId],
      ),
    ).toHaveLength(0);
    expect(
      await dataSource.query(`SELECT 1 FROM customer_directory WHERE customer_id = $1`, [
        bob.customerId,
      ]),
    ).toHaveLength(1);
    const published: unknown[] = await dataSource.query(
      `SELECT 1 FROM outbox WHERE topic = 'privacy.subject.erased.v1' AND message_key = $1`,
      [alice.customerId],
    );
    expect(published).toHaveLength(1);

    for (const service of ['checkout', 'payment', 'fulfilment'] as const) {
      await publishAs(service, `${service}.erasure.completed.v1`, request.requestId, {
        requestId: request.requestId,
        service,
        stores: [{ store: `${service}.orders`, action: 'masked', count: 2 }],
        completedAt: new Date().toISOString(),
      });
    }
    const body = await expectEventually(async () => {
      const response = await fetch(request.link);
      return response.status === 200
        ? ((await response.json()) as {
            receipt: ErasureReceipt;
            document: string;
            signature: string;
          })
        : undefined;
    }, 'the erasure receipt');
    const destroyedSubjects = body.receipt.keysDestroyed.map((k) => k.subject);
    expect(destroyedSubjects).toEqual(
      expect.arrayContaining([
        `customer:${alice.customerId}`,
        ...aliceOrders.map((id) => `order:${id}`),
      ]),
    );
    // The keys of Alice's earlier access answers and package went too.
    expect(destroyedSubjects.filter((s) => s.startsWith('request:')).length).toBeGreaterThanOrEqual(
      4,
    );
    expect(body.receipt.stores.map((s) => `${s.service}:${s.store}`)).toEqual(
      expect.arrayContaining([
        'checkout:checkout.orders',
        'payment:payment.orders',
        'fulfilment:fulfilment.orders',
        'privacy:privacy.customer_directory',
      ]),
    );
    const signingKey = (await (await fetch(`${baseUrl}/privacy/receipt-signing-key`)).json()) as {
      publicKeyPem: string;
    };
    const signed = Buffer.from(`lumen:erasure-receipt:v1\n${body.document}`, 'utf8');
    expect(
      verify(
        null,
        signed,
        createPublicKey(signingKey.publicKeyPem),
        Buffer.from(body.signature, 'base64'),
      ),
    ).toBe(true);
    const tampered = Buffer.from(
      `lumen:erasure-receipt:v1\n${body.document.replace('masked', 'deleted')}`,
      'utf8',
    );
    expect(
      verify(
        null,
        tampered,
        createPublicKey(signingKey.publicKeyPem),
        Buffer.from(body.signature, 'base64'),
      ),
    ).toBe(false);

    // The copies of the mail sent to Alice went with her.
    expect(allMails().filter((mail) => mail.to === alice.email)).toEqual([]);
    expect(allMails().some((mail) => mail.to === bob.email)).toBe(true);
    // A new request for the erased customer finds nobody: no code is sent.
    const after = await startRequest('access', alice.customerId, alice.email);
    expect(mails(after.requestId)).toHaveLength(0);
  });

  it('retention on a fake clock: expired packages deleted, code hashes cleared, register kept', async () => {
    const request = await verified('access', bob);
    for (const service of ['checkout', 'payment', 'fulfilment'] as const) {
      await answerAccess(service, request.requestId, bob.customerId, { sections: [] });
    }
    await expectEventually(
      async () => ((await fetch(request.link)).status === 200 ? true : undefined),
      'bob package',
    );
    const scheduler = app.get(SubjectRightsScheduler);
    const countPackages = async () => {
      const rows: unknown[] = await dataSource.query(
        `SELECT 1 FROM access_packages WHERE request_id = $1`,
        [request.requestId],
      );
      return rows.length;
    };

    const early = await scheduler.retention.runOnce(
      new Date(clock.now().getTime() + 24 * 3_600_000),
    );
    expect(early.results.every((r) => r.outcome === 'applied')).toBe(true);
    expect(await countPackages()).toBe(1);

    const late = await scheduler.retention.runOnce(
      new Date(clock.now().getTime() + 32 * 24 * 3_600_000),
    );
    expect(
      late.results.find((r) => r.category === 'access-packages')?.count,
    ).toBeGreaterThanOrEqual(1);
    expect(await countPackages()).toBe(0);
    const codes: unknown[] = await dataSource.query(
      `SELECT 1 FROM subject_requests WHERE code_hash IS NOT NULL`,
    );
    expect(codes).toHaveLength(0);
    const register: unknown[] = await dataSource.query(
      `SELECT 1 FROM subject_requests WHERE request_id = $1`,
      [request.requestId],
    );
    expect(register).toHaveLength(1);
    expect((await fetch(request.link)).status).toBe(410);
  });
});
