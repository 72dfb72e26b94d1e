import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRoot, startPipeline, type Pipeline } from '../../scripts/pipeline/start-pipeline';
import { StorefrontClient } from '../../scripts/pipeline/storefront-client';

/**
 * Whole order flows, driven over HTTP only, against every process started as `npm start`
 * starts them: a storefront posting orders, the gateway and carrier simulators as the outside
 * world. Each order must reach exactly one final state.
 */
describe('order flows end to end', () => {
  const root = findRoot();
  let pipeline: Pipeline;
  let storefront: StorefrontClient;
  let carrier: string;
  let gateway: string;
  let policyVersion: string;

  beforeAll(async () => {
    pipeline = await startPipeline();
    carrier = pipeline.urls['carrier-simulator'] ?? '';
    gateway = pipeline.urls['gateway-simulator'] ?? '';
    storefront = new StorefrontClient(
      pipeline.urls.checkout ?? '',
      gateway,
      StorefrontClient.devKey(root),
    );
    policyVersion = await storefront.policyVersion();
    // Fast tracking, so an order is delivered within seconds.
    await setCarrierSwitches({ dispatchDelayMs: 200, deliveryDelayMs: 200 });
  });
  afterAll(() => pipeline.stop());
  afterEach(() => setCarrierSwitches({ refuse: null }));

  async function setCarrierSwitches(patch: Record<string, unknown>): Promise<void> {
    // The simulator wrote its control token on first start (CARRIER_KEYS_DIR, default .lumen/carrier).
    const token = readFileSync(join(root, '.lumen', 'carrier', 'control-token'), 'utf8').trim();
    const response = await fetch(`${carrier}/_test/switches`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(patch),
    });
    expect(response.status).toBe(200);
  }

  async function gatewayJournal(orderId: string): Promise<{ kind?: string; operation?: string }[]> {
    const token = readFileSync(join(root, '.lumen', 'gateway', 'operator-token'), 'utf8').trim();
    const response = await fetch(`${gateway}/test/journal?merchantReference=${orderId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return ((await response.json()) as { entries: { kind?: string; operation?: string }[] })
      .entries;
  }

  function order(cardToken: string): Record<string, unknown> {
    return {
      customer: {
        name: 'Ada Lovelace',
        // Letters only: a UUID's digit groups, joined by its dashes, pass Luhn about once in
        // 8,000 orders, and checkout rightly refuses what looks like a card number (422).
        email: `ada.${randomUUID().replace(/[\d-]/g, (c) => 'abcdefghijk'.charAt('0123456789-'.indexOf(c)))}@example.com`,
        phone: '+44 7700 900123',
      },
      deliveryAddress: {
        recipientName: 'Ada Lovelace',
        lines: ['12 St James Square'],
        city: 'London',
        postcode: 'SW1Y 4JH',
        country: 'GB',
      },
      items: [
        { sku: 'LAMP-DESK-BRASS', quantity: 2, unitPriceMinor: 4_999, currency: 'GBP' },
        { sku: 'BULB-E27-LED-8W', quantity: 4, unitPriceMinor: 499, currency: 'GBP' },
      ],
      payment: { gateway: 'simulator', cardToken },
      privacyPolicyVersion: policyVersion,
    };
  }

  const statusesOf = (history: readonly { status: string }[]) => history.map((h) => h.status);

  it('takes a paid order all the way to delivered', async () => {
    const posted = await storefront.placeOrder(order(await storefront.cardToken('approved')));
    expect(posted.status).toBe(202);
    const done = await storefront.waitForStatus(posted.orderId ?? '', ['delivered'], 120_000);
    expect(done.status).toBe('delivered');
    expect(statusesOf(done.history)).toEqual([
      'placed',
      'payment_confirmed',
      'shipped',
      'delivered',
    ]);
  });

  it('ends a declined card in a failed payment with its reason, and ships nothing', async () => {
    const posted = await storefront.placeOrder(order(await storefront.cardToken('declined')));
    expect(posted.status).toBe(202);
    const done = await storefront.waitForStatus(posted.orderId ?? '', [], 120_000);
    expect(done.status).toBe('payment_failed');
    expect(done.history.at(-1)?.reason).toBeTruthy();
    expect(statusesOf(done.history)).not.toContain('shipped');
  });

  it('refunds and cancels an order the carrier refuses for good', async () => {
    await setCarrierSwitches({
      refuse: { code: 'unserviceable-address', reason: 'No deliveries there' },
    });
    const posted = await storefront.placeOrder(order(await storefront.cardToken('approved')));
    expect(posted.status).toBe(202);
    const orderId = posted.orderId ?? '';
    const done = await storefront.waitForStatus(orderId, [], 120_000);
    expect(done.status).toBe('cancelled');
    expect(done.history.at(-1)?.reason).toBeTruthy();
    expect(statusesOf(done.history)).toContain('payment_confirmed');
    const journal = JSON.stringify(await gatewayJournal(orderId));
    expect(journal).toMatch(/refund|void/i);
  });

  it('refuses bad input with a 4xx that names the problem, storing nothing', async () => {
    const token = await storefront.cardToken('approved');
    const key = randomUUID();
    const unknownField = await storefront.placeOrder({ ...order(token), giftMessage: 'hi' }, key);
    expect(unknownField.status).toBe(400);
    expect(JSON.stringify(unknownField.body)).toContain('giftMessage');

    const pasted = order(token);
    (pasted.deliveryAddress as { lines: string[] }).lines = ['4242 4242 4242 4242'];
    const cardNumber = await storefront.placeOrder(pasted, randomUUID());
    expect(cardNumber.status).toBe(422);
    expect(JSON.stringify(cardNumber.body)).not.toContain('4242');

    // Nothing was stored for the refused request: its idempotency key is still free.
    const accepted = await storefront.placeOrder(order(token), key);
    expect(accepted.status).toBe(202);
  });
});
