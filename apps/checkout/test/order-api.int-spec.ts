import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LUMEN_TOPICS, orderPlacedV1Schema } from '#lumen/contracts';
import { KeyServiceClient, KeyServiceError, keyIdOfSealed, loadKeyRing } from '#lumen/crypto';
import { checkMessage } from '#lumen/messaging';
import { TransitionOrder } from '../src/orders/application/transition-order.use-case';
import { CheckoutException } from '../src/orders/domain/checkout.exception';
import { eventSealContexts, storedSealContext } from '../src/orders/domain/seal-contexts';
import {
  expectEventually,
  randomLetters,
  readEvent,
  startHarness,
  type Harness,
} from './checkout-harness';

/**
 * The storefront order API against the real services: checkout and the key service on Fastify,
 * PostgreSQL with the real migrations, the outbox relay on the real Kafka broker.
 */
describe('checkout order API (real PostgreSQL, Kafka and key service)', () => {
  let h: Harness;
  const seen = { personal: new Set<string>(), cards: new Set<string>() };

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  /** A valid order with values unique to this call, so searches for them mean something. */
  function order(overrides: Record<string, unknown> = {}) {
    const tag = randomLetters(8);
    const body = {
      customer: {
        name: `Ada Lovelace ${tag}`,
        email: `ada.${tag}@example.com`,
        phone: `+44 20 7946 ${String(1000 + (tag.charCodeAt(0) % 9000)).padStart(4, '0')}`,
      },
      deliveryAddress: {
        recipientName: `Ada L ${tag}`,
        lines: [`${tag} House`, '12 St James Square'],
        city: 'London',
        region: 'Greater London',
        postcode: 'SW1Y 4JH',
        country: 'GB',
      },
      items: [
        { sku: 'LAMP-ARC-01', quantity: 2, unitPriceMinor: 12_999, currency: 'GBP' },
        { sku: 'BULB-E27', quantity: 3, unitPriceMinor: 450, currency: 'GBP' },
      ],
      payment: { gateway: 'simulator', cardToken: `tok_${tag}_single_use` },
      privacyPolicyVersion: '2026-11-25',
      ...overrides,
    };
    seen.personal.add(body.customer.name);
    seen.personal.add(body.customer.email);
    seen.personal.add(body.deliveryAddress.recipientName);
    seen.personal.add(body.payment.cardToken);
    return body;
  }

  type Call = { status: number; headers: Headers; body: Record<string, unknown>; text: string };
  async function call(
    method: string,
    path: string,
    options: {
      key?: string | null;
      body?: unknown;
      raw?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Call> {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? h.apiKeys.a : options.key;
    if (key !== null) headers['authorization'] = `Bearer ${key}`;
    const payload =
      options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(new URL(path, h.checkoutUrl), { method, headers, body: payload });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON: left empty, `text` has it
    }
    return { status: response.status, headers: response.headers, body, text };
  }

  const placeOrder = (body: unknown, options: { key?: string; idempotencyKey?: string } = {}) =>
    call('POST', '/orders', {
      key: options.key,
      body,
      headers:
        options.idempotencyKey === undefined ? {} : { 'idempotency-key': options.idempotencyKey },
    });

  async function counts(): Promise<Record<string, number>> {
    const row: Record<string, string>[] = await h.checkoutDb.query(`
      SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM order_items) AS items,
             (SELECT count(*) FROM outbox) AS outbox, (SELECT count(*) FROM customers) AS customers,
             (SELECT count(*) FROM idempotency_keys) AS idempotency`);
    const keys: { n: string }[] = await h.privacyDb.query(`SELECT count(*) AS n FROM data_keys`);
    return {
      ...Object.fromEntries(Object.entries(row[0]!).map(([name, n]) => [name, Number(n)])),
      dataKeys: Number(keys[0]!.n),
    };
  }

  /** Every text value in checkout's tables (the outbox's event bytes included), as one string. */
  async function everythingStored(): Promise<string> {
    const tables = [
      'orders',
      'order_items',
      'order_status_history',
      'customers',
      'idempotency_keys',
      'storefronts',
    ];
    const dumps = await Promise.all(
      tables.map((table) => h.checkoutDb.query<unknown[]>(`SELECT t::text AS row FROM ${table} t`)),
    );
    const outbox: { value: Buffer }[] = await h.checkoutDb.query(`SELECT value FROM outbox`);
    return [
      ...dumps.flat().map((row) => JSON.stringify(row)),
      ...outbox.map((r) => r.value.toString('utf8')),
    ].join('\n');
  }

  interface StoredOrder {
    order_id: string;
    customer_id: string;
    status: string;
    currency: string;
    total_minor: string;
    policy_version: string;
    customer_name: string;
    customer_email: string;
    customer_phone: string;
    delivery_address: string;
  }
  async function storedOrder(orderId: string): Promise<StoredOrder> {
    const rows: StoredOrder[] = await h.checkoutDb.query(
      `SELECT * FROM orders WHERE order_id = $1`,
      [orderId],
    );
    if (rows[0] === undefined) throw new Error(`no order ${orderId}`);
    return rows[0];
  }

  async function placedEventPayload(orderId: string) {
    const rows: { value: Buffer }[] = await h.checkoutDb.query(
      `SELECT value FROM outbox WHERE topic = 'checkout.order.placed.v1' AND message_key = $1`,
      [orderId],
    );
    expect(rows).toHaveLength(1);
    const envelope = JSON.parse(rows[0]!.value.toString('utf8')) as { payload: unknown };
    return orderPlacedV1Schema.parse(envelope.payload);
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

  describe('placing an order', () => {
    it('answers 202 with the order id and a status link, and stores only sealed personal data', async () => {
      const body = order();
      const before = await counts();
      const response = await placeOrder(body);
      expect(response.status).toBe(202);
      const orderId = response.body['orderId'] as string;
      expect(response.body).toEqual({ orderId, status: 'placed', statusUrl: `/orders/${orderId}` });
      expect(response.headers.get('location')).toBe(`/orders/${orderId}`);

      const stored = await storedOrder(orderId);
      expect(stored).toMatchObject({
        status: 'placed',
        currency: 'GBP',
        total_minor: String(2 * 12_999 + 3 * 450),
        policy_version: '2026-11-25',
      });
      const after = await counts();
      expect(after).toEqual({
        ...before,
        orders: before['orders']! + 1,
        items: before['items']! + 2,
        outbox: before['outbox']! + 1,
        customers: before['customers']! + 1,
        // customer-contact and delivery-address for the new customer, card-token for the order
        dataKeys: before['dataKeys']! + 3,
      });

      // Nothing personal in plaintext anywhere in checkout's schema, the outbox included.
      const everything = await everythingStored();
      for (const value of [
        body.customer.name,
        body.customer.email,
        body.customer.phone,
        body.deliveryAddress.recipientName,
        body.deliveryAddress.lines[0]!,
        body.payment.cardToken,
      ]) {
        expect(everything).not.toContain(value);
      }

      // The stored copies open for checkout, bound to this order.
      const checkout = h.client('checkout');
      const context = (column: Parameters<typeof storedSealContext>[0]) =>
        storedSealContext(column, stored.customer_id, orderId);
      expect(await checkout.open(stored.customer_email, context('customer_email'))).toBe(
        body.customer.email,
      );
      expect(await checkout.open(stored.customer_name, context('customer_name'))).toBe(
        body.customer.name,
      );
      expect(await checkout.open(stored.customer_phone, context('customer_phone'))).toBe(
        body.customer.phone,
      );
      expect(
        JSON.parse(await checkout.open(stored.delivery_address, context('delivery_address'))),
      ).toEqual(body.deliveryAddress);
    });

    it('publishes checkout.order.placed.v1 on Kafka: valid, signed, and no personal value in its bytes', async () => {
      const body = order();
      const response = await placeOrder(body);
      expect(response.status).toBe(202);
      const orderId = response.body['orderId'] as string;

      const message = await readEvent('checkout.order.placed.v1', orderId);
      const raw = Buffer.concat([
        message.value ?? Buffer.alloc(0),
        Buffer.from(JSON.stringify(message.headers)),
      ]);
      for (const value of [
        body.customer.name,
        body.customer.email,
        body.customer.phone,
        body.deliveryAddress.recipientName,
        body.deliveryAddress.lines[0]!,
        body.deliveryAddress.postcode,
        body.payment.cardToken,
      ]) {
        expect(raw.includes(value)).toBe(false);
        expect(raw.includes(Buffer.from(value).toString('base64'))).toBe(false);
      }

      // As every consumer checks it at its edge: signed by checkout, the contract's schema.
      const check = checkMessage(message, LUMEN_TOPICS, loadKeyRing(h.keysDir));
      if (!check.ok) throw new Error(`event refused: ${check.reason} ${check.detail}`);
      expect(check.event.producer).toBe('checkout');
      const payload = orderPlacedV1Schema.parse(check.event.payload);
      const stored = await storedOrder(orderId);
      expect(payload).toMatchObject({
        orderId,
        storefrontId: 'shop-a',
        customerId: stored.customer_id,
        policyVersion: '2026-11-25',
        currency: 'GBP',
        totalMinor: 2 * 12_999 + 3 * 450,
        items: [
          { sku: 'LAMP-ARC-01', quantity: 2, unitPriceMinor: 12_999 },
          { sku: 'BULB-E27', quantity: 3, unitPriceMinor: 450 },
        ],
        payment: { gateway: 'simulator' },
      });

      // Each sealed field opens for the services that need it, under the contract's context.
      const customerId = stored.customer_id;
      expect(
        await h
          .client('payment')
          .open(payload.payment.cardToken, eventSealContexts.cardToken(orderId)),
      ).toBe(body.payment.cardToken);
      expect(
        JSON.parse(
          await h
            .client('fulfilment')
            .open(payload.delivery.address, eventSealContexts.deliveryAddress(customerId)),
        ),
      ).toEqual(body.deliveryAddress);
      for (const field of ['name', 'email', 'phone'] as const) {
        expect(
          await h
            .client('privacy')
            .open(payload.customer[field], eventSealContexts.customer(field, customerId)),
        ).toBe(body.customer[field]);
      }
      // ...and for nobody else.
      expect(
        (
          await errorOf(
            h
              .client('checkout')
              .open(payload.payment.cardToken, eventSealContexts.cardToken(orderId)),
          )
        ).status,
      ).toBe(403);
      expect(
        (
          await errorOf(
            h
              .client('fulfilment')
              .open(payload.payment.cardToken, eventSealContexts.cardToken(orderId)),
          )
        ).status,
      ).toBe(403);
      expect(
        (
          await errorOf(
            h
              .client('fulfilment')
              .open(payload.customer.email, eventSealContexts.customer('email', customerId)),
          )
        ).status,
      ).toBe(403);
      expect(
        (
          await errorOf(
            h
              .client('payment')
              .open(payload.delivery.address, eventSealContexts.deliveryAddress(customerId)),
          )
        ).status,
      ).toBe(403);
    });

    it('knows a returning customer by the blind index of the e-mail, and reuses their keys', async () => {
      const first = order();
      const again = order({
        customer: { ...first.customer, email: first.customer.email.toUpperCase() },
      });
      const a = await placeOrder(first);
      const b = await placeOrder(again);
      expect([a.status, b.status]).toEqual([202, 202]);
      const [orderA, orderB] = await Promise.all([
        storedOrder(a.body['orderId'] as string),
        storedOrder(b.body['orderId'] as string),
      ]);
      expect(orderB.customer_id).toBe(orderA.customer_id);
      expect(keyIdOfSealed(orderB.customer_email)).toBe(keyIdOfSealed(orderA.customer_email));
      const index: { email_index: Buffer }[] = await h.checkoutDb.query(
        `SELECT email_index FROM customers WHERE customer_id = $1`,
        [orderA.customer_id],
      );
      expect(index[0]!.email_index).toHaveLength(32);
    });

    it('seals so that a ciphertext moved to another order does not open', async () => {
      const first = order();
      const second = order({ customer: first.customer });
      const a = await placeOrder(first);
      const b = await placeOrder(second);
      const idA = a.body['orderId'] as string;
      const idB = b.body['orderId'] as string;
      const [orderA, orderB] = await Promise.all([storedOrder(idA), storedOrder(idB)]);
      // Same customer, same key: only the order bound into the context tells them apart.
      expect(keyIdOfSealed(orderA.customer_email)).toBe(keyIdOfSealed(orderB.customer_email));
      const checkout = h.client('checkout');
      await expect(
        checkout.open(
          orderA.customer_email,
          storedSealContext('customer_email', orderA.customer_id, idB),
        ),
      ).rejects.toThrow(/failed authentication/);
      // Pasting the value into order B's row gives a row that does not open as B's.
      await h.checkoutDb.query(`UPDATE orders SET customer_email = $1 WHERE order_id = $2`, [
        orderA.customer_email,
        idB,
      ]);
      const tampered = await storedOrder(idB);
      await expect(
        checkout.open(
          tampered.customer_email,
          storedSealContext('customer_email', tampered.customer_id, idB),
        ),
      ).rejects.toThrow(/failed authentication/);

      // The card token of order A, moved into order B's event, does not open for payment.
      const [eventA, eventB] = await Promise.all([
        placedEventPayload(idA),
        placedEventPayload(idB),
      ]);
      const payment = h.client('payment');
      expect(await payment.open(eventB.payment.cardToken, eventSealContexts.cardToken(idB))).toBe(
        second.payment.cardToken,
      );
      await expect(
        payment.open(eventA.payment.cardToken, eventSealContexts.cardToken(idB)),
      ).rejects.toThrow(/failed authentication/);
      // Nor a delivery address of one customer under another's context.
      const other = await placeOrder(order());
      const eventOther = await placedEventPayload(other.body['orderId'] as string);
      await expect(
        h
          .client('fulfilment')
          .open(eventA.delivery.address, eventSealContexts.deliveryAddress(eventOther.customerId)),
      ).rejects.toThrow(/failed authentication/);
    });

    it('keeps the customer key from other services, and the card-token key from checkout itself', async () => {
      const response = await placeOrder(order());
      const orderId = response.body['orderId'] as string;
      const stored = await storedOrder(orderId);
      const event = await placedEventPayload(orderId);
      const contactKey = keyIdOfSealed(stored.customer_email);
      for (const service of ['payment', 'fulfilment'] as const) {
        expect(await errorOf(h.client(service).getKey(contactKey))).toMatchObject({
          code: 'forbidden',
          status: 403,
        });
      }
      expect(
        await errorOf(h.client('checkout').getKey(keyIdOfSealed(event.payment.cardToken))),
      ).toMatchObject({
        status: 403,
      });
      const refusals: { caller: string; reason: string }[] = await h.privacyDb.query(
        `SELECT caller, reason FROM key_audit WHERE key_id = $1 AND outcome = 'refused' ORDER BY id`,
        [contactKey],
      );
      expect(refusals).toEqual([
        { caller: 'payment', reason: 'caller-not-allowed' },
        { caller: 'fulfilment', reason: 'caller-not-allowed' },
      ]);
    });

    it("makes a customer's sealed fields unreadable everywhere once their keys are destroyed", async () => {
      const body = order();
      const response = await placeOrder(body);
      const orderId = response.body['orderId'] as string;
      const stored = await storedOrder(orderId);
      const event = await placedEventPayload(orderId);
      const customerId = stored.customer_id;
      // Checkout's own client has both keys cached from sealing this order.
      const checkoutKeys = h.checkout.get(KeyServiceClient);
      const storedEmail = storedSealContext('customer_email', customerId, orderId);
      expect(await checkoutKeys.open(stored.customer_email, storedEmail)).toBe(body.customer.email);

      const privacy = h.client('privacy');
      await privacy.destroyKey(keyIdOfSealed(stored.customer_email), 'erasure request');
      await privacy.destroyKey(keyIdOfSealed(stored.delivery_address), 'erasure request');

      // privacy.key.destroyed.v1 reaches checkout's consumer, which evicts its cached copy.
      await expectEventually(
        () =>
          checkoutKeys.open(stored.customer_email, storedEmail).then(
            () => false,
            (error: unknown) => error instanceof KeyServiceError && error.code === 'destroyed',
          ),
        'checkout evicting the destroyed key',
        45_000,
      );
      const sealedEverywhere: [string, ReturnType<typeof eventSealContexts.customer>][] = [
        [stored.customer_name, storedSealContext('customer_name', customerId, orderId)],
        [stored.customer_phone, storedSealContext('customer_phone', customerId, orderId)],
        [stored.delivery_address, storedSealContext('delivery_address', customerId, orderId)],
        [event.customer.email, eventSealContexts.customer('email', customerId)],
        [event.customer.name, eventSealContexts.customer('name', customerId)],
        [event.delivery.address, eventSealContexts.deliveryAddress(customerId)],
      ];
      for (const service of ['checkout', 'privacy', 'fulfilment', 'payment'] as const) {
        for (const [sealed, context] of sealedEverywhere) {
          const error = await errorOf(h.client(service).open(sealed, context));
          // Allowed services learn the key is gone; the others were never allowed.
          expect(['destroyed', 'forbidden']).toContain(error.code);
          if (service === 'checkout' || service === 'privacy') expect(error.code).toBe('destroyed');
        }
      }
      // The same customer can order again: fresh keys, and the old values stay unreadable.
      const again = await placeOrder(order({ customer: body.customer }));
      expect(again.status).toBe(202);
      const fresh = await storedOrder(again.body['orderId'] as string);
      expect(fresh.customer_id).toBe(customerId);
      expect(keyIdOfSealed(fresh.customer_email)).not.toBe(keyIdOfSealed(stored.customer_email));
    });
  });

  describe('refusing bad input, and storing nothing for it', () => {
    const cases: [string, (body: ReturnType<typeof order>) => unknown, string[]][] = [
      ['an unknown top-level property', (b) => ({ ...b, totalMinor: 1 }), ['totalMinor']],
      [
        'an unknown nested property',
        (b) => ({ ...b, customer: { ...b.customer, nickname: 'nickname-value' } }),
        ['customer.nickname'],
      ],
      [
        'an unknown property in an item',
        (b) => ({ ...b, items: [{ ...b.items[0], discount: 5 }] }),
        ['items[0].discount'],
      ],
      [
        'a malformed e-mail',
        (b) => ({ ...b, customer: { ...b.customer, email: 'ada-at-example' } }),
        ['customer.email'],
      ],
      [
        'a missing phone',
        (b) => ({ ...b, customer: { name: b.customer.name, email: b.customer.email } }),
        ['customer.phone'],
      ],
      [
        'a phone of letters',
        (b) => ({ ...b, customer: { ...b.customer, phone: 'call me' } }),
        ['customer.phone'],
      ],
      [
        'an empty name',
        (b) => ({ ...b, customer: { ...b.customer, name: '  ' } }),
        ['customer.name'],
      ],
      [
        'no address lines',
        (b) => ({ ...b, deliveryAddress: { ...b.deliveryAddress, lines: [] } }),
        ['deliveryAddress.lines'],
      ],
      [
        'a country that is not ISO 3166',
        (b) => ({ ...b, deliveryAddress: { ...b.deliveryAddress, country: 'XX' } }),
        ['deliveryAddress.country'],
      ],
      [
        'a lower-case country',
        (b) => ({ ...b, deliveryAddress: { ...b.deliveryAddress, country: 'gb' } }),
        ['deliveryAddress.country'],
      ],
      ['no items', (b) => ({ ...b, items: [] }), ['items']],
      [
        'a quantity of zero',
        (b) => ({ ...b, items: [{ ...b.items[0], quantity: 0 }] }),
        ['items[0].quantity'],
      ],
      [
        'a fractional quantity',
        (b) => ({ ...b, items: [{ ...b.items[0], quantity: 1.5 }] }),
        ['items[0].quantity'],
      ],
      [
        'a negative price',
        (b) => ({ ...b, items: [b.items[0], { ...b.items[1], unitPriceMinor: -1 }] }),
        ['items[1].unitPriceMinor'],
      ],
      [
        'a price in major units',
        (b) => ({ ...b, items: [{ ...b.items[0], unitPriceMinor: 129.99 }] }),
        ['items[0].unitPriceMinor'],
      ],
      [
        'a price as a string',
        (b) => ({ ...b, items: [{ ...b.items[0], unitPriceMinor: '1299' }] }),
        ['items[0].unitPriceMinor'],
      ],
      [
        'an unknown currency',
        (b) => ({ ...b, items: [{ ...b.items[0], currency: 'XYZ' }] }),
        ['items[0].currency'],
      ],
      [
        'mixed currencies',
        (b) => ({ ...b, items: [b.items[0], { ...b.items[1], currency: 'EUR' }] }),
        ['items[1].currency'],
      ],
      [
        'a total of zero',
        (b) => ({ ...b, items: [{ ...b.items[0], unitPriceMinor: 0 }] }),
        ['items'],
      ],
      [
        'an unknown gateway',
        (b) => ({ ...b, payment: { ...b.payment, gateway: 'acme-pay' } }),
        ['payment.gateway'],
      ],
      [
        'a malformed card token',
        (b) => ({ ...b, payment: { ...b.payment, cardToken: 'x' } }),
        ['payment.cardToken'],
      ],
      ['a missing payment', (b) => ({ ...b, payment: undefined }), ['payment']],
      [
        'an unknown privacy policy version',
        (b) => ({ ...b, privacyPolicyVersion: '1999-01-01' }),
        ['privacyPolicyVersion'],
      ],
      [
        'several problems at once',
        (b) => ({
          ...b,
          customer: { ...b.customer, email: 'nope' },
          items: [{ ...b.items[0], quantity: -2 }],
        }),
        ['customer.email', 'items[0].quantity'],
      ],
      ['an array instead of an object', () => [], ['(body)']],
    ];

    it.each(cases)('refuses %s with a 400 naming the field', async (_what, mutate, fields) => {
      const before = await counts();
      const bad = mutate(order());
      const response = await placeOrder(bad);
      expect(response.status).toBe(400);
      expect(response.body['error']).toMatch(/^(invalid-request|unknown-policy-version)$/);
      const named = (response.body['fields'] as { field: string; expected: string }[]).map(
        (f) => f.field,
      );
      expect(named).toEqual(fields);
      for (const problem of response.body['fields'] as { expected: string }[]) {
        expect(problem.expected.length).toBeGreaterThan(5);
      }
      // The answer never repeats a submitted value that was wrong.
      for (const value of [
        'ada-at-example',
        'call me',
        'acme-pay',
        '1999-01-01',
        'XYZ',
        'nickname-value',
      ]) {
        expect(response.text).not.toContain(value);
      }
      expect(await counts()).toEqual(before);
    });

    it('refuses malformed JSON and other media types without quoting the body', async () => {
      const before = await counts();
      const malformed = await call('POST', '/orders', {
        raw: '{"customer": {"name": "Ada Secret", ',
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body['error']).toBe('malformed-json');
      expect(malformed.text).not.toContain('Ada Secret');
      const text = await call('POST', '/orders', {
        raw: 'customer=Ada',
        headers: { 'content-type': 'text/plain' },
      });
      expect(text.status).toBe(415);
      const empty = await call('POST', '/orders', { raw: '' });
      expect(empty.status).toBe(400);
      expect(await counts()).toEqual(before);
    });

    const PAN_CASES: [string, (b: ReturnType<typeof order>, pan: string) => unknown][] = [
      ['the card token field', (b, pan) => ({ ...b, payment: { ...b.payment, cardToken: pan } })],
      [
        'the customer name',
        (b, pan) => ({ ...b, customer: { ...b.customer, name: `Ada ${pan}` } }),
      ],
      [
        'an address line',
        (b, pan) => ({
          ...b,
          deliveryAddress: { ...b.deliveryAddress, lines: ['1 High St', `card ${pan}`] },
        }),
      ],
      ['an item sku', (b, pan) => ({ ...b, items: [{ ...b.items[0], sku: pan }] })],
      [
        'an unknown nested property',
        (b, pan) => ({ ...b, payment: { ...b.payment, card: { number: pan, cvv: '123' } } }),
      ],
      [
        'a property name',
        (b, pan) => ({ ...b, deliveryAddress: { ...b.deliveryAddress, [pan]: 'x' } }),
      ],
      ['a JSON number', (b) => ({ ...b, payment: { ...b.payment, pan: 4111111111111111 } })],
    ];
    const PANS = [
      '4111 1111 1111 1111',
      '5555-5555-5555-4444',
      '378282246310005',
      '6011 0009-9013 9424',
    ];

    it.each(PAN_CASES)(
      'refuses a card number in %s with a 422, storing and logging none of it',
      async (_where, mutate) => {
        for (const pan of PANS) {
          const before = await counts();
          const response = await placeOrder(mutate(order(), pan), {
            idempotencyKey: randomLetters(),
          });
          expect(response.status).toBe(422);
          expect(response.body['error']).toBe('card-number-submitted');
          expect(response.body['message']).toMatch(/token/);
          expect(response.text).not.toContain(pan.replace(/\D/g, '').slice(0, 8));
          expect(await counts()).toEqual(before);
          seen.cards.add(pan);
        }
      },
    );

    it('refuses a card number hidden behind JSON escapes', async () => {
      const before = await counts();
      const raw = JSON.stringify(order()).replace(
        '"Greater London"',
        '"\\u0034111 1111 1111 1111"',
      );
      const response = await call('POST', '/orders', { raw });
      expect(response.status).toBe(422);
      expect(await counts()).toEqual(before);
    });

    it('accepts a 16-digit number that fails the Luhn check: it is not a card number', async () => {
      const body = order();
      body.customer.name = `${body.customer.name} 4111 1111 1111 1112`;
      const response = await placeOrder(body);
      expect(response.status).toBe(202);
    });

    it('refuses a long number in an address line with 400: the carrier would read a phone number', async () => {
      const before = await counts();
      const body = order();
      body.deliveryAddress.lines = ['Unit 4111 1111 1111 1112', 'Dock Road'];
      const response = await placeOrder(body);
      expect(response.status).toBe(400);
      const answer = response.body as { fields: { field: string; expected: string }[] };
      expect(answer.fields).toEqual([
        {
          field: 'deliveryAddress.lines[0]',
          expected: expect.stringContaining('no e-mail address or phone number') as string,
        },
      ]);
      expect(response.text).not.toContain('4111');
      expect(await counts()).toEqual(before);
    });

    it('refuses calls without a valid storefront API key (401), storing nothing', async () => {
      const before = await counts();
      const body = order();
      const attempts = [
        call('POST', '/orders', { key: null, body }),
        call('POST', '/orders', { key: 'lsk_' + 'A'.repeat(43), body }),
        call('POST', '/orders', {
          key: null,
          body,
          headers: { authorization: `Basic ${h.apiKeys.a}` },
        }),
        call('POST', '/orders', { key: null, body, headers: { 'x-api-key': 'wrong' } }),
        call('POST', '/orders', { body, headers: { 'x-api-key': h.apiKeys.b } }),
        call('GET', `/orders/${crypto.randomUUID()}`, { key: null }),
        call('GET', `/orders/${crypto.randomUUID()}`, { key: 'nope' }),
      ];
      for (const response of await Promise.all(attempts)) {
        expect(response.status).toBe(401);
        expect(response.body['error']).toBe('unauthenticated');
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
      // X-Api-Key alone works as well as the bearer header.
      const viaHeader = await call('GET', `/orders/${crypto.randomUUID()}`, {
        key: null,
        headers: { 'x-api-key': h.apiKeys.b },
      });
      expect(viaHeader.status).toBe(404);
      // A revoked storefront is refused at once.
      await h.checkoutDb.query(
        `UPDATE storefronts SET revoked_at = now() WHERE storefront_id = 'shop-b'`,
      );
      const revoked = await call('GET', `/orders/${crypto.randomUUID()}`, { key: h.apiKeys.b });
      await h.checkoutDb.query(
        `UPDATE storefronts SET revoked_at = NULL WHERE storefront_id = 'shop-b'`,
      );
      expect(revoked.status).toBe(401);
      expect(await counts()).toEqual(before);
    });

    it('refuses an oversized body with 413 before parsing it', async () => {
      const before = await counts();
      const body = order({ padding: 'x'.repeat(20_000) });
      const response = await placeOrder(body);
      expect(response.status).toBe(413);
      expect(response.body['error']).toBe('payload-too-large');
      // Not even looked at: an oversized body that is not JSON is a 413 too, not a 400.
      const garbage = await call('POST', '/orders', { raw: '{'.repeat(20_000) });
      expect(garbage.status).toBe(413);
      expect(await counts()).toEqual(before);
    });
  });

  describe('idempotency', () => {
    it('answers a repeat with the original answer and creates nothing', async () => {
      const body = order();
      const key = crypto.randomUUID();
      const first = await placeOrder(body, { idempotencyKey: key });
      expect(first.status).toBe(202);
      const before = await counts();
      const repeat = await placeOrder(body, { idempotencyKey: key });
      expect(repeat.status).toBe(202);
      expect(repeat.body).toEqual(first.body);
      expect(repeat.headers.get('idempotent-replayed')).toBe('true');
      expect(await counts()).toEqual(before);
      // The same key from another storefront is another request.
      const other = await placeOrder(body, { idempotencyKey: key, key: h.apiKeys.b });
      expect(other.status).toBe(202);
      expect(other.body['orderId']).not.toBe(first.body['orderId']);
    });

    it('refuses the same key with a different body (409), creating nothing', async () => {
      const body = order();
      const key = crypto.randomUUID();
      expect((await placeOrder(body, { idempotencyKey: key })).status).toBe(202);
      const before = await counts();
      const changed = { ...body, items: [{ ...body.items[0], quantity: 5 }] };
      const response = await placeOrder(changed, { idempotencyKey: key });
      expect(response.status).toBe(409);
      expect(response.body['error']).toBe('idempotency-key-reused');
      expect(await counts()).toEqual(before);
    });

    it('refuses a malformed Idempotency-Key', async () => {
      const response = await placeOrder(order(), { idempotencyKey: 'x'.repeat(300) });
      expect(response.status).toBe(400);
      expect((response.body['fields'] as { field: string }[])[0]!.field).toBe('Idempotency-Key');
    });

    it('creates exactly one order from ten concurrent duplicates', async () => {
      const body = order();
      const key = crypto.randomUUID();
      const before = await counts();
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => placeOrder(body, { idempotencyKey: key })),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(10).fill(202));
      const ids = new Set(responses.map((r) => r.body['orderId']));
      expect(ids.size).toBe(1);
      const after = await counts();
      expect(after['orders']).toBe(before['orders']! + 1);
      expect(after['outbox']).toBe(before['outbox']! + 1);
      expect(after['idempotency']).toBe(before['idempotency']! + 1);
      const [orderId] = [...ids] as string[];
      const rows: unknown[] = await h.checkoutDb.query(
        `SELECT 1 FROM idempotency_keys WHERE idempotency_key = $1 AND order_id = $2`,
        [key, orderId],
      );
      expect(rows).toHaveLength(1);
      // Card-token keys made for the requests that lost the race were destroyed straight away.
      const live: { subject: string }[] = await h.privacyDb.query(
        `SELECT subject FROM data_keys WHERE purpose = 'card-token' AND destroyed_at IS NULL
           AND created_at >= now() - interval '1 minute'`,
      );
      expect(live.map((row) => row.subject)).toContain(`order:${orderId}`);
      const losers: { subject: string; destroy_reason: string }[] = await h.privacyDb.query(
        `SELECT subject, destroy_reason FROM data_keys WHERE purpose = 'card-token'
           AND destroy_reason = 'order not committed'`,
      );
      expect(losers.length).toBeGreaterThanOrEqual(
        responses.filter((r) => r.headers.get('idempotent-replayed') === null).length - 1,
      );
    });
  });

  describe('reading an order', () => {
    it('gives the storefront that placed it the status and history, with no personal data', async () => {
      const body = order();
      const placed = await placeOrder(body);
      const orderId = placed.body['orderId'] as string;
      const response = await call('GET', `/orders/${orderId}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        orderId,
        status: 'placed',
        currency: 'GBP',
        totalMinor: 27_348,
        items: [
          { sku: 'LAMP-ARC-01', quantity: 2, unitPriceMinor: 12_999 },
          { sku: 'BULB-E27', quantity: 3, unitPriceMinor: 450 },
        ],
        policyVersion: '2026-11-25',
        placedAt: expect.any(String) as string,
        updatedAt: expect.any(String) as string,
        history: [{ status: 'placed', at: expect.any(String) as string }],
      });
      for (const value of [
        body.customer.name,
        body.customer.email,
        body.customer.phone,
        body.deliveryAddress.city,
      ]) {
        expect(response.text).not.toContain(value);
      }
    });

    it('answers 404 to another storefront, and for ids that do not exist', async () => {
      const placed = await placeOrder(order());
      const orderId = placed.body['orderId'] as string;
      const other = await call('GET', `/orders/${orderId}`, { key: h.apiKeys.b });
      expect(other.status).toBe(404);
      expect(other.body['error']).toBe('order-not-found');
      const unknown = await call('GET', `/orders/${crypto.randomUUID()}`);
      expect(unknown.body).toEqual(other.body);
      expect((await call('GET', '/orders/not-a-uuid')).status).toBe(404);
    });

    it('moves the order only through the transition table, and shows each step', async () => {
      const placed = await placeOrder(order());
      const orderId = placed.body['orderId'] as string;
      const transition = h.checkout.get(TransitionOrder);
      await transition.execute({
        orderId,
        to: 'payment_confirmed',
        at: new Date(),
        cause: 'test:payment',
      });
      await expect(
        transition.execute({ orderId, to: 'delivered', at: new Date(), cause: 'test:skip' }),
      ).rejects.toThrow(CheckoutException);
      await transition.execute({ orderId, to: 'shipped', at: new Date(), cause: 'test:ship' });
      const response = await call('GET', `/orders/${orderId}`);
      expect(response.body['status']).toBe('shipped');
      expect(
        (response.body['history'] as { status: string }[]).map((entry) => entry.status),
      ).toEqual(['placed', 'payment_confirmed', 'shipped']);
    });
  });

  describe('privacy policy and API description', () => {
    const seedText = readFileSync(
      join(__dirname, '..', 'src', 'database', 'seed', 'privacy-policy.2026-11-25.txt'),
      'utf8',
    );

    it('serves the current policy with its version, and each version by name, to anyone', async () => {
      const current = await call('GET', '/privacy-policy', { key: null });
      expect(current.status).toBe(200);
      expect(current.body).toMatchObject({ version: '2026-11-25', text: seedText });
      expect(current.body['sha256']).toMatch(/^[0-9a-f]{64}$/);
      const named = await call('GET', '/privacy-policy/2026-11-25');
      expect(named.body).toEqual(current.body);
      const unknown = await call('GET', '/privacy-policy/1999-01-01');
      expect(unknown.status).toBe(404);
      expect(unknown.body['error']).toBe('policy-version-not-found');
    });

    it('records the accepted version with each order, and never changes a published text', async () => {
      const placed = await placeOrder(order());
      expect((await storedOrder(placed.body['orderId'] as string)).policy_version).toBe(
        '2026-11-25',
      );
      await expect(
        h.checkoutDb.query(`UPDATE privacy_policies SET body = 'changed'`),
      ).rejects.toThrow(/never changes/);
    });

    it('serves an OpenAPI document generated from the request schema', async () => {
      const response = await call('GET', '/openapi.json', { key: null });
      expect(response.status).toBe(200);
      expect(response.body['openapi']).toBe('3.1.0');
      const paths = response.body['paths'] as Record<string, Record<string, unknown>>;
      expect(Object.keys(paths)).toEqual(
        expect.arrayContaining([
          '/orders',
          '/orders/{orderId}',
          '/privacy-policy',
          '/privacy-policy/{version}',
        ]),
      );
      const request = (
        paths['/orders']!['post'] as {
          requestBody: { content: { 'application/json': { schema: Record<string, unknown> } } };
        }
      ).requestBody.content['application/json'].schema;
      expect(request['additionalProperties']).toBe(false);
      expect(request['required']).toEqual([
        'customer',
        'deliveryAddress',
        'items',
        'payment',
        'privacyPolicyVersion',
      ]);
    });
  });

  // Last: by now every path above (accepted, refused, 401, 413, 422) has logged.
  it('never writes a personal value or a card number to its logs', () => {
    expect(h.logLines.length).toBeGreaterThan(0);
    const log = h.logLines.join('\n');
    expect(log).toContain('order placed');
    expect(seen.cards.size).toBe(PAN_COUNT);
    for (const value of seen.personal) expect(log).not.toContain(value);
    for (const pan of seen.cards) {
      expect(log).not.toContain(pan);
      expect(log).not.toContain(pan.replace(/\D/g, ''));
    }
  });
});

const PAN_COUNT = 4;
