import { randomUUID } from 'node:crypto';
import { expectEventually, randomLetters, startHarness, type Harness } from './checkout-harness';

interface OrderView {
  status: string;
  history: { status: string; at: string; reason?: string }[];
}

/**
 * The order-status read model follows payment's and fulfilment's events as they arrive on the
 * real Kafka broker, signed by those services' keys: once each, in any order, and never out of
 * the transition table.
 */
describe('checkout order status from payment and fulfilment events (real Kafka)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  async function placeOrder(): Promise<string> {
    const tag = randomLetters(8);
    const response = await fetch(new URL('/orders', h.checkoutUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${h.apiKeys.a}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        customer: {
          name: `Grace ${tag}`,
          email: `grace.${tag}@example.com`,
          phone: '+1 212 555 0100',
        },
        deliveryAddress: {
          recipientName: `Grace ${tag}`,
          lines: ['1 Navy Yard'],
          city: 'Arlington',
          region: 'VA',
          postcode: '22202',
          country: 'US',
        },
        items: [{ sku: 'DESK-LAMP', quantity: 1, unitPriceMinor: 4_999, currency: 'USD' }],
        payment: { gateway: 'simulator', cardToken: `tok_${tag}_x` },
        privacyPolicyVersion: '2026-11-25',
      }),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { orderId: string }).orderId;
  }

  async function view(orderId: string): Promise<OrderView> {
    const response = await fetch(new URL(`/orders/${orderId}`, h.checkoutUrl), {
      headers: { authorization: `Bearer ${h.apiKeys.a}` },
    });
    return (await response.json()) as OrderView;
  }

  const statusIs = (orderId: string, status: string) => async () =>
    (await view(orderId)).status === status;

  const now = () => new Date().toISOString();
  const shipment = (orderId: string) => ({
    shipmentId: randomUUID(),
    orderId,
    carrier: 'carrier-simulator',
    occurredAt: now(),
  });
  const confirmed = (orderId: string) => ({
    orderId,
    gatewayReference: `auth_${randomLetters()}`,
    amountMinor: 4_999,
    currency: 'USD',
    confirmedAt: now(),
  });

  it('follows an order from payment to delivery, and applies a redelivered event once', async () => {
    const orderId = await placeOrder();
    const paymentEvent = await h.publish(
      'payment',
      'payment.payment.confirmed.v1',
      orderId,
      confirmed(orderId),
    );
    await expectEventually(statusIs(orderId, 'payment_confirmed'), 'payment confirmed');
    // The same event again (a redelivery): the inbox has it, nothing changes.
    await h.publish(
      'payment',
      'payment.payment.confirmed.v1',
      orderId,
      confirmed(orderId),
      paymentEvent,
    );
    await h.publish('fulfilment', 'fulfilment.shipment.dispatched.v1', orderId, shipment(orderId));
    await expectEventually(statusIs(orderId, 'shipped'), 'shipped');
    await h.publish('fulfilment', 'fulfilment.shipment.delivered.v1', orderId, shipment(orderId));
    await expectEventually(statusIs(orderId, 'delivered'), 'delivered');
    expect((await view(orderId)).history.map((entry) => entry.status)).toEqual([
      'placed',
      'payment_confirmed',
      'shipped',
      'delivered',
    ]);
    const causes: { cause: string }[] = await h.checkoutDb.query(
      `SELECT cause FROM order_status_history WHERE order_id = $1 ORDER BY seq`,
      [orderId],
    );
    expect(causes[1]!.cause).toBe(`payment.payment.confirmed.v1:${paymentEvent}`);
  });

  it('waits for the payment when the shipment is reported first', async () => {
    const orderId = await placeOrder();
    await h.publish('fulfilment', 'fulfilment.shipment.dispatched.v1', orderId, shipment(orderId));
    await expectEventually(async () => {
      const parked: unknown[] = await h.checkoutDb.query(
        `SELECT 1 FROM order_pending_progress WHERE order_id = $1`,
        [orderId],
      );
      return parked.length === 1;
    }, 'the early shipment parked');
    expect((await view(orderId)).status).toBe('placed');
    await h.publish('payment', 'payment.payment.confirmed.v1', orderId, confirmed(orderId));
    await expectEventually(statusIs(orderId, 'shipped'), 'shipped after the payment').catch(
      (e: unknown) => {
        console.log(h.logLines.filter((l) => /dead|retry|fail|late/i.test(l)).join('\n'));
        throw e;
      },
    );
    expect((await view(orderId)).history.map((entry) => entry.status)).toEqual([
      'placed',
      'payment_confirmed',
      'shipped',
    ]);
    const parked: unknown[] = await h.checkoutDb.query(
      `SELECT 1 FROM order_pending_progress WHERE order_id = $1`,
      [orderId],
    );
    expect(parked).toEqual([]);
  });

  it('applies a whole run of early reports once the payment arrives', async () => {
    const orderId = await placeOrder();
    await h.publish('fulfilment', 'fulfilment.shipment.delivered.v1', orderId, shipment(orderId));
    await h.publish('fulfilment', 'fulfilment.shipment.dispatched.v1', orderId, shipment(orderId));
    await expectEventually(async () => {
      const parked: unknown[] = await h.checkoutDb.query(
        `SELECT 1 FROM order_pending_progress WHERE order_id = $1`,
        [orderId],
      );
      return parked.length === 2;
    }, 'both reports parked');
    await h.publish('payment', 'payment.payment.confirmed.v1', orderId, confirmed(orderId));
    await expectEventually(statusIs(orderId, 'delivered'), 'delivered');
    expect((await view(orderId)).history.map((entry) => entry.status)).toEqual([
      'placed',
      'payment_confirmed',
      'shipped',
      'delivered',
    ]);
  });

  it('shows why a payment failed, and refuses to ship that order', async () => {
    const orderId = await placeOrder();
    await h.publish('payment', 'payment.payment.failed.v1', orderId, {
      orderId,
      reasonCode: 'declined',
      amountMinor: 4_999,
      currency: 'USD',
      failedAt: now(),
    });
    await expectEventually(statusIs(orderId, 'payment_failed'), 'payment failed');
    expect((await view(orderId)).history.at(-1)).toMatchObject({
      status: 'payment_failed',
      reason: 'declined',
    });
    // A late, contradictory confirmation cannot revive a failed order.
    await h.publish('payment', 'payment.payment.confirmed.v1', orderId, confirmed(orderId));
    const other = await placeOrder();
    await h.publish('payment', 'payment.payment.confirmed.v1', other, confirmed(other));
    await expectEventually(statusIs(other, 'payment_confirmed'), 'a later order confirmed');
    expect((await view(orderId)).status).toBe('payment_failed');
  });

  it('cancels a shipped order whose shipment failed for good, with the reason', async () => {
    const orderId = await placeOrder();
    await h.publish('payment', 'payment.payment.confirmed.v1', orderId, confirmed(orderId));
    await h.publish('fulfilment', 'fulfilment.shipment.dispatched.v1', orderId, shipment(orderId));
    await expectEventually(statusIs(orderId, 'shipped'), 'shipped');
    await h.publish('fulfilment', 'fulfilment.shipment.failed.v1', orderId, {
      ...shipment(orderId),
      reasonCode: 'delivery-failed',
    });
    await expectEventually(statusIs(orderId, 'cancelled'), 'cancelled');
    expect((await view(orderId)).history.at(-1)).toMatchObject({
      status: 'cancelled',
      reason: 'delivery-failed',
    });
  });

  it('ignores events no trusted service signed', async () => {
    const orderId = await placeOrder();
    // Fulfilment's key on payment's topic: refused at the consumer's edge, dead-lettered.
    await h.publish('fulfilment', 'payment.payment.confirmed.v1', orderId, confirmed(orderId));
    const other = await placeOrder();
    await h.publish('payment', 'payment.payment.confirmed.v1', other, confirmed(other));
    await expectEventually(statusIs(other, 'payment_confirmed'), 'a genuine event applied');
    expect((await view(orderId)).status).toBe('placed');
  });
});
