import { randomUUID } from 'node:crypto';
// Tests may boot another app: privacy opens the staff accounts and holds the audit log.
// eslint-disable-next-line no-restricted-imports
import { CreateStaffAccount } from '../../privacy/src/staff/application/create-staff-account.use-case';
import { randomLetters, startHarness, type Harness } from './checkout-harness';

/**
 * Staff reads of orders as staff meet them: signed in at privacy, reading at checkout with a
 * purpose and a reference, each role seeing its fields only, every read in privacy's audit log.
 */
const PASSWORD = 'amber lamp under tuesday rain';

describe('checkout: staff reads of an order', () => {
  let h: Harness;
  let orderId: string;
  let tag: string;
  const assertions: Record<string, string> = {};

  beforeAll(async () => {
    h = await startHarness();
    tag = randomLetters(8);
    const placed = await fetch(new URL('/orders', h.checkoutUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${h.apiKeys.a}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        customer: {
          name: `Ada ${tag}`,
          email: `ada.${tag}@example.com`,
          phone: '+44 20 7946 0001',
        },
        deliveryAddress: {
          recipientName: `Ada L ${tag}`,
          lines: [`${tag} House`],
          city: 'London',
          postcode: 'SW1Y 4JH',
          country: 'GB',
        },
        items: [{ sku: 'LAMP-ARC-01', quantity: 1, unitPriceMinor: 12_999, currency: 'GBP' }],
        payment: { gateway: 'simulator', cardToken: `tok_${tag}_single_use` },
        privacyPolicyVersion: '2026-11-25',
      }),
    });
    expect(placed.status).toBe(202);
    orderId = ((await placed.json()) as { orderId: string }).orderId;
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

  it('returns nothing when the read cannot be recorded (fail closed)', async () => {
    // The audit log refuses every insert: the read must not return data.
    await h.privacyDb.query(
      `ALTER TABLE audit_log ADD CONSTRAINT audit_closed CHECK (false) NOT VALID`,
    );
    try {
      const response = await read('support', 'customer-support', 'ticket:T-4');
      expect(response.status).toBeGreaterThanOrEqual(500);
      expect(await response.text()).not.toContain(tag);
    } finally {
      await h.privacyDb.query(`ALTER TABLE audit_log DROP CONSTRAINT audit_closed`);
    }
  });
});
