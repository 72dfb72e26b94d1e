import { randomUUID } from 'node:crypto';
import { loadEventSigner } from '#lumen/crypto';
// Tests may boot another app: privacy opens the staff accounts and holds the audit log.
// eslint-disable-next-line no-restricted-imports
import { CreateStaffAccount } from '../../privacy/src/staff/application/create-staff-account.use-case';
// eslint-disable-next-line no-restricted-imports
import { scopedExport } from '../../privacy/src/disclosures/domain/disclosure';
// eslint-disable-next-line no-restricted-imports
import { CheckoutOrderSource } from '../../privacy/src/disclosures/infrastructure/checkout-order.source';
import { CheckoutRetention } from '../src/retention/application/checkout-retention';
import { expectEventually, randomLetters, startHarness, type Harness } from './checkout-harness';

/**
 * Staff reads of orders as staff meet them: signed in at privacy, reading at checkout with a
 * purpose and a reference, each role seeing its fields only, every read in privacy's audit log.
 */
const PASSWORD = 'amber lamp under tuesday rain';
const DAY_MS = 86_400_000;

describe('checkout: staff reads of an order', () => {
  let h: Harness;
  let orderId: string;
  let tag: string;
  const assertions: Record<string, string> = {};

  beforeAll(async () => {
    h = await startHarness();
    tag = randomLetters(8);
    orderId = await placeOrder(tag);
    const privacyAddress = h.privacy.getHttpServer().address();
    if (privacyAddress === null || typeof privacyAddress === 'string') throw new Error('no port');
    for (const role of ['support', 'fulfilment', 'operations', 'privacy-officer']) {
      const login = `${role.replace('-', '')}.${tag}`;
      await h.privacy.get(CreateStaffAccount).execute({ login, role, password: PASSWORD });
      const signedIn = await fetch(`http://127.0.0.1:${privacyAddress.port}/staff/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login, password: PASSWORD, audience: 'checkout' }),
      });
      assertions[role] = ((await signedIn.json()) as { assertion: string }).assertion;
    }
  });

  afterAll(async () => {
    await h.close();
  });

  async function placeOrder(who: string): Promise<string> {
    const placed = await fetch(new URL('/orders', h.checkoutUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${h.apiKeys.a}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        customer: {
          name: `Ada ${who}`,
          email: `ada.${who}@example.com`,
          phone: '+44 20 7946 0001',
        },
        deliveryAddress: {
          recipientName: `Ada L ${who}`,
          lines: [`${who} House`],
          city: 'London',
          postcode: 'SW1Y 4JH',
          country: 'GB',
        },
        items: [{ sku: 'LAMP-ARC-01', quantity: 1, unitPriceMinor: 12_999, currency: 'GBP' }],
        payment: { gateway: 'simulator', cardToken: `tok_${who}_single_use` },
        privacyPolicyVersion: '2026-11-25',
      }),
    });
    expect(placed.status).toBe(202);
    return ((await placed.json()) as { orderId: string }).orderId;
  }

  const read = (role: string | null, purpose?: string, reference?: string, id = orderId) =>
    fetch(new URL(`/staff/orders/${id}`, h.checkoutUrl), {
      headers: {
        ...(role === null ? {} : { 'lumen-staff-assertion': assertions[role] ?? '' }),
        ...(purpose === undefined ? {} : { 'lumen-purpose': purpose }),
        ...(reference === undefined ? {} : { 'lumen-reference': reference }),
      },
    });

  it('refuses no credentials (401), no purpose (400) and a purpose the role may not use (403)', async () => {
    expect((await read(null, 'customer-support', 'ticket:T-1')).status).toBe(401);
    expect((await read('support')).status).toBe(400);
    expect((await read('support', 'customer-support')).status).toBe(400);
    expect((await read('support', 'because', 'ticket:T-1')).status).toBe(400);
    expect((await read('fulfilment', 'customer-support', 'ticket:T-1')).status).toBe(403);
    expect((await read('operations', 'customer-support', 'ticket:T-1')).status).toBe(403);
    expect((await read('support', 'subject-access-request', 'ticket:T-1')).status).toBe(403);
  });

  it('shows support contact and address, fulfilment the address only, operations no personal data', async () => {
    const support = await read('support', 'customer-support', 'ticket:T-2');
    expect(support.status).toBe(200);
    expect(await support.json()).toMatchObject({
      fields: ['status', 'contact', 'deliveryAddress'],
      status: 'placed',
      contact: { name: `Ada ${tag}`, email: `ada.${tag}@example.com` },
      deliveryAddress: { recipientName: `Ada L ${tag}`, postcode: 'SW1Y 4JH' },
    });

    const fulfilment = await read('fulfilment', 'order-fulfilment', `order:${orderId}`);
    const seenByFulfilment = (await fulfilment.json()) as Record<string, unknown>;
    expect(Object.keys(seenByFulfilment).sort()).toEqual(['deliveryAddress', 'fields', 'orderId']);

    const operations = await read('operations', 'service-monitoring', `order:${orderId}`);
    const text = await operations.text();
    expect(JSON.parse(text)).toMatchObject({ fields: ['status'], status: 'placed' });
    expect(text).not.toContain(tag);
    expect((await read('support', 'customer-support', 'ticket:T-3', randomUUID())).status).toBe(
      404,
    );
  });

  it('records every read, granted and refused, in the audit log', async () => {
    const rows = await h.privacyDb.query<
      { role: string; outcome: string; reason: string | null; fields: string[]; reporter: string }[]
    >(
      `SELECT role, outcome, reason, fields, reporter FROM audit_log WHERE subject = $1 ORDER BY seq`,
      [`order:${orderId}`],
    );
    const granted = rows.filter((r) => r.outcome === 'granted');
    expect(granted.map((r) => [r.role, r.fields])).toEqual([
      ['support', ['customer.name', 'customer.email', 'customer.phone', 'delivery.address']],
      ['fulfilment', ['delivery.address']],
      ['operations', []],
    ]);
    expect(rows.filter((r) => r.outcome === 'refused')).toHaveLength(6);
    expect(rows.every((r) => r.reporter === 'checkout')).toBe(true);
  });

  /** The granted reads of one order, as privacy's audit log holds them. */
  const grantedReads = (id: string) =>
    h.privacyDb.query<{ role: string | null; fields: string[] }[]>(
      `SELECT role, fields FROM audit_log WHERE subject = $1 AND outcome = 'granted' ORDER BY seq`,
      [`order:${id}`],
    );

  /** What privacy's disclosure export takes from checkout for a full-scope disclosure. */
  const disclosedBy = async (id: string) => {
    const source = new CheckoutOrderSource(h.checkoutUrl, loadEventSigner(h.keysDir, 'privacy'));
    const record = await source.read(`order:${id}`, `disclosure:${randomUUID()}`);
    if (record === undefined) throw new Error('checkout does not know the order');
    return {
      record,
      data: scopedExport(record, [
        'status',
        'contact.name',
        'contact.email',
        'contact.phone',
        'deliveryAddress',
      ]),
    };
  };

  it('reads an erased order: status kept, personal fields null and marked as erased', async () => {
    const who = randomLetters(8);
    const erased = await placeOrder(who);
    const { customer_id: customerId } = (
      await h.checkoutDb.query<{ customer_id: string }[]>(
        `SELECT customer_id FROM orders WHERE order_id = $1`,
        [erased],
      )
    )[0]!;
    // What privacy does for an erasure: destroy the customer's keys, then tell the services.
    const keys = await h.privacyDb.query<{ key_id: string }[]>(
      `SELECT key_id FROM data_keys WHERE subject = $1 AND destroyed_at IS NULL`,
      [`customer:${customerId}`],
    );
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const { key_id: keyId } of keys) await h.client('privacy').destroyKey(keyId, 'erasure');
    const requestId = randomUUID();
    await h.publish('privacy', 'privacy.subject.erased.v1', requestId, {
      requestId,
      customerId,
      keysDestroyed: keys.map((key) => key.key_id),
      erasedAt: new Date().toISOString(),
    });
    await expectEventually(async () => {
      const rows = await h.checkoutDb.query<{ by: string | null }[]>(
        `SELECT personal_data_removed_by AS by FROM orders WHERE order_id = $1`,
        [erased],
      );
      return rows[0]?.by === 'erasure';
    }, 'the order masked by the erasure');

    const support = await read('support', 'customer-support', 'ticket:T-5', erased);
    expect(support.status).toBe(200);
    const seen = (await support.json()) as Record<string, unknown>;
    expect(seen).toMatchObject({
      fields: ['status', 'contact', 'deliveryAddress'],
      status: 'placed',
      contact: null,
      deliveryAddress: null,
      personalData: { removed: 'erasure', at: expect.any(String) as unknown },
    });
    const fulfilment = await read('fulfilment', 'order-fulfilment', `order:${erased}`, erased);
    expect(fulfilment.status).toBe(200);
    expect(await fulfilment.json()).toEqual({
      orderId: erased,
      fields: ['deliveryAddress'],
      deliveryAddress: null,
      personalData: seen['personalData'],
    });
    const officer = await read(
      'privacy-officer',
      'subject-access-request',
      'subject-request:R-1',
      erased,
    );
    expect(officer.status).toBe(200);

    // Privacy's disclosure export still gets the order, with nothing personal in it.
    const { record, data } = await disclosedBy(erased);
    expect(record).toMatchObject({ status: 'placed', personalData: { removed: 'erasure' } });
    expect(data).toEqual({ status: 'placed', deliveryAddress: null });

    // Nothing was opened, so no personal field is recorded as read.
    expect(await grantedReads(erased)).toEqual([
      { role: 'support', fields: [] },
      { role: 'fulfilment', fields: [] },
      { role: 'privacy-officer', fields: [] },
      { role: null, fields: [] },
    ]);
  });

  it('reads an order the retention schedule masked: personal fields null and marked as retention', async () => {
    const who = randomLetters(8);
    const ended = await placeOrder(who);
    await h.publish('payment', 'payment.payment.failed.v1', ended, {
      orderId: ended,
      reasonCode: 'declined',
      amountMinor: 12_999,
      currency: 'GBP',
      failedAt: new Date().toISOString(),
    });
    await expectEventually(async () => {
      const rows = await h.checkoutDb.query<{ status: string }[]>(
        `SELECT status FROM orders WHERE order_id = $1`,
        [ended],
      );
      return rows[0]?.status === 'payment_failed';
    }, 'the order ended by the failed payment');
    // The schedule's run 91 days on (order-personal-data keeps 90 after the order ended).
    await h.checkout.get(CheckoutRetention).runOnce(new Date(Date.now() + 91 * DAY_MS));
    const { at } = (
      await h.checkoutDb.query<{ at: Date }[]>(
        `SELECT personal_data_removed_at AS at FROM orders
          WHERE order_id = $1 AND personal_data_removed_by = 'retention'`,
        [ended],
      )
    )[0]!;

    const support = await read('support', 'customer-support', 'ticket:T-6', ended);
    expect(support.status).toBe(200);
    const text = await support.text();
    expect(JSON.parse(text)).toMatchObject({
      status: 'payment_failed',
      contact: null,
      deliveryAddress: null,
      personalData: { removed: 'retention', at: at.toISOString() },
    });
    expect(text).not.toContain(who);
    const operations = await read('operations', 'service-monitoring', `order:${ended}`, ended);
    expect(await operations.json()).toEqual({
      orderId: ended,
      fields: ['status'],
      status: 'payment_failed',
      placedAt: expect.any(String) as unknown,
      updatedAt: expect.any(String) as unknown,
    });

    const { data } = await disclosedBy(ended);
    expect(data).toEqual({ status: 'payment_failed', deliveryAddress: null });
    expect(await grantedReads(ended)).toEqual([
      { role: 'support', fields: [] },
      { role: 'operations', fields: [] },
      { role: null, fields: [] },
    ]);
  });

  it('returns nothing when the read cannot be recorded (fail closed)', async () => {
    // The audit log refuses every insert: the read must not return data.
    await h.privacyDb.query(
      `ALTER TABLE audit_log ADD CONSTRAINT audit_closed CHECK (false) NOT VALID`,
    );
    try {
      const response = await read('support', 'customer-support', 'ticket:T-4');
      // A 503 to retry (the log will be back), not a 500.
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).not.toBeNull();
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ error: 'audit-unavailable' });
      expect(text).not.toContain(tag);
    } finally {
      await h.privacyDb.query(`ALTER TABLE audit_log DROP CONSTRAINT audit_closed`);
    }
  });
});
