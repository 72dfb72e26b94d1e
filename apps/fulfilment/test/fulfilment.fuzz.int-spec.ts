import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { signCarrierMessage } from '#lumen/carrier';
import { DataKey, loadEventSigner } from '#lumen/crypto';
import {
  DeadLetterWatch,
  expectHostileEventsDeadLettered,
  validOrderPlacedPayload,
} from '../../../test/support/hostile-events';
import {
  expectOversizedPostRefused,
  expectPostRefusedChangingNothing,
  FUZZ_RUNS,
  hostileBodyText,
  hostileString,
  rowCounts,
  send,
} from '../../../test/support/hostile-input';
import { hostileStaffRead } from '../../../test/support/hostile-staff-read';
import {
  expectEventually,
  KAFKA_BROKERS,
  startHarness,
  type Harness,
} from './support/fulfilment.harness';

/**
 * Fulfilment under hostile input, on the real app, PostgreSQL and Kafka: tracking callbacks
 * with hostile bodies (signed by the genuine carrier key, so the body checks are reached, or
 * not signed at all) and hostile messages on every topic it consumes never yield a 5xx, a
 * crash, a stored row or an outbox row.
 */
describe('fulfilment under hostile input (fuzz)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const everything = () => rowCounts(h.fulfilmentDb, h.fulfilmentSchema);
  const validEvent = () => ({
    eventId: `evt_${'a'.repeat(20)}`,
    shipmentReference: 'shp_abcdefghijklmnopqrstuvwxyz',
    carrierShipmentId: `cs_${randomUUID()}`,
    status: 'dispatched',
    occurredAt: new Date().toISOString(),
  });
  const target = () => new URL(h.callbackUrl).pathname;

  it('POST /carrier/v1/tracking-events: hostile bodies, signed or not, never yield a 5xx or a row', async () => {
    const headerValue = hostileString().filter((value) => /^[\t\x20-\x7e]*$/.test(value));
    await fc.assert(
      fc.asyncProperty(
        hostileBodyText(validEvent()),
        fc.oneof(
          fc.constant('signed' as const),
          fc.constant('unsigned' as const),
          fc.dictionary(
            fc.constantFrom(
              'x-carrier-key-id',
              'x-carrier-message-id',
              'x-carrier-timestamp',
              'x-carrier-signature',
            ),
            headerValue,
          ),
        ),
        async (body, signing) => {
          const headers =
            signing === 'signed'
              ? {
                  ...signCarrierMessage(h.carrierSigner, {
                    kind: 'callback',
                    target: target(),
                    body,
                  }),
                }
              : signing === 'unsigned'
                ? {}
                : signing;
          await expectPostRefusedChangingNothing(h.callbackUrl, body, headers, everything);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('GET /staff/shipments/:orderId: hostile ids, assertions, signatures, purposes and references never yield a 5xx or change a row', async () => {
    const order = h.newOrder();
    await h.placeOrder(order);
    // Held once its sealed address is stored: from then on a granted read reaches the data.
    await expectEventually(async () => {
      const held = await h.fulfilmentDb.query<unknown[]>(
        `SELECT 1 FROM sealed_addresses WHERE order_id = $1`,
        [order.orderId],
      );
      return held.length > 0 ? true : undefined;
    }, 'the order held with its sealed address');
    // Only privacy's rows are compared: fulfilment's own go on changing as the placed order
    // moves through the carrier simulator, whatever the reads do. Left out by design there:
    // audit_log (every staff read, granted or refused, is recorded) and key_audit (a granted
    // read fetches the data key that unseals the address, and each hand-out is recorded).
    const rows = () =>
      rowCounts(h.privacyDb, (h.privacyDb.options as { schema: string }).schema, [
        'audit_log',
        'key_audit',
      ]);
    await fc.assert(
      fc.asyncProperty(
        hostileStaffRead({
          prefix: '/staff/shipments',
          audience: 'fulfilment',
          orderIds: [order.orderId],
          privacy: loadEventSigner(h.keysDir, 'privacy'),
          stranger: loadEventSigner(h.keysDir, 'payment'),
        }),
        async ({ path, headers }) => {
          const before = await rows();
          const answer = await send(`${h.fulfilmentUrl}${path}`, { method: 'GET', headers });
          expect({ path, headers, ok: answer.status > 0 && answer.status < 500 }).toEqual({
            path,
            headers,
            ok: true,
          });
          expect(await rows()).toEqual(before);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('refuses a body over the limit with 413 before reading it', async () => {
    await expectOversizedPostRefused(h.callbackUrl, 16 * 1024, everything);
  });

  it('dead-letters every hostile message on every consumed topic, storing and publishing nothing', async () => {
    const key = new DataKey('dk_fuzz', randomBytes(32));
    const orderId = randomUUID();
    const consumed = {
      'checkout.order.placed.v1': {
        owner: 'checkout',
        impostor: 'payment',
        payload: validOrderPlacedPayload(orderId, key, 'customer:fuzz'),
      },
      'payment.payment.confirmed.v1': {
        owner: 'payment',
        impostor: 'checkout',
        payload: {
          orderId,
          gatewayReference: 'gw_fuzz',
          amountMinor: 1_250,
          currency: 'GBP',
          confirmedAt: new Date().toISOString(),
        },
      },
      'payment.payment.failed.v1': {
        owner: 'payment',
        impostor: 'fulfilment',
        payload: {
          orderId,
          reasonCode: 'declined',
          amountMinor: 1_250,
          currency: 'GBP',
          failedAt: new Date().toISOString(),
        },
      },
      'privacy.key.destroyed.v1': {
        owner: 'privacy',
        impostor: 'checkout',
        payload: {
          keyId: 'dk_fuzz',
          purpose: 'delivery-address',
          destroyedAt: new Date().toISOString(),
          reason: 'fuzz',
        },
      },
    } as const;
    const watch = new DeadLetterWatch(KAFKA_BROKERS);
    await watch.start(Object.keys(consumed));
    try {
      const before = await everything();
      await expectHostileEventsDeadLettered({
        brokers: KAFKA_BROKERS,
        watch,
        keysDir: h.keysDir,
        consumed,
        runsPerTopic: Math.max(4, Math.ceil(FUZZ_RUNS / 4)),
        timeoutMs: 60_000,
      });
      expect(await everything()).toEqual(before);
      expect(h.topics.for(orderId)).toEqual([]);

      // Still consuming: a genuine order after the storm gets its shipment.
      const order = h.newOrder();
      await h.placeOrder(order);
      await expectEventually(async () => {
        const rows: unknown[] = await h.fulfilmentDb.query(
          'SELECT 1 FROM order_intake WHERE order_id = $1',
          [order.orderId],
        );
        return rows.length === 1 ? true : undefined;
      }, 'a genuine order applied after the hostile messages');
    } finally {
      await watch.stop();
    }
  }, 120_000);
});
