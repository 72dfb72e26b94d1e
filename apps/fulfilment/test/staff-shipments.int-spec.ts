import { DataSource } from 'typeorm';
// Tests may boot another app: privacy opens the staff accounts and holds the audit log.
// eslint-disable-next-line no-restricted-imports
import { CreateStaffAccount } from '../../privacy/src/staff/application/create-staff-account.use-case';
import { startHarness, type Harness } from './support/fulfilment.harness';

/**
 * Staff reads of a shipment: fulfilment staff see the delivery address and nothing more,
 * operations no personal data, and every read is in privacy's audit log.
 */
const PASSWORD = 'amber lamp under tuesday rain';

describe('fulfilment: staff reads of a shipment', () => {
  let h: Harness;
  const assertions: Record<string, string> = {};

  beforeAll(async () => {
    h = await startHarness();
    for (const role of ['fulfilment', 'operations', 'support']) {
      const login = `${role}.${Date.now().toString(36)}`;
      await h.privacy.get(CreateStaffAccount).execute({ login, role, password: PASSWORD });
      const response = await fetch(`${h.privacyUrl}/staff/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login, password: PASSWORD, audience: 'fulfilment' }),
      });
      assertions[role] = ((await response.json()) as { assertion: string }).assertion;
    }
  });

  afterAll(async () => {
    await h.close();
  });

  async function heldAddress(orderId: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const rows = await h.fulfilmentDb.query<unknown[]>(
        `SELECT 1 FROM sealed_addresses WHERE order_id = $1`,
        [orderId],
      );
      if (rows.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the order never arrived');
  }

  const read = (orderId: string, role: string | null, purpose?: string, reference?: string) =>
    fetch(`${h.fulfilmentUrl}/staff/shipments/${orderId}`, {
      headers: {
        ...(role === null ? {} : { 'lumen-staff-assertion': assertions[role] ?? '' }),
        ...(purpose === undefined ? {} : { 'lumen-purpose': purpose }),
        ...(reference === undefined ? {} : { 'lumen-reference': reference }),
      },
    });

  it('shows fulfilment the address only, operations no personal data, refuses the rest', async () => {
    const order = h.newOrder();
    await h.placeOrder(order);
    await heldAddress(order.orderId);
    const ref = `order:${order.orderId}`;

    expect((await read(order.orderId, null, 'order-fulfilment', ref)).status).toBe(401);
    expect((await read(order.orderId, 'fulfilment')).status).toBe(400);
    expect((await read(order.orderId, 'fulfilment', 'customer-support', 'ticket:T-1')).status).toBe(
      403,
    );

    const fulfilment = await read(order.orderId, 'fulfilment', 'order-fulfilment', ref);
    expect(fulfilment.status).toBe(200);
    const seen = (await fulfilment.json()) as Record<string, unknown>;
    expect(Object.keys(seen).sort()).toEqual([
      'addressHeld',
      'deliveryAddress',
      'fields',
      'orderId',
    ]);
    expect(seen['deliveryAddress']).toMatchObject({
      recipientName: order.address.recipientName,
      postcode: order.address.postcode,
    });

    const operations = await read(order.orderId, 'operations', 'service-monitoring', ref);
    const text = await operations.text();
    expect(operations.status).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ fields: ['status'] });
    expect(text).not.toContain(order.address.recipientName);
    expect(text).not.toContain(order.address.postcode);

    const privacyDb = h.privacy.get(DataSource);
    const rows = await privacyDb.query<
      { role: string; outcome: string; fields: string[]; reporter: string }[]
    >(`SELECT role, outcome, fields, reporter FROM audit_log WHERE subject = $1 ORDER BY seq`, [
      ref,
    ]);
    expect(rows.map((r) => [r.role, r.outcome, r.fields, r.reporter])).toEqual([
      ['fulfilment', 'refused', [], 'fulfilment'],
      ['fulfilment', 'refused', [], 'fulfilment'],
      ['fulfilment', 'granted', ['delivery.address'], 'fulfilment'],
      ['operations', 'granted', [], 'fulfilment'],
    ]);
  });
});
