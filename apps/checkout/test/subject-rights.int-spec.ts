import { randomUUID } from 'node:crypto';
import { subjectAccessFragmentDocumentSchema, subjectAccessFragmentSeal } from '#lumen/contracts';
import { isSealedValue, keyIdOfSealed } from '#lumen/crypto';
import { CheckoutRetention } from '../src/retention/application/checkout-retention';
import { expectEventually, randomLetters, startHarness, type Harness } from './checkout-harness';

interface Customer {
  readonly tag: string;
  readonly name: string;
  readonly email: string;
  readonly phone: string;
  readonly street: string;
}

function customer(): Customer {
  const tag = randomLetters(12);
  return {
    tag,
    name: `Ada ${tag}`,
    email: `ada.${tag}@example.com`,
    phone: '+44 20 7946 0018',
    street: `${tag} Lane`,
  };
}

const DAY_MS = 86_400_000;

/**
 * The customer's rights as checkout honours them, against the real PostgreSQL, Kafka and key
 * service: an access request is answered with a sealed fragment that only the privacy service
 * (and checkout) can open, holding this customer's data and no one else's; an erasure masks
 * only that customer's rows and leaves nothing of theirs readable in checkout's schema; the
 * retention schedule runs on a clock the test controls.
 */
describe('checkout subject rights and retention (real PostgreSQL, Kafka, key service)', () => {
  let h: Harness;
  const ada = customer();
  const bob = customer();
  const adaOrders: string[] = [];
  const bobOrders: string[] = [];

  beforeAll(async () => {
    h = await startHarness();
    adaOrders.push(await placeOrder(ada), await placeOrder(ada));
    bobOrders.push(await placeOrder(bob));
  });
  afterAll(async () => {
    await h.close();
  });

  async function placeOrder(who: Customer): Promise<string> {
    const response = await fetch(new URL('/orders', h.checkoutUrl), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${h.apiKeys.a}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      },
      body: JSON.stringify({
        customer: { name: who.name, email: who.email, phone: who.phone },
        deliveryAddress: {
          recipientName: who.name,
          lines: [who.street],
          city: 'London',
          postcode: 'N1 9GU',
          country: 'GB',
        },
        items: [{ sku: 'DESK-LAMP', quantity: 2, unitPriceMinor: 4_999, currency: 'GBP' }],
        payment: { gateway: 'simulator', cardToken: `tok_${who.tag}` },
        privacyPolicyVersion: '2026-11-25',
      }),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { orderId: string }).orderId;
  }

  async function customerIdOf(orderId: string): Promise<string> {
    const rows: { customer_id: string }[] = await h.checkoutDb.query(
      `SELECT customer_id FROM orders WHERE order_id = $1`,
      [orderId],
    );
    return rows[0]!.customer_id;
  }

  async function outboxPayload(topic: string, key: string): Promise<Record<string, unknown>> {
    let value: Buffer | undefined;
    await expectEventually(
      async () => {
        const rows: { value: Buffer }[] = await h.checkoutDb.query(
          `SELECT value FROM outbox WHERE topic = $1 AND message_key = $2`,
          [topic, key],
        );
        value = rows[0]?.value;
        return value !== undefined;
      },
      // A new consumer group first works through a week of other runs' events on the shared
      // broker (each dead-lettered at the edge): on a busy machine that takes a while.
      `${topic} keyed ${key} in checkout's outbox`,
      150_000,
    );
    return (JSON.parse(value!.toString('utf8')) as { payload: Record<string, unknown> }).payload;
  }

  async function requestAccess(customerId: string) {
    const requestId = randomUUID();
    const now = new Date();
    await h.publish('privacy', 'privacy.access.requested.v1', requestId, {
      requestId,
      customerId,
      answerBy: new Date(now.getTime() + 7 * DAY_MS).toISOString(),
      requestedAt: now.toISOString(),
    });
    const payload = await outboxPayload('checkout.access.fragment.v1', requestId);
    return { requestId, payload };
  }

  /** Every cell of every table in checkout's schema, as text. */
  async function schemaText(): Promise<string[]> {
    const tables: { table_name: string }[] = await h.checkoutDb.query(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = $1 AND table_type = 'BASE TABLE'`,
      [h.config.databaseSchema],
    );
    const cells: string[] = [];
    for (const { table_name: table } of tables) {
      const rows: { row: string }[] = await h.checkoutDb.query(
        `SELECT t::text AS row FROM "${h.config.databaseSchema}"."${table}" t`,
      );
      // bytea cells (the outbox's envelopes) print as hex: decode them to search their text.
      for (const { row } of rows) {
        cells.push(row);
        for (const hex of row.match(/\\\\x[0-9a-f]+/g) ?? []) {
          cells.push(Buffer.from(hex.slice(3), 'hex').toString('utf8'));
        }
      }
    }
    return cells;
  }

  it('answers an access request with a sealed fragment holding exactly that customer’s data', async () => {
    const adaId = await customerIdOf(adaOrders[0]!);
    const { requestId, payload } = await requestAccess(adaId);
    expect(payload).toMatchObject({ requestId, service: 'checkout' });
    const fragment = payload.fragment as string;
    expect(isSealedValue(fragment)).toBe(true);
    // Nothing of the customer travels in the clear: the event is the sealed value and counts.
    for (const value of [ada.name, ada.email, ada.street, adaId]) {
      expect(JSON.stringify(payload)).not.toContain(value);
    }

    // Privacy opens it; fulfilment (or anyone else) cannot even fetch the key.
    const context = subjectAccessFragmentSeal.context(requestId);
    const opened = await h.client('privacy').open(fragment, context);
    await expect(h.client('fulfilment').open(fragment, context)).rejects.toMatchObject({
      code: 'forbidden',
    });
    const keyRows: { subject: string; allowed_services: string[] }[] = await h.privacyDb.query(
      `SELECT subject, allowed_services FROM data_keys WHERE key_id = $1`,
      [keyIdOfSealed(fragment)],
    );
    expect(keyRows).toEqual([
      {
        subject: subjectAccessFragmentSeal.keySubject(requestId, 'checkout'),
        allowed_services: ['checkout', 'privacy'],
      },
    ]);

    const document = subjectAccessFragmentDocumentSchema.parse(JSON.parse(opened));
    expect(document).toMatchObject({ requestId, service: 'checkout', customerId: adaId });
    const section = (category: string) =>
      document.sections.find((candidate) => candidate.category === category);
    expect(section('identity-contact')?.items.filter((item) => item.orderId)).toHaveLength(2);
    for (const item of section('identity-contact')!.items.filter((i) => i.orderId)) {
      expect(item.data).toEqual({ name: ada.name, email: ada.email, phone: ada.phone });
    }
    const addresses = section('delivery-address')!.items.map(
      (item) => item.data.deliveryAddress as { lines: string[]; recipientName: string },
    );
    expect(addresses.map((a) => [a.lines, a.recipientName])).toEqual([
      [[ada.street], ada.name],
      [[ada.street], ada.name],
    ]);
    const orders = section('order-history')!.items;
    expect(orders.map((item) => item.orderId).sort()).toEqual([...adaOrders].sort());
    expect(orders.every((item) => item.policyVersion === '2026-11-25')).toBe(true);
    expect(orders[0]!.data).toMatchObject({ totalMinor: 9_998, currency: 'GBP' });
    expect(section('order-history')!.retentionCategory).toBe('accounting-records');
    // The placed events, opened where checkout may: contact and address yes, card token no.
    const placed = section('events-history')!.items.filter(
      (item) => item.data.topic === 'checkout.order.placed.v1',
    );
    expect(placed).toHaveLength(2);
    expect(placed[0]!.data['customer.email']).toBe(ada.email);
    expect(placed[0]!.unreadableFields).toEqual(['payment.cardToken']);
    expect(opened).not.toContain(`tok_${ada.tag}`);
    expect(payload.recordCount).toBe(
      document.sections.reduce((total, s) => total + s.items.length, 0),
    );

    // Not a trace of the other customer.
    for (const value of [bob.tag, bobOrders[0]!, await customerIdOf(bobOrders[0]!)]) {
      expect(opened).not.toContain(value);
    }
  }, 180_000);

  it('answers a request about a customer checkout never saw with an empty fragment', async () => {
    const { requestId, payload } = await requestAccess(randomUUID());
    const opened = await h
      .client('privacy')
      .open(payload.fragment as string, subjectAccessFragmentSeal.context(requestId));
    expect(JSON.parse(opened)).toMatchObject({ sections: [] });
    expect(payload.recordCount).toBe(0);
  }, 180_000);

  it('erases a customer: masks only their rows, sends the receipt, leaves nothing of theirs readable', async () => {
    const adaId = await customerIdOf(adaOrders[0]!);
    const bobId = await customerIdOf(bobOrders[0]!);
    const bobBefore: unknown[] = await h.checkoutDb.query(
      `SELECT * FROM orders WHERE customer_id = $1`,
      [bobId],
    );
    // What the privacy service does first: destroy the customer's keys, and those of the
    // fragments it received about them.
    const fragmentSubjects = (await accessRequestIdsOf()).map((id) =>
      subjectAccessFragmentSeal.keySubject(id, 'checkout'),
    );
    const keys: { key_id: string }[] = await h.privacyDb.query(
      `SELECT key_id FROM data_keys
       WHERE destroyed_at IS NULL AND (subject = $1 OR subject = ANY($2::text[]))`,
      [`customer:${adaId}`, fragmentSubjects],
    );
    expect(keys.length).toBeGreaterThanOrEqual(3);
    for (const { key_id: keyId } of keys) await h.client('privacy').destroyKey(keyId, 'erasure');

    const requestId = randomUUID();
    await h.publish('privacy', 'privacy.subject.erased.v1', requestId, {
      requestId,
      customerId: adaId,
      keysDestroyed: keys.map((key) => key.key_id),
      erasedAt: new Date().toISOString(),
    });
    const receipt = await outboxPayload('checkout.erasure.completed.v1', requestId);
    expect(receipt).toMatchObject({ requestId, service: 'checkout' });
    expect(receipt.stores).toEqual(
      expect.arrayContaining([
        { store: 'checkout.orders (contact, address, customer link)', action: 'masked', count: 2 },
        {
          store: 'checkout.orders (amounts, items, dates, policy version)',
          action: 'kept-by-law',
          count: 2,
        },
        { store: 'checkout.idempotency_keys', action: 'deleted', count: 2 },
        { store: 'checkout.customers', action: 'deleted', count: 1 },
        { store: 'redis', action: 'none-held', count: 0 },
      ]),
    );

    // Accounting records stay, without identity.
    const kept: Record<string, unknown>[] = await h.checkoutDb.query(
      `SELECT customer_id, customer_name, customer_email, customer_phone, delivery_address,
              total_minor, currency, personal_data_removed_by
       FROM orders WHERE order_id = ANY($1::uuid[])`,
      [adaOrders],
    );
    expect(kept).toEqual(
      adaOrders.map(() => ({
        customer_id: null,
        customer_name: null,
        customer_email: null,
        customer_phone: null,
        delivery_address: null,
        total_minor: '9998',
        currency: 'GBP',
        personal_data_removed_by: 'erasure',
      })),
    );
    // The other customer's order is exactly as it was, and still opens.
    expect(
      await h.checkoutDb.query(`SELECT * FROM orders WHERE customer_id = $1`, [bobId]),
    ).toEqual(bobBefore);

    // A scan of every table: none of Ada's values in the clear, not even her customer id, and
    // every sealed value left is under a key that still exists only if it is not hers.
    const cells = await schemaText();
    const all = cells.join('\n');
    for (const value of [ada.tag, ada.email, adaId]) expect(all).not.toContain(value);
    expect(all).toContain(bobId);
    // Every sealed value left in the schema: the key it names is either not Ada's at all, or
    // Ada's and destroyed (nobody, privacy included, can fetch it).
    const keyIds = [
      ...new Set((all.match(/lumen:v1:[A-Za-z0-9_.:=+/-]+/g) ?? []).map(keyIdOfSealed)),
    ];
    const owners: { key_id: string; subject: string; destroyed: boolean }[] =
      await h.privacyDb.query(
        `SELECT key_id, subject, destroyed_at IS NOT NULL AS destroyed FROM data_keys
         WHERE key_id = ANY($1::text[])`,
        [keyIds],
      );
    const adas = owners.filter(
      (key) => key.subject === `customer:${adaId}` || fragmentSubjects.includes(key.subject),
    );
    expect(adas.length).toBeGreaterThan(0); // her access fragment is still in the outbox
    expect(adas.filter((key) => !key.destroyed)).toEqual([]);
    for (const { key_id: keyId } of adas) {
      await expect(h.client('privacy').getKey(keyId)).rejects.toMatchObject({
        code: 'destroyed',
      });
    }
  });

  async function accessRequestIdsOf(): Promise<string[]> {
    const rows: { message_key: string }[] = await h.checkoutDb.query(
      `SELECT message_key FROM outbox WHERE topic = 'checkout.access.fragment.v1'`,
    );
    return rows.map((row) => row.message_key);
  }

  it('applies the retention schedule on a clock the test controls', async () => {
    const retention = h.checkout.get(CheckoutRetention);
    const carol = customer();
    const delivered = await placeOrder(carol);
    const open = await placeOrder(carol);
    const now = () => new Date().toISOString();
    const shipment = { shipmentId: randomUUID(), carrier: 'carrier-simulator' };
    await h.publish('payment', 'payment.payment.confirmed.v1', delivered, {
      orderId: delivered,
      gatewayReference: `auth_${randomLetters()}`,
      amountMinor: 9_998,
      currency: 'GBP',
      confirmedAt: now(),
    });
    await h.publish('fulfilment', 'fulfilment.shipment.dispatched.v1', delivered, {
      ...shipment,
      orderId: delivered,
      occurredAt: now(),
    });
    await h.publish('fulfilment', 'fulfilment.shipment.delivered.v1', delivered, {
      ...shipment,
      orderId: delivered,
      occurredAt: now(),
    });
    await expectEventually(async () => {
      const rows: { status: string }[] = await h.checkoutDb.query(
        `SELECT status FROM orders WHERE order_id = $1`,
        [delivered],
      );
      return rows[0]?.status === 'delivered';
    }, 'order delivered');
    await expectEventually(async () => {
      const rows: { n: number }[] = await h.checkoutDb.query(
        `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`,
      );
      return rows[0]?.n === 0;
    }, 'outbox published');

    const contactOf = async (orderId: string) =>
      (
        await h.checkoutDb.query<{ held: boolean; removed_by: string | null }[]>(
          `SELECT customer_email IS NOT NULL AS held, personal_data_removed_by AS removed_by
           FROM orders WHERE order_id = $1`,
          [orderId],
        )
      )[0];
    const count = async (sql: string, params: unknown[] = []) =>
      (await h.checkoutDb.query<{ n: number }[]>(sql, params))[0]!.n;
    const resultOf = (
      report: Awaited<ReturnType<CheckoutRetention['runOnce']>>,
      category: string,
    ) => report.results.find((result) => result.category === category);

    // 30 minutes on: nothing is due yet.
    const soon = await retention.runOnce(new Date(Date.now() + 30 * 60_000));
    expect(soon.results.every((r) => r.outcome === 'applied' && r.count === 0)).toBe(true);
    expect(await contactOf(delivered)).toEqual({ held: true, removed_by: null });

    // Two days on: idempotency records and published outbox rows go; orders keep their data.
    const outboxBefore = await count(`SELECT count(*)::int AS n FROM outbox`);
    const twoDays = await retention.runOnce(new Date(Date.now() + 2 * DAY_MS));
    expect(resultOf(twoDays, 'idempotency-records')?.count).toBeGreaterThanOrEqual(2);
    expect(resultOf(twoDays, 'outbox-published')?.count).toBe(outboxBefore);
    expect(resultOf(twoDays, 'inbox-processed')?.count).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM idempotency_keys`)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM outbox`)).toBe(0);
    expect(await contactOf(delivered)).toEqual({ held: true, removed_by: null });

    // Nine days on, the inbox rows go: no topic keeps an event that long, so none can come again.
    const inboxBefore = await count(`SELECT count(*)::int AS n FROM inbox`);
    expect(inboxBefore).toBeGreaterThan(0);
    const nineDays = await retention.runOnce(new Date(Date.now() + 9 * DAY_MS));
    expect(resultOf(nineDays, 'inbox-processed')?.count).toBe(inboxBefore);
    expect(resultOf(nineDays, 'order-personal-data')?.count).toBe(0);

    // 89 days after delivery the order still holds its contact; after 91 it does not. The
    // open order and Bob's (never ended) keep theirs whatever the date.
    expect(
      resultOf(await retention.runOnce(new Date(Date.now() + 89 * DAY_MS)), 'order-personal-data')
        ?.count,
    ).toBe(0);
    const later = await retention.runOnce(new Date(Date.now() + 91 * DAY_MS));
    expect(resultOf(later, 'order-personal-data')?.count).toBe(1);
    expect(await contactOf(delivered)).toEqual({ held: false, removed_by: 'retention' });
    expect(await contactOf(open)).toEqual({ held: true, removed_by: null });
    expect(await contactOf(bobOrders[0]!)).toEqual({ held: true, removed_by: null });

    // Six years on, ended orders go altogether (the open ones stay: they never ended).
    const sixYears = await retention.runOnce(new Date(Date.now() + (6 * 365 + 2) * DAY_MS));
    expect(resultOf(sixYears, 'accounting-records')?.count).toBe(1);
    expect(
      await count(`SELECT count(*)::int AS n FROM orders WHERE order_id = $1`, [delivered]),
    ).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM orders WHERE order_id = $1`, [open])).toBe(
      1,
    );
  });
});
