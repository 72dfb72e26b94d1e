import {
  buildCarrierShipment,
  CARRIER_SHIPMENTS_PATH,
  carrierIdempotencyKeyOf,
  carrierRequestTarget,
  CarrierWireError,
  newShipmentReference,
  signCarrierMessage,
  type CarrierShipmentV1,
  type DeliveryAddress,
  type TrackingEventV1,
} from '#lumen/carrier';
import { EventSigner, generateSigningKey } from '#lumen/crypto';
import {
  expectEventually,
  startCarrierSimulator,
  type CarrierSimulatorHandle,
} from './support/carrier-simulator.harness';

interface ReceivedRequest {
  body: string;
  messageId: string | null;
  verified: boolean;
  outcome: string;
  detail: string | null;
}
interface CallbackDelivery {
  eventId: string;
  status: string;
  messageId: string;
  attempt: number;
  copy: string;
  signedWith: string;
  responseStatus: number | null;
}
interface SimulatedShipment {
  carrierShipmentId: string;
  shipmentReference: string;
}

/**
 * What fulfilment will have after opening the sealed delivery address of an order: the
 * address, and (in this test) personal data that must never reach the carrier riding along,
 * as it would if someone spread the wrong object into the builder.
 */
const ORDER = {
  orderId: '5b0f3c52-8a6e-4f0e-9d3b-2f1e0c9a7d41',
  customerId: '0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a',
  email: 'ada.lovelace@example.com',
  phone: '+44 20 7946 0321',
};
const OPENED_ADDRESS = {
  recipientName: 'Ada Lovelace',
  lines: ['12 St James’s Square', 'Flat 3'],
  city: 'London',
  region: 'Greater London',
  postcode: 'SW1Y 4JH',
  country: 'GB',
  ...ORDER,
} as DeliveryAddress;
const PARCEL = {
  weightGrams: 1_250,
  dimensionsMm: { length: 300, width: 200, height: 100 },
  itemCount: 2,
};

const newShipment = (): CarrierShipmentV1 =>
  buildCarrierShipment({
    address: OPENED_ADDRESS,
    parcel: PARCEL,
    shipmentReference: newShipmentReference(),
  });

async function failureOf(work: Promise<unknown>): Promise<CarrierWireError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof CarrierWireError)) {
    throw new Error(`expected a CarrierWireError, got ${String(error)}`);
  }
  return error;
}

