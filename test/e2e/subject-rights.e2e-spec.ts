import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { findRoot, startPipeline, type Pipeline } from '../../scripts/pipeline/start-pipeline';
import { StorefrontClient } from '../../scripts/pipeline/storefront-client';
import { readKafka, readPostgres, readRedis } from '../../scripts/sweep/sweep-sources';

/**
 * The rights of access and erasure across every service, over HTTP as a customer exercises
 * them, against the whole pipeline started as `npm start` starts it. The code is read from the
 * privacy service's mail outbox folder, as the customer would read their mail.
 */
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lumen';
const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SERVICE_SCHEMAS = ['checkout', 'payment', 'fulfilment', 'privacy'];

/** Letters only: digits in a row could read as a phone or card number to the screens. */
function letters(length: number): string {
  return [...randomBytes(length)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('');
}

interface Customer {
  readonly name: string;
  readonly email: string;
  readonly street: string;
  readonly city: string;
}

function newCustomer(first: string): Customer {
  const tag = letters(10);
  return {
    name: `${first} Zq${tag}`,
    email: `${first.toLowerCase()}.${tag}@example.com`,
    street: `${tag} Square`,
    city: `Town${letters(6)}`,
  };
}

interface AccessPackage {
  customerId: string;
  sections: {
    category: string;
    heldBy: string;
    purposes: string[];
    legalBasis: string;
    retention: { category: string; period: unknown; trigger?: string };
    source: string;
    items: { itemId: string; orderId?: string; data: unknown; recipients: unknown[] }[];
  }[];
  recipients: {
    recipient: string;
    fields: string[];
    heldBy: string;
    orderId?: string;
    at: string;
  }[];
  policyVersions: { orderId: string; policyVersion: string }[];
  answers: { service: string; recordCount: number }[];
}

describe('subject rights end to end', () => {
  const root = findRoot();
  const mailDir = mkdtempSync(join(tmpdir(), 'lumen-e2e-mail-'));
  let pipeline: Pipeline;
  let storefront: StorefrontClient;
  let privacy: string;
  let policyVersion: string;
  const ada = newCustomer('Ada');
  const bob = newCustomer('Bob');
  const adaOrders: string[] = [];
  let bobOrder = '';

  function order(customer: Customer, cardToken: string): Record<string, unknown> {
    return {
      customer: { name: customer.name, email: customer.email, phone: '+44 7700 900123' },
      deliveryAddress: {
        recipientName: customer.name,
        lines: [customer.street],
        city: customer.city,
        postcode: 'SW1Y 4JH',
        country: 'GB',
      },
      items: [{ sku: 'LAMP-DESK-BRASS', quantity: 1, unitPriceMinor: 4_999, currency: 'GBP' }],
      payment: { gateway: 'simulator', cardToken },
      privacyPolicyVersion: policyVersion,
    };
  }

  async function placeDelivered(customer: Customer): Promise<string> {
    const posted = await storefront.placeOrder(
      order(customer, await storefront.cardToken('approved')),
    );
    expect(posted.status).toBe(202);
    const orderId = posted.orderId ?? '';
    const done = await storefront.waitForStatus(orderId, ['delivered'], 120_000);
    expect(done.status).toBe('delivered');
    return orderId;
  }

  function codeMailedFor(requestId: string): string | undefined {
    for (const name of readdirSync(mailDir).filter((n) => n.endsWith('.json'))) {
      const mail = JSON.parse(readFileSync(join(mailDir, name), 'utf8')) as {
        requestId: string;
        text: string;
      };
      if (mail.requestId === requestId) return /Your code is (\d{6})\./.exec(mail.text)?.[1];
    }
    return undefined;
  }

  /** Privacy sends the code mail in the background: it may land just after the 202. */
  async function codeMailedEventually(requestId: string): Promise<string | undefined> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const code = codeMailedFor(requestId);
      if (code !== undefined || Date.now() > deadline) return code;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function post(path: string, body: unknown): Promise<Response> {
    return fetch(`${privacy}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  /** Asks, reads the code from the mail, proves identity; returns the customer's link. */
  async function verifiedRequest(
    kind: 'access' | 'erasure',
    orderId: string,
    email: string,
  ): Promise<{ requestId: string; link: string }> {
    const started = await post('/privacy/requests', { kind, orderId, email });
    expect(started.status).toBe(202);
    const { requestId } = (await started.json()) as { requestId: string };
    const code = await codeMailedEventually(requestId);
    expect(code).toMatch(/^\d{6}$/);
    const verified = await post(`/privacy/requests/${requestId}/verification`, { code });
    expect(verified.status).toBe(200);
    const { link } = (await verified.json()) as { link: string };
    return { requestId, link };
  }

  async function waitForLink(link: string, timeoutMs = 180_000): Promise<Response> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await fetch(link);
      if (response.status !== 202) return response;
      if (Date.now() > deadline) throw new Error(`still pending after ${timeoutMs} ms: ${link}`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }

  beforeAll(async () => {
    pipeline = await startPipeline({
      LUMEN_MAIL_OUTBOX_DIR: mailDir,
      SUBJECT_RIGHTS_TICK_MS: '2000',
    });
    privacy = pipeline.urls.privacy ?? '';
    storefront = new StorefrontClient(
      pipeline.urls.checkout ?? '',
      pipeline.urls['gateway-simulator'] ?? '',
      StorefrontClient.devKey(root),
    );
    policyVersion = await storefront.policyVersion();
    const carrier = pipeline.urls['carrier-simulator'] ?? '';
    const switches = await fetch(`${carrier}/_test/switches`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/json',
        ...StorefrontClient.carrierControlHeaders(root),
      },
      body: JSON.stringify({ dispatchDelayMs: 200, deliveryDelayMs: 200 }),
    });
    expect(switches.status).toBe(200);
    for (let i = 0; i < 3; i += 1) adaOrders.push(await placeDelivered(ada));
    bobOrder = await placeDelivered(bob);
  });
  afterAll(async () => {
    await pipeline.stop();
    rmSync(mailDir, { recursive: true, force: true });
  });

  it('refuses a wrong code with the attempts left, and locks after five', async () => {
    const started = await post('/privacy/requests', {
      kind: 'access',
      orderId: bobOrder,
      email: bob.email,
    });
    const { requestId } = (await started.json()) as { requestId: string };
    const code = (await codeMailedEventually(requestId)) ?? '';
    const wrong = code === '000000' ? '111111' : '000000';
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      statuses.push(
        (await post(`/privacy/requests/${requestId}/verification`, { code: wrong })).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
    expect((await post(`/privacy/requests/${requestId}/verification`, { code })).status).toBe(423);
  });

  it('gives a customer with several orders one package whose every section is filled, from every service', async () => {
    const { link } = await verifiedRequest('access', adaOrders[0] ?? '', ada.email);
    const response = await waitForLink(link);
    expect(response.status).toBe(200);
    const pkg = (await response.json()) as AccessPackage;

    expect(pkg.answers.map((a) => a.service).sort()).toEqual(['checkout', 'fulfilment', 'payment']);
    for (const section of pkg.sections) {
      expect(section.items.length).toBeGreaterThan(0);
      expect(section.purposes.length).toBeGreaterThan(0);
      expect(section.legalBasis).toBeTruthy();
      expect(section.source).toBeTruthy();
      // Every retention category the services cite is a rule of the schedule.
      expect(section.retention.trigger).toBeTruthy();
    }
    const held = (category: string, service: string) =>
      pkg.sections.filter((s) => s.category === category && s.heldBy === service);
    const text = (category: string, service: string) => JSON.stringify(held(category, service));

    expect(text('identity-contact', 'checkout')).toContain(ada.email);
    expect(text('identity-contact', 'checkout')).toContain(ada.name);
    expect(text('identity-contact', 'privacy')).toContain(ada.email);
    expect(text('delivery-address', 'checkout')).toContain(ada.street);
    // Fulfilment drops its copy of the address once the carrier has it; while held, it is shown.
    for (const section of held('delivery-address', 'fulfilment')) {
      expect(JSON.stringify(section)).toContain(ada.street);
    }
    for (const orderId of adaOrders) {
      expect(text('order-history', 'checkout')).toContain(orderId);
      expect(text('payment-records', 'payment')).toContain(orderId);
      expect(text('shipments', 'fulfilment')).toContain(orderId);
    }
    for (const service of ['checkout', 'payment', 'fulfilment']) {
      expect(held('events-history', service).flatMap((s) => s.items).length).toBeGreaterThan(0);
    }
    expect(JSON.stringify(pkg)).not.toContain(bob.email);
    expect(JSON.stringify(pkg)).not.toContain(bobOrder);

    // Who got what: the carrier the address, the gateway the card token, once per order.
    for (const orderId of adaOrders) {
      const forOrder = pkg.recipients.filter((r) => r.orderId === orderId);
      expect(forOrder).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ recipient: 'carrier', heldBy: 'fulfilment' }),
          expect.objectContaining({ recipient: 'payment gateway', heldBy: 'payment' }),
        ]),
      );
    }
    expect(
      pkg.recipients
        .filter((r) => r.recipient === 'carrier')
        .every((r) => r.fields.every((f) => f.startsWith('deliveryAddress'))),
    ).toBe(true);
    expect(
      pkg.recipients
        .filter((r) => r.recipient === 'payment gateway')
        .every((r) => r.fields.includes('cardToken')),
    ).toBe(true);
    expect(pkg.policyVersions.map((p) => p.orderId).sort()).toEqual([...adaOrders].sort());
    expect(pkg.policyVersions.every((p) => p.policyVersion === policyVersion)).toBe(true);

    const page = await fetch(`${link}?format=html`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Who received your data');
    expect(html).toContain(ada.street);
  });

  it('erases a customer: nothing of theirs is readable in any topic, table or Redis; another customer is untouched', async () => {
    const { link } = await verifiedRequest('erasure', adaOrders[1] ?? '', ada.email);
    const response = await waitForLink(link);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      receipt: {
        customerId: string;
        keysDestroyed: { keyId: string; subject: string }[];
        stores: { service: string; store: string; action: string }[];
      };
      document: string;
      signature: string;
    };
    const signingKey = (await (await fetch(`${privacy}/privacy/receipt-signing-key`)).json()) as {
      publicKeyPem: string;
    };
    expect(
      verify(
        null,
        Buffer.from(`lumen:erasure-receipt:v1\n${body.document}`, 'utf8'),
        createPublicKey(signingKey.publicKeyPem),
        Buffer.from(body.signature, 'base64'),
      ),
    ).toBe(true);
    const adaId = body.receipt.customerId;
    expect(body.receipt.keysDestroyed.map((k) => k.subject)).toEqual(
      expect.arrayContaining([`customer:${adaId}`, ...adaOrders.map((id) => `order:${id}`)]),
    );
    expect(new Set(body.receipt.stores.map((s) => s.service))).toEqual(
      new Set(['checkout', 'payment', 'fulfilment', 'privacy']),
    );

    // The full scan: no plaintext value of Ada's anywhere...
    const texts = [
      ...(await readPostgres(DATABASE_URL, SERVICE_SCHEMAS)),
      ...(await readKafka(KAFKA_BROKERS)),
      ...(await readRedis(REDIS_URL)),
    ];
    const adaValues = [
      ada.name,
      ada.email,
      ada.street,
      ada.city,
      `Zq${ada.name.split('Zq')[1] ?? ''}`,
    ];
    const found = texts.filter((t) => adaValues.some((value) => t.text.includes(value)));
    expect(found.map((t) => t.location)).toEqual([]);
    expect(adaValues.filter((value) => pipeline.output().includes(value))).toEqual([]);

    // ...and every sealed value anywhere that is under one of Ada's keys is under a destroyed key.
    const db = new Client({ connectionString: DATABASE_URL });
    await db.connect();
    try {
      const keys = await db.query<{ key_id: string; subject: string; destroyed: boolean }>(
        `SELECT key_id, subject, destroyed_at IS NOT NULL AS destroyed FROM privacy.data_keys`,
      );
      const byId = new Map(keys.rows.map((k) => [k.key_id, k]));
      const adaSubjects = new Set([`customer:${adaId}`, ...adaOrders.map((id) => `order:${id}`)]);
      const sealedKeyIds = new Set(
        texts.flatMap((t) =>
          [...t.text.matchAll(/lumen:v1:([A-Za-z0-9_-]{1,64}):/g)].map((m) => m[1] ?? ''),
        ),
      );
      const adaLive = [...sealedKeyIds].filter((id) => {
        const key = byId.get(id);
        return key !== undefined && adaSubjects.has(key.subject) && !key.destroyed;
      });
      expect(adaLive).toEqual([]);
      const adaSealed = [...sealedKeyIds].filter((id) =>
        adaSubjects.has(byId.get(id)?.subject ?? ''),
      );
      expect(adaSealed.length).toBeGreaterThan(0); // the scan did see her (now unreadable) values

      const bobKeys = await db.query<{ destroyed: boolean }>(
        `SELECT destroyed_at IS NOT NULL AS destroyed FROM privacy.data_keys d
          JOIN privacy.customer_orders o ON d.subject = 'customer:' || o.customer_id
         WHERE o.order_id = $1`,
        [bobOrder],
      );
      expect(bobKeys.rows.length).toBeGreaterThan(0);
      expect(bobKeys.rows.every((k) => !k.destroyed)).toBe(true);
    } finally {
      await db.end();
    }

    // Bob's order is untouched and his own package still holds his data.
    expect((await storefront.order(bobOrder))?.status).toBe('delivered');
    const bobLink = await verifiedRequest('access', bobOrder, bob.email);
    const bobPackage = await waitForLink(bobLink.link);
    expect(bobPackage.status).toBe(200);
    const bobText = await bobPackage.text();
    expect(bobText).toContain(bob.email);
    expect(bobText).toContain(bob.street);
    expect(bobText).toContain(bobOrder);

    // Ada is unknown now: a new request mails no code.
    const again = await post('/privacy/requests', {
      kind: 'access',
      orderId: adaOrders[2],
      email: ada.email,
    });
    expect(again.status).toBe(202);
    expect(
      codeMailedFor(((await again.json()) as { requestId: string }).requestId),
    ).toBeUndefined();
  });

  it('exports the register of requests as CSV to an operator', async () => {
    expect((await fetch(`${privacy}/privacy/internal/requests.csv`)).status).toBe(401);
    const token = readFileSync(join(root, '.lumen', 'privacy-operator-token'), 'utf8').trim();
    const csv = await fetch(`${privacy}/privacy/internal/requests.csv`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text).toMatch(
      /^request_id,kind,received_at,status,identity_verified_at,due_on,completed_at/,
    );
    expect(text).toContain('"erasure","');
    expect(text).not.toContain(ada.email);
  });
});
