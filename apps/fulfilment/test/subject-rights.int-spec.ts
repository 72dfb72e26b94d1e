import { randomUUID } from 'node:crypto';
import { subjectAccessFragmentDocumentSchema, subjectAccessFragmentSeal } from '#lumen/contracts';
import type { RetentionRunReport } from '#lumen/retention';
import { FulfilmentRetention } from '../src/retention/application/fulfilment-retention';
import {
  expectEventually,
  startHarness,
  type Harness,
  type TestOrder,
} from './support/fulfilment.harness';

const DAY_MS = 86_400_000;

interface ShipmentRow {
  shipment_id: string;
  status: string;
  reason_code: string | null;
  handover_attempts: number;
  lease_until: Date | null;
}

/**
 * The customer's rights as fulfilment honours them, with the real key service, carrier
 * simulator, PostgreSQL and Kafka: an access request is answered with a sealed fragment of that
 * customer's shipments and addresses (and who received them); an erasure deletes the
 * addresses, cancels what the carrier does not have yet, lets what it has proceed, and leaves
 * nothing of the customer readable in fulfilment's schema; retention runs on a test clock.
 */
describe('fulfilment subject rights and retention (real key service, carrier, PostgreSQL, Kafka)', () => {
  let h: Harness;
  const ada = { customerId: randomUUID() };
  let adaDelivered: TestOrder;
  let adaUnpaid: TestOrder;
  let adaPending: TestOrder;
  let adaInTransit: TestOrder;
  let bobDelivered: TestOrder;
  let bobUnpaid: TestOrder;

  const shipmentOf = async (orderId: string) =>
    (
      await h.fulfilmentDb.query<ShipmentRow[]>(
        `SELECT shipment_id, status, reason_code, handover_attempts, lease_until
         FROM shipments WHERE order_id = $1`,
        [orderId],
      )
    )[0];
  const statusIs = (orderId: string, status: string) =>
    expectEventually(async () => {
      const row = await shipmentOf(orderId);
      return row?.status === status ? row : undefined;
    }, `shipment of ${orderId} ${status}`);
  const intakeOf = async (orderId: string) =>
    (
      await h.fulfilmentDb.query<{ customer_id: string | null; unlinked_by: string | null }[]>(
        `SELECT customer_id, customer_unlinked_by AS unlinked_by FROM order_intake WHERE order_id = $1`,
        [orderId],
      )
    )[0];
  const forCustomer = (customerId: string): TestOrder => ({ ...h.newOrder(), customerId });
  const answerOf = (topic: string, requestId: string) =>
    expectEventually(async () => {
      const rows: { value: Buffer }[] = await h.fulfilmentDb.query(
        'SELECT value FROM outbox WHERE topic = $1 AND message_key = $2',
        [topic, requestId],
      );
      const value = rows[0]?.value;
      return value === undefined
        ? undefined
        : (JSON.parse(value.toString('utf8')) as { payload: Record<string, unknown> }).payload;
    }, `${topic} for ${requestId}`);

  beforeAll(async () => {
    h = await startHarness();
    adaDelivered = forCustomer(ada.customerId);
    adaUnpaid = forCustomer(ada.customerId);
    adaPending = forCustomer(ada.customerId);
    adaInTransit = forCustomer(ada.customerId);
    bobDelivered = h.newOrder();
    bobUnpaid = forCustomer(bobDelivered.customerId);

    for (const order of [adaDelivered, bobDelivered]) {
      await h.placeOrder(order);
      await h.confirmPayment(order);
    }
    await h.placeOrder(adaUnpaid);
    await h.placeOrder(bobUnpaid);
    await statusIs(adaDelivered.orderId, 'delivered');
    await statusIs(bobDelivered.orderId, 'delivered');

    // The carrier is down for this one: it stays pending, its next attempt an hour away.
    await h.simulator('PUT', '/switches', { failNext: 1_000 });
    await h.placeOrder(adaPending);
    await h.confirmPayment(adaPending);
    await expectEventually(async () => {
      const row = await shipmentOf(adaPending.orderId);
      return row && row.handover_attempts > 0 && row.lease_until === null ? row : undefined;
    }, 'a first failed handover attempt');
    await h.fulfilmentDb.query(
      `UPDATE shipments SET next_attempt_at = now() + interval '1 hour' WHERE order_id = $1`,
      [adaPending.orderId],
    );
    await h.simulator('DELETE', '/switches');

    // This one is with the carrier and slow to move.
    await h.simulator('PUT', '/switches', { dispatchDelayMs: 3_000, deliveryDelayMs: 50 });
    await h.placeOrder(adaInTransit);
    await h.confirmPayment(adaInTransit);
    await statusIs(adaInTransit.orderId, 'handed_over');
  });

  afterAll(async () => {
    await h.simulator('DELETE', '/switches');
    await h.close();
  });

  it('links every order to its customer from the placed order', async () => {
    expect(await intakeOf(adaDelivered.orderId)).toEqual({
      customer_id: ada.customerId,
      unlinked_by: null,
    });
  });

  it('answers an access request with a sealed fragment of exactly that customer’s shipments', async () => {
    const requestId = randomUUID();
    const now = new Date();
    await h.askPrivacy('privacy.access.requested.v1', requestId, {
      requestId,
      customerId: ada.customerId,
      answerBy: new Date(now.getTime() + 7 * DAY_MS).toISOString(),
      requestedAt: now.toISOString(),
    });
    const answer = await answerOf('fulfilment.access.fragment.v1', requestId);
    const fragment = answer.fragment as string;
    const context = subjectAccessFragmentSeal.context(requestId);
    await expect(h.client('payment').open(fragment, context)).rejects.toMatchObject({
      code: 'forbidden',
    });
    const opened = await h.client('privacy').open(fragment, context);
    const document = subjectAccessFragmentDocumentSchema.parse(JSON.parse(opened));
    const section = (category: string) => document.sections.find((s) => s.category === category);

    // The addresses fulfilment still holds (the unpaid and the pending order), opened.
    const addresses = section('delivery-address')!.items;
    expect(addresses.map((item) => item.orderId).sort()).toEqual(
      [adaUnpaid.orderId, adaPending.orderId].sort(),
    );
    const unpaid = addresses.find((item) => item.orderId === adaUnpaid.orderId)!;
    expect(unpaid.data.deliveryAddress).toEqual(adaUnpaid.address);

    // Every order, and for those handed over: the carrier got the address, on that day.
    const shipments = section('shipments')!.items;
    expect(shipments.map((item) => item.orderId).sort()).toEqual(
      [adaDelivered, adaUnpaid, adaPending, adaInTransit].map((o) => o.orderId).sort(),
    );
    const delivered = shipments.find((item) => item.orderId === adaDelivered.orderId)!;
    expect(delivered.data).toMatchObject({ status: 'delivered', carrier: 'carrier-simulator' });
    expect(delivered.recipients).toEqual([
      expect.objectContaining({
        recipient: 'carrier',
        name: 'carrier-simulator',
        fields: expect.arrayContaining(['deliveryAddress.postcode']) as unknown,
      }),
    ]);
    expect(shipments.find((item) => item.orderId === adaPending.orderId)!.recipients).toEqual([]);
    expect(
      section('events-history')!.items.some(
        (item) => item.data.direction === 'received from the carrier',
      ),
    ).toBe(true);

    for (const value of [
      ...bobDelivered.personalValues,
      ...bobUnpaid.personalValues,
      bobDelivered.customerId,
      bobDelivered.orderId,
    ]) {
      expect(opened).not.toContain(value);
    }
    expect(answer.recordCount).toBe(document.sections.reduce((n, s) => n + s.items.length, 0));
  });

  it('erases a customer: addresses gone, the pending shipment cancelled, the one in transit proceeds', async () => {
    const bobBefore: unknown[] = await h.fulfilmentDb.query(
      `SELECT * FROM order_intake WHERE customer_id = $1 ORDER BY order_id`,
      [bobDelivered.customerId],
    );
    const keys: { key_id: string }[] = await h.privacyDb.query(
      `SELECT key_id FROM data_keys WHERE destroyed_at IS NULL
         AND (subject = $1 OR subject LIKE 'request:%')`,
      [`customer:${ada.customerId}`],
    );
    for (const { key_id: keyId } of keys) await h.client('privacy').destroyKey(keyId, 'erasure');
    const requestId = randomUUID();
    await h.askPrivacy('privacy.subject.erased.v1', requestId, {
      requestId,
      customerId: ada.customerId,
      keysDestroyed: keys.map((key) => key.key_id),
      erasedAt: new Date().toISOString(),
    });
    const receipt = await answerOf('fulfilment.erasure.completed.v1', requestId);
    expect(receipt.stores).toEqual(
      expect.arrayContaining([
        { store: 'fulfilment.order_intake (customer link)', action: 'masked', count: 4 },
        {
          store: 'fulfilment.shipments not yet with the carrier (cancelled: subject-erased)',
          action: 'deleted',
          count: 1,
        },
        { store: 'redis', action: 'none-held', count: 0 },
      ]),
    );

    // The addresses are gone: deleted here, or already when the key service announced the
    // destroyed keys (privacy.key.destroyed.v1), whichever came first.
    const stores = receipt.stores as { store: string; count: number }[];
    expect(
      stores.find((s) => s.store === 'fulfilment.sealed_addresses')!.count,
    ).toBeLessThanOrEqual(2);
    expect(
      await h.fulfilmentDb.query(`SELECT order_id FROM sealed_addresses WHERE customer_id = $1`, [
        ada.customerId,
      ]),
    ).toEqual([]);

    // Not yet with the carrier: cancelled, and announced, so payment refunds and checkout cancels.
    expect(await shipmentOf(adaPending.orderId)).toMatchObject({
      status: 'failed',
      reason_code: 'subject-erased',
    });
    const failed = await expectEventually(
      () =>
        Promise.resolve(
          h.topics.for(adaPending.orderId).find((m) => m.topic === 'fulfilment.shipment.failed.v1'),
        ),
      'the cancelled shipment on Kafka',
    );
    expect(JSON.parse(failed.value!.toString('utf8'))).toMatchObject({
      payload: { orderId: adaPending.orderId, reasonCode: 'subject-erased' },
    });
    // With the carrier already: it proceeds, and its tracking still applies.
    await statusIs(adaInTransit.orderId, 'delivered');
    expect(await intakeOf(adaInTransit.orderId)).toEqual({
      customer_id: null,
      unlinked_by: 'erasure',
    });

    // Bob is untouched.
    expect(
      await h.fulfilmentDb.query(
        `SELECT * FROM order_intake WHERE customer_id = $1 ORDER BY order_id`,
        [bobDelivered.customerId],
      ),
    ).toEqual(bobBefore);

    // Every table of the schema: nothing of Ada's, in the clear or as her id; Bob's id is there.
    const tables: { table_name: string }[] = await h.fulfilmentDb.query(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = $1 AND table_type = 'BASE TABLE'`,
      [h.fulfilmentSchema],
    );
    const cells: string[] = [];
    for (const { table_name: table } of tables) {
      const rows: { row: string }[] = await h.fulfilmentDb.query(
        `SELECT t::text AS row FROM "${h.fulfilmentSchema}"."${table}" t`,
      );
      for (const { row } of rows) {
        cells.push(row);
        for (const hex of row.match(/\\\\x[0-9a-f]+/g) ?? []) {
          cells.push(Buffer.from(hex.slice(3), 'hex').toString('utf8'));
        }
      }
    }
    const all = cells.join('\n');
    expect(all).toContain(bobDelivered.customerId);
    for (const order of [adaDelivered, adaUnpaid, adaPending, adaInTransit]) {
      for (const value of [...order.personalValues, ada.customerId]) {
        expect(all).not.toContain(value);
      }
    }
  });

  it('applies the retention schedule on a clock the test controls', async () => {
    const retention = h.app.get(FulfilmentRetention);
    const resultOf = (report: RetentionRunReport, category: string) =>
      report.results.find((result) => result.category === category)!;
    await expectEventually(async () => {
      const rows: { n: number }[] = await h.fulfilmentDb.query(
        'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL',
      );
      return rows[0]?.n === 0 ? true : undefined;
    }, 'outbox published');
    const count = async (sql: string) => (await h.fulfilmentDb.query<{ n: number }[]>(sql))[0]!.n;

    const soon = await retention.runOnce(new Date(Date.now() + 30 * 60_000));
    expect(soon.results.map((r) => [r.category, r.outcome, r.count])).toEqual([
      ['order-personal-data', 'applied', 0],
      ['outbox-published', 'applied', 0],
      ['inbox-processed', 'applied', 0],
    ]);
    const outbox = await count('SELECT count(*)::int AS n FROM outbox');
    const inbox = await count('SELECT count(*)::int AS n FROM inbox');
    expect(
      resultOf(await retention.runOnce(new Date(Date.now() + 2 * 3_600_000)), 'outbox-published')
        .count,
    ).toBe(outbox);
    expect(
      resultOf(await retention.runOnce(new Date(Date.now() + 9 * DAY_MS)), 'inbox-processed').count,
    ).toBe(inbox);

    // Bob's delivered order loses its link 90 days after delivery; his unpaid one keeps it.
    expect(
      resultOf(await retention.runOnce(new Date(Date.now() + 89 * DAY_MS)), 'order-personal-data')
        .count,
    ).toBe(0);
    expect(
      resultOf(await retention.runOnce(new Date(Date.now() + 91 * DAY_MS)), 'order-personal-data')
        .count,
    ).toBe(1);
    expect(await intakeOf(bobDelivered.orderId)).toEqual({
      customer_id: null,
      unlinked_by: 'retention',
    });
    expect(await intakeOf(bobUnpaid.orderId)).toEqual({
      customer_id: bobDelivered.customerId,
      unlinked_by: null,
    });
  });
});