describe('carrier simulator (over HTTP, with the CarrierClient)', () => {
  let sim: CarrierSimulatorHandle;

  const received = async (reference: string) =>
    (
      await sim.control<{ requests: ReceivedRequest[] }>(
        'GET',
        `/received?shipmentReference=${reference}`,
      )
    ).requests;
  const shipmentsFor = async (reference: string) =>
    (await sim.control<{ shipments: SimulatedShipment[] }>('GET', '/shipments')).shipments.filter(
      (shipment) => shipment.shipmentReference === reference,
    );
  const callbacksFor = async (reference: string) =>
    (
      await sim.control<{ deliveries: CallbackDelivery[] }>(
        'GET',
        `/callbacks?shipmentReference=${reference}`,
      )
    ).deliveries;
  const setSwitches = (switches: Record<string, unknown>) =>
    sim.control('PUT', '/switches', switches);

  /** Sends a hand-signed request: what the CarrierClient would never do. */
  const rawPost = (body: string, signer: EventSigner, tamper: (b: string) => string = (b) => b) => {
    const headers = signCarrierMessage(signer, {
      kind: 'request',
      target: carrierRequestTarget('POST', CARRIER_SHIPMENTS_PATH),
      body,
    });
    return { headers, send: () => post(tamper(body), headers) };
  };
  const post = (body: string, headers: Record<string, string>) =>
    fetch(new URL(CARRIER_SHIPMENTS_PATH, sim.baseUrl), {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
    });

  beforeAll(async () => {
    sim = await startCarrierSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });
  afterEach(async () => {
    await sim.control('POST', '/reset');
  });

  describe('what the carrier receives', () => {
    it('is exactly the allow-listed payload: the key set and the values, nothing else', async () => {
      const shipment = newShipment();
      const handover = await sim.client().createShipment(shipment);
      expect(handover).toMatchObject({ outcome: 'accepted', created: true, attempts: 1 });

      const requests = await received(shipment.shipmentReference);
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({ verified: true, outcome: 'created' });
      const body = JSON.parse(requests[0]!.body) as Record<string, unknown>;
      expect(body).toEqual({
        shipmentReference: shipment.shipmentReference,
        idempotencyKey: carrierIdempotencyKeyOf(shipment.shipmentReference),
        recipientName: 'Ada Lovelace',
        address: {
          lines: ['12 St James’s Square', 'Flat 3'],
          city: 'London',
          region: 'Greater London',
          postcode: 'SW1Y 4JH',
          country: 'GB',
        },
        parcel: {
          weightGrams: 1_250,
          dimensionsMm: { length: 300, width: 200, height: 100 },
          itemCount: 2,
        },
      });
      expect(Object.keys(body).sort()).toEqual([
        'address',
        'idempotencyKey',
        'parcel',
        'recipientName',
        'shipmentReference',
      ]);
      for (const value of Object.values(ORDER)) expect(requests[0]!.body).not.toContain(value);
      expect(requests[0]!.body).not.toMatch(/@|7946|orderId|customerId|email|phone/);
    });

    it('a payload with an extra key is refused by the carrier too, and nothing is created', async () => {
      const leaky = JSON.stringify({ ...newShipment(), email: ORDER.email });
      const response = await rawPost(leaky, sim.merchantSigner).send();
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ status: 'error', code: 'invalid-shipment' });
      const reference = (JSON.parse(leaky) as CarrierShipmentV1).shipmentReference;
      expect((await received(reference))[0]).toMatchObject({ verified: true, outcome: 'invalid' });
      expect(await shipmentsFor(reference)).toEqual([]);
    });
  });

  describe('idempotent handover', () => {
    it('retries through transient failures and hands the shipment over once', async () => {
      await setSwitches({ failNext: 2 });
      const shipment = newShipment();
      const handover = await sim
        .client({ retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 20 } })
        .createShipment(shipment);
      expect(handover).toMatchObject({ outcome: 'accepted', created: true, attempts: 3 });
      const requests = await received(shipment.shipmentReference);
      expect(requests.map((request) => request.outcome)).toEqual([
        'unavailable',
        'unavailable',
        'created',
      ]);
      expect(new Set(requests.map((request) => request.body)).size).toBe(1);
      expect(await shipmentsFor(shipment.shipmentReference)).toHaveLength(1);
    });

    it('an answer lost to a timeout: the retry gets the same shipment, never a second one', async () => {
      await setSwitches({ hangNext: 1, hangAfterAccepting: true });
      const shipment = newShipment();
      const handover = await sim
        .client({ timeoutMs: 1_500, retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 } })
        .createShipment(shipment);
      expect(handover).toMatchObject({ outcome: 'accepted', created: false, attempts: 2 });
      const shipments = await shipmentsFor(shipment.shipmentReference);
      expect(shipments).toHaveLength(1);
      expect(handover.outcome === 'accepted' && handover.carrierShipmentId).toBe(
        shipments[0]!.carrierShipmentId,
      );
      expect((await received(shipment.shipmentReference)).map((r) => r.outcome)).toEqual([
        'hung',
        'existing',
      ]);
    });

    it('redelivery after the first handover succeeded answers with the same shipment', async () => {
      const shipment = newShipment();
      const first = await sim.client().createShipment(shipment);
      const again = await sim.client().createShipment(shipment);
      expect(first).toMatchObject({ outcome: 'accepted', created: true });
      expect(again).toMatchObject({ outcome: 'accepted', created: false });
      expect(again.outcome === 'accepted' && again.carrierShipmentId).toBe(
        first.outcome === 'accepted' && first.carrierShipmentId,
      );
      expect(await shipmentsFor(shipment.shipmentReference)).toHaveLength(1);
    });

    it('twenty concurrent posts of one shipment create exactly one', async () => {
      const shipment = newShipment();
      const handovers = await Promise.all(
        Array.from({ length: 20 }, () => sim.client().createShipment(shipment)),
      );
      const ids = new Set(
        handovers.map((handover) => handover.outcome === 'accepted' && handover.carrierShipmentId),
      );
      expect(ids.size).toBe(1);
      expect(handovers.filter((h) => h.outcome === 'accepted' && h.created)).toHaveLength(1);
      expect(await shipmentsFor(shipment.shipmentReference)).toHaveLength(1);
      expect(await received(shipment.shipmentReference)).toHaveLength(20);
    });

    it('an idempotency key reused for a different shipment is a conflict, not a second shipment', async () => {
      const shipment = newShipment();
      await sim.client().createShipment(shipment);
      const changed = { ...shipment, parcel: { ...shipment.parcel, weightGrams: 2_000 } };
      const error = await failureOf(sim.client().createShipment(changed));
      expect(error).toMatchObject({
        code: 'request-rejected',
        detail: { status: 409, carrierCode: 'idempotency-conflict' },
      });
      expect(error.retryable).toBe(false);
      expect(await shipmentsFor(shipment.shipmentReference)).toHaveLength(1);
    });
  });

  describe('failure switches', () => {
    it('refuse: a signed 422 with the reason, for good, even after the switch is off', async () => {
      await setSwitches({
        refuse: { code: 'unserviceable-address', reason: 'We do not deliver to this address' },
      });
      const shipment = newShipment();
      expect(await sim.client().createShipment(shipment)).toMatchObject({
        outcome: 'refused',
        shipmentReference: shipment.shipmentReference,
        code: 'unserviceable-address',
        reason: 'We do not deliver to this address',
      });
      await sim.control('DELETE', '/switches');
      expect(await sim.client().createShipment(shipment)).toMatchObject({ outcome: 'refused' });
      expect(await sim.client().createShipment(newShipment())).toMatchObject({
        outcome: 'accepted',
      });
      expect(await shipmentsFor(shipment.shipmentReference)).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await callbacksFor(shipment.shipmentReference)).toEqual([]);
    });

    it('fail transiently: an unsigned 503, retryable, nothing created', async () => {
      await setSwitches({ failNext: 1 });
      const shipment = newShipment();
      const error = await failureOf(sim.client().createShipment(shipment));
      expect(error).toMatchObject({ code: 'carrier-unavailable', detail: { status: 503 } });
      expect(error.retryable).toBe(true);
      expect(await shipmentsFor(shipment.shipmentReference)).toEqual([]);
      expect(await sim.client().createShipment(shipment)).toMatchObject({ created: true });
    });

    it('time out before accepting: the client gives up, nothing is created until the retry', async () => {
      await setSwitches({ hangNext: 1, hangAfterAccepting: false });
      const shipment = newShipment();
      const started = Date.now();
      const error = await failureOf(sim.client({ timeoutMs: 300 }).createShipment(shipment));
      expect(error.code).toBe('timeout');
      expect(error.retryable).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(await shipmentsFor(shipment.shipmentReference)).toEqual([]);
      expect(await sim.client().createShipment(shipment)).toMatchObject({ created: true });
    });
  });

  describe('signed requests', () => {
    it('refuses a request signed by a key it does not trust, with a signed 401', async () => {
      const stranger = new EventSigner(generateSigningKey('merchant').signing);
      const shipment = newShipment();
      const error = await failureOf(sim.client({ signer: stranger }).createShipment(shipment));
      expect(error).toMatchObject({
        code: 'request-rejected',
        detail: { status: 401, carrierCode: 'unauthenticated' },
      });
      expect(error.message).toContain('unknown-key');
      expect((await received(shipment.shipmentReference))[0]).toMatchObject({
        verified: false,
        outcome: 'unauthenticated',
        detail: 'unknown-key',
      });
      expect(await shipmentsFor(shipment.shipmentReference)).toEqual([]);
    });

    it('refuses a body with one byte changed after signing', async () => {
      const shipment = newShipment();
      const body = JSON.stringify(shipment);
      const response = await rawPost(body, sim.merchantSigner, (b) =>
        b.replace('"weightGrams":1250', '"weightGrams":1251'),
      ).send();
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: 'unauthenticated' });
      expect((await received(shipment.shipmentReference))[0]).toMatchObject({
        detail: 'bad-signature',
      });
      expect(await shipmentsFor(shipment.shipmentReference)).toEqual([]);
    });

    it('refuses a replayed request, and a stale one', async () => {
      const shipment = newShipment();
      const body = JSON.stringify(shipment);
      const { headers } = rawPost(body, sim.merchantSigner);
      expect((await post(body, headers)).status).toBe(201);
      const replay = await post(body, headers);
      expect(replay.status).toBe(401);
      expect(((await replay.json()) as { message: string }).message).toContain('replayed');
      const stale = signCarrierMessage(
        sim.merchantSigner,
        { kind: 'request', target: carrierRequestTarget('POST', CARRIER_SHIPMENTS_PATH), body },
        { now: new Date(Date.now() - 301_000) },
      );
      expect((await post(body, stale)).status).toBe(401);
      expect((await received(shipment.shipmentReference)).map((r) => r.detail)).toEqual([
        null,
        'replayed',
        'stale-timestamp',
      ]);
    });
  });

  describe('tracking callbacks', () => {
    const track = async (switches: Record<string, unknown> = {}) => {
      await setSwitches(switches);
      const shipment = newShipment();
      const handover = await sim.client().createShipment(shipment);
      if (handover.outcome !== 'accepted') throw new Error('not accepted');
      return { shipment, handover };
    };
    const settled = async (reference: string, deliveries: number) =>
      expectEventually(async () => {
        const seen = await callbacksFor(reference);
        return seen.length >= deliveries ? seen : undefined;
      }, `${deliveries} callback deliveries`);

    it('dispatched, then delivered, signed by the carrier and verified by the merchant', async () => {
      const { shipment, handover } = await track();
      const events = await expectEventually(async () => {
        const got = sim.receiver.eventsFor(shipment.shipmentReference);
        return Promise.resolve(got.length === 2 ? got : undefined);
      }, 'dispatched and delivered');
      expect(events.map((event) => event.status)).toEqual(['dispatched', 'delivered']);
      for (const event of events) {
        expect(event).toMatchObject<Partial<TrackingEventV1>>({
          shipmentReference: shipment.shipmentReference,
          carrierShipmentId: handover.carrierShipmentId,
        });
      }
      expect(Date.parse(events[1]!.occurredAt)).toBeGreaterThanOrEqual(
        Date.parse(events[0]!.occurredAt),
      );
      const deliveries = await callbacksFor(shipment.shipmentReference);
      expect(deliveries.map((d) => [d.status, d.responseStatus])).toEqual([
        ['dispatched', 204],
        ['delivered', 204],
      ]);
    });

    it('the tracking query answers the same events, for reconciling lost callbacks', async () => {
      sim.receiver.failNext = 1_000; // the merchant is down: every callback is lost
      const { shipment, handover } = await track();
      const tracking = await expectEventually(async () => {
        const answer = await sim.client().trackShipment(handover.carrierShipmentId);
        return answer.events.length === 2 ? answer : undefined;
      }, 'two tracking events');
      sim.receiver.failNext = 0;
      expect(tracking).toMatchObject({
        shipmentReference: shipment.shipmentReference,
        carrierShipmentId: handover.carrierShipmentId,
      });
      expect(tracking.events.map((event) => event.status)).toEqual(['dispatched', 'delivered']);
      const sent = await callbacksFor(shipment.shipmentReference);
      expect(new Set(sent.map((delivery) => delivery.eventId))).toEqual(
        new Set(tracking.events.map((event) => event.eventId)),
      );
      const unknown = await failureOf(sim.client().trackShipment('SIM-unknown'));
      expect(unknown).toMatchObject({
        code: 'request-rejected',
        detail: { status: 404, carrierCode: 'unknown-shipment' },
      });
      const stranger = new EventSigner(generateSigningKey('merchant').signing);
      const refused = await failureOf(
        sim.client({ signer: stranger }).trackShipment(handover.carrierShipmentId),
      );
      expect(refused).toMatchObject({ code: 'request-rejected', detail: { status: 401 } });
    });

    it('a callback the merchant could not take (503) is retried: same event, new message', async () => {
      sim.receiver.failNext = 1;
      const { shipment } = await track();
      const deliveries = await settled(shipment.shipmentReference, 3);
      expect(deliveries.map((d) => [d.status, d.attempt, d.responseStatus])).toEqual([
        ['dispatched', 1, 503],
        ['dispatched', 2, 204],
        ['delivered', 1, 204],
      ]);
      expect(deliveries[0]!.eventId).toBe(deliveries[1]!.eventId);
      expect(deliveries[0]!.messageId).not.toBe(deliveries[1]!.messageId);
      expect(sim.receiver.eventsFor(shipment.shipmentReference).map((e) => e.status)).toEqual([
        'dispatched',
        'delivered',
      ]);
    });

    it('a duplicate (same event, new message) is verified, and deduplicated on the event id', async () => {
      const { shipment } = await track({ duplicateCallbacks: 'resend' });
      const deliveries = await settled(shipment.shipmentReference, 4);
      expect(deliveries.map((d) => [d.status, d.copy, d.responseStatus])).toEqual([
        ['dispatched', 'original', 204],
        ['dispatched', 'resend', 204],
        ['delivered', 'original', 204],
        ['delivered', 'resend', 204],
      ]);
      expect(deliveries[0]!.eventId).toBe(deliveries[1]!.eventId);
      expect(deliveries[0]!.messageId).not.toBe(deliveries[1]!.messageId);
      expect(sim.receiver.eventsFor(shipment.shipmentReference)).toHaveLength(2);
      expect(
        sim.receiver.duplicates.filter((e) => e.shipmentReference === shipment.shipmentReference),
      ).toHaveLength(2);
    });

    it('a replayed callback (the same signed message again) is refused by the merchant', async () => {
      const { shipment } = await track({ duplicateCallbacks: 'replay' });
      const deliveries = await settled(shipment.shipmentReference, 4);
      expect(deliveries.map((d) => [d.status, d.copy, d.responseStatus])).toEqual([
        ['dispatched', 'original', 204],
        ['dispatched', 'replay', 401],
        ['delivered', 'original', 204],
        ['delivered', 'replay', 401],
      ]);
      expect(deliveries[0]!.messageId).toBe(deliveries[1]!.messageId);
      expect(sim.receiver.refusals.filter((r) => r.reason === 'replayed')).toHaveLength(2);
      expect(sim.receiver.eventsFor(shipment.shipmentReference)).toHaveLength(2);
    });

    it.each([
      ['unknown', 'unknown-key'],
      ['forged', 'bad-signature'],
    ] as const)(
      'a callback signed with the wrong key (%s) is refused and never retried',
      async (callbackKey, reason) => {
        const before = sim.receiver.refusals.length;
        const { shipment } = await track({ callbackKey });
        const deliveries = await settled(shipment.shipmentReference, 2);
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect((await callbacksFor(shipment.shipmentReference)).length).toBe(2);
        expect(deliveries.map((d) => [d.status, d.signedWith, d.responseStatus])).toEqual([
          ['dispatched', callbackKey, 401],
          ['delivered', callbackKey, 401],
        ]);
        expect(sim.receiver.refusals.slice(before).map((r) => r.reason)).toEqual([reason, reason]);
        expect(sim.receiver.eventsFor(shipment.shipmentReference)).toEqual([]);
      },
    );
  });

  describe('simulator control with a token', () => {
    it('needs the Bearer token when one is configured', async () => {
      const token = 'carrier-simulator-control-token-0123456789';
      const guarded = await startCarrierSimulator({ CARRIER_SIMULATOR_CONTROL_TOKEN: token });
      try {
        const bare = await fetch(new URL('/_test/switches', guarded.baseUrl));
        expect(bare.status).toBe(401);
        const wrong = await fetch(new URL('/_test/switches', guarded.baseUrl), {
          headers: { authorization: `Bearer ${token}x` },
        });
        expect(wrong.status).toBe(401);
        expect(await guarded.control('GET', '/switches')).toMatchObject({ failNext: 0 });
      } finally {
        await guarded.close();
      }
    });
  });
});
