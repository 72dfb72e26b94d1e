import { judgeInvariants, type AcceptedOrder, type Evidence } from './invariants';

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function order(
  n: number,
  steps: string[],
  card: 'approved' | 'declined' = 'approved',
): AcceptedOrder {
  return {
    orderId: ID(n),
    idempotencyKey: `key-${String(n)}`,
    card,
    status: {
      orderId: ID(n),
      status: steps.at(-1) ?? 'placed',
      history: steps.map((status) => ({ status, at: '2026-11-25T10:00:00Z' })),
    },
  };
}

const DELIVERED = ['placed', 'payment_confirmed', 'shipped', 'delivered'];

/** A clean run: one delivered, one declined, one cancelled with its refund. */
function cleanEvidence(): Evidence {
  return {
    orders: [
      order(1, DELIVERED),
      order(2, ['placed', 'payment_failed'], 'declined'),
      order(3, ['placed', 'payment_confirmed', 'cancelled']),
    ],
    keysWithTwoOrders: [],
    gateway: new Map([
      [ID(1), { charges: 1, refunds: 0, voids: 0 }],
      [ID(3), { charges: 1, refunds: 1, voids: 0 }],
    ]),
    shipments: new Map([
      [
        ID(1),
        {
          shipmentReference: 'shp_a',
          carrierShipmentId: 'SIM-a',
          carrierShipments: ['SIM-a'],
          carrierCreatedRequests: 1,
        },
      ],
      [
        ID(3),
        {
          shipmentReference: 'shp_c',
          carrierShipmentId: null,
          carrierShipments: [],
          carrierCreatedRequests: 0,
        },
      ],
    ]),
    orphanCarrierShipments: [],
    outboxLeft: { checkout: 0, payment: 0, fulfilment: 0, privacy: 0 },
    deadLetters: [],
    pipelineConsumers: ['checkout', 'payment', 'fulfilment', 'privacy'],
  };
}

const broken = (evidence: Evidence) =>
  judgeInvariants(evidence)
    .filter((i) => !i.held)
    .map((i) => [i.name, i.violations]);

describe('the crash-test invariants', () => {
  it('all hold for a clean run', () => {
    const results = judgeInvariants(cleanEvidence());
    expect(results).toHaveLength(5);
    expect(broken(cleanEvidence())).toEqual([]);
  });

  it('catch an order that never finished, or one checkout lost', () => {
    const evidence = cleanEvidence();
    const stuck = {
      ...evidence,
      orders: [...evidence.orders, order(4, ['placed', 'payment_confirmed'])],
    };
    expect(JSON.stringify(broken(stuck))).toContain(`${ID(4)}: still payment_confirmed`);
    const lost = {
      ...evidence,
      orders: [...evidence.orders, { ...order(5, []), status: undefined }],
    };
    expect(JSON.stringify(broken(lost))).toContain('checkout does not know it');
  });

  it('catch two final states, a status recorded twice, and a key that made two orders', () => {
    const evidence = cleanEvidence();
    const twice = {
      ...evidence,
      orders: [
        order(1, [...DELIVERED, 'cancelled']),
        order(6, ['placed', 'placed', 'payment_failed']),
      ],
      keysWithTwoOrders: ['key-9'],
    };
    const text = JSON.stringify(broken(twice));
    expect(text).toContain('final states delivered, cancelled');
    expect(text).toContain('a status recorded twice');
    expect(text).toContain('key-9');
  });

  it('catch a second capture, a missing refund, and a charge for a failed payment', () => {
    const evidence = cleanEvidence();
    const money = {
      ...evidence,
      gateway: new Map([
        [ID(1), { charges: 2, refunds: 0, voids: 0 }],
        [ID(2), { charges: 1, refunds: 0, voids: 0 }],
        [ID(3), { charges: 1, refunds: 0, voids: 0 }],
      ]),
    };
    const text = JSON.stringify(broken(money));
    expect(text).toContain(`${ID(1)}: captured 2 times`);
    expect(text).toContain(`${ID(2)}: payment failed but money was captured`);
    expect(text).toContain(`${ID(3)}: cancelled after capture, never refunded`);
  });

  it('catch a second carrier shipment, a shipped order the carrier never got, and orphans', () => {
    const evidence = cleanEvidence();
    const carrier = {
      ...evidence,
      shipments: new Map([
        [
          ID(1),
          {
            shipmentReference: 'shp_a',
            carrierShipmentId: 'SIM-a',
            carrierShipments: ['SIM-a', 'SIM-b'],
            carrierCreatedRequests: 2,
          },
        ],
      ]),
      orphanCarrierShipments: ['SIM-z'],
    };
    const text = JSON.stringify(broken(carrier));
    expect(text).toContain(`${ID(1)}: the carrier created 2 shipments`);
    expect(text).toContain('SIM-z');
    const none = { ...evidence, shipments: new Map() };
    expect(JSON.stringify(broken(none))).toContain(`${ID(1)}: shipped, but the carrier holds 0`);
  });

  it('catch outbox rows left, and dead letters of the run, not those of other consumers', () => {
    const evidence: Evidence = {
      ...cleanEvidence(),
      outboxLeft: { checkout: 0, payment: 2, fulfilment: 0, privacy: 0 },
      deadLetters: [
        {
          topic: 'payment.payment.confirmed.v1.dlq',
          key: ID(1),
          consumer: 'checkout',
          reason: 'handler-failed',
          detail: 'boom',
        },
        {
          topic: 'checkout.order.placed.v1.dlq',
          key: ID(99),
          consumer: 'payment',
          reason: 'bad-signature',
          detail: 'someone else',
        },
        {
          topic: 'payment.payment.failed.v1.dlq',
          key: ID(2),
          consumer: 'checkout-test-gwtotlmmwi',
          reason: 'unknown-key',
          detail: 'an integration spec does not trust the pipeline key',
        },
      ],
    };
    const text = JSON.stringify(broken(evidence));
    expect(text).toContain('payment: 2 unpublished outbox rows');
    expect(text).toContain(`payment.payment.confirmed.v1.dlq ${ID(1)}`);
    expect(text).not.toContain(ID(99));
    expect(text).not.toContain('checkout-test');
  });
});
