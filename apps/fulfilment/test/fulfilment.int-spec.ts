import {
  carrierIdempotencyKeyOf,
  signCarrierMessage,
  type CarrierSignedHeaders,
  type TrackingEventV1,
} from '#lumen/carrier';
import { LUMEN_TOPICS } from '#lumen/contracts';
import { EventSigner, generateSigningKey } from '#lumen/crypto';
import { checkMessage } from '#lumen/messaging';
import { startTelemetry, type Telemetry } from '#lumen/observability';
import {
  expectEventually,
  FULFILMENT_TOPICS,
  randomLetters,
  startHarness,
  type Harness,
  type TestOrder,
} from './support/fulfilment.harness';

interface ShipmentRow {
  shipment_id: string;
  order_id: string;
  shipment_reference: string;
  carrier: string;
  status: string;
  carrier_shipment_id: string | null;
  reason_code: string | null;
  handover_attempts: number;
}

interface ReceivedRequest {
  body: string;
  verified: boolean;
  outcome: string;
}

interface CallbackDelivery {
  eventId: string;
  status: string;
  copy: string;
  responseStatus: number | null;
}

interface PublishedEvent {
  topic: string;
  id: string;
  payload: Record<string, unknown>;
}

describe('fulfilment (real PostgreSQL, Kafka, key service and carrier simulator)', () => {
  let h: Harness;
  const orders: TestOrder[] = [];

  const newOrder = (itemCount?: number): TestOrder => {
    const order = h.newOrder(itemCount);
    orders.push(order);
    return order;
  };

  const shipmentOf = async (orderId: string): Promise<ShipmentRow | undefined> => {
    const rows: ShipmentRow[] = await h.fulfilmentDb.query(
      `SELECT shipment_id, order_id, shipment_reference, carrier, status, carrier_shipment_id,
         reason_code, handover_attempts
       FROM shipments WHERE order_id = $1`,
      [orderId],
    );
    return rows[0];
  };

  const settled = (orderId: string, status: string) =>
    expectEventually(async () => {
      const row = await shipmentOf(orderId);
      return row?.status === status ? row : undefined;
    }, `shipment of ${orderId} ${status}`);

  const receivedFor = async (reference: string): Promise<ReceivedRequest[]> =>
    (
      await h.simulator<{ requests: ReceivedRequest[] }>(
        'GET',
        `/received?shipmentReference=${reference}`,
      )
    ).requests;

  const callbacksFor = async (reference: string): Promise<CallbackDelivery[]> =>
    (
      await h.simulator<{ deliveries: CallbackDelivery[] }>(
        'GET',
        `/callbacks?shipmentReference=${reference}`,
      )
    ).deliveries;

  /** The order's events on the fulfilment topics, each checked as a consumer checks it. */
  const publishedFor = (orderId: string): PublishedEvent[] =>
    h.topics.for(orderId).map((message) => {
      const check = checkMessage(message, LUMEN_TOPICS, h.keyRing);
      if (!check.ok) throw new Error(`${message.topic}: ${check.reason} ${check.detail}`);
      expect(check.event.producer).toBe('fulfilment');
      return {
        topic: check.event.topic,
        id: check.event.id,
        payload: check.event.payload as Record<string, unknown>,
      };
    });

  const outboxCount = async (orderId: string, topic: string): Promise<number> => {
    const rows: { count: number }[] = await h.fulfilmentDb.query(
      'SELECT count(*)::int AS count FROM outbox WHERE message_key = $1 AND topic = $2',
      [orderId, topic],
    );
    return rows[0]?.count ?? 0;
  };

  const sealedAddressCount = async (orderId: string): Promise<number> => {
    const rows: { count: number }[] = await h.fulfilmentDb.query(
      'SELECT count(*)::int AS count FROM sealed_addresses WHERE order_id = $1',
      [orderId],
    );
    return rows[0]?.count ?? 0;
  };

  let telemetry: Telemetry;

  beforeAll(async () => {
    // Spans in memory, through the same redacting pipeline an exporter gets.
    telemetry = startTelemetry({ serviceName: 'fulfilment', exporter: 'memory' });
    h = await startHarness();
  });

  afterAll(async () => {
    await h.close();
    await telemetry.shutdown();
  });

  afterEach(async () => {
    await h.simulator('DELETE', '/switches');
  });

  it('hands the carrier exactly the allow-listed delivery details, then tracks the parcel to delivered', async () => {
    const order = newOrder(2);
    await h.placeOrder(order);
    await h.confirmPayment(order);

    const delivered = await settled(order.orderId, 'delivered');
    const reference = delivered.shipment_reference;
    const [request, ...others] = await receivedFor(reference);
    expect(others).toHaveLength(0);
    expect(request).toMatchObject({ verified: true, outcome: 'created' });

    // What left Lumen, byte for byte as the carrier received it.
    const sent = JSON.parse(request!.body) as Record<string, unknown>;
    expect(sent).toStrictEqual({
      shipmentReference: reference,
      idempotencyKey: carrierIdempotencyKeyOf(reference),
      recipientName: order.address.recipientName,
      address: {
        lines: [...order.address.lines],
        city: order.address.city,
        region: order.address.region,
        postcode: order.address.postcode,
        country: 'GB',
      },
      parcel: {
        weightGrams: 2 * 500 + 250,
        dimensionsMm: { length: 350, width: 250, height: 160 },
        itemCount: 2,
      },
    });
    expect(Object.keys(sent).sort()).toEqual([
      'address',
      'idempotencyKey',
      'parcel',
      'recipientName',
      'shipmentReference',
    ]);
    for (const unsent of [order.email, order.phone, order.orderId, order.customerId]) {
      expect(request!.body).not.toContain(unsent);
    }

    expect(delivered).toMatchObject({
      carrier: 'carrier-simulator',
      reason_code: null,
      handover_attempts: 1,
    });
    expect(delivered.carrier_shipment_id).toMatch(/^SIM-/);
    // The sealed address is deleted once the shipment left `pending`.
    expect(await sealedAddressCount(order.orderId)).toBe(0);

    const events = await expectEventually(() => {
      const found = publishedFor(order.orderId);
      return Promise.resolve(found.length >= 3 ? found : undefined);
    }, 'three shipment events on Kafka');
    const common = {
      shipmentId: delivered.shipment_id,
      orderId: order.orderId,
      carrier: 'carrier-simulator',
    };
    expect(events.map((event) => event.topic)).toEqual([
      'fulfilment.shipment.created.v1',
      'fulfilment.shipment.dispatched.v1',
      'fulfilment.shipment.delivered.v1',
    ]);
    expect(events[0]!.payload).toStrictEqual({
      ...common,
      carrierReference: delivered.carrier_shipment_id,
      occurredAt: expect.any(String) as unknown,
    });
    expect(events[1]!.payload).toStrictEqual({
      ...common,
      occurredAt: expect.any(String) as unknown,
    });
    expect(events[2]!.payload).toStrictEqual({
      ...common,
      occurredAt: expect.any(String) as unknown,
    });
  });

  it('hands a shipment over once however often the events are redelivered, in whatever order', async () => {
    const order = newOrder();
    // Payment's event arrives first and twice (a redelivery), and once more under a new id
    // (payment published it again); the placed order arrives after, twice.
    const confirmed = await h.confirmPayment(order);
    await h.redeliver(confirmed);
    const confirmedAgain = await h.confirmPayment(order);
    const placed = await h.placeOrder(order);
    await h.redeliver(placed);
    await h.redeliver(confirmed);

    const shipment = await expectEventually(async () => {
      const row = await shipmentOf(order.orderId);
      return row && row.status !== 'pending' ? row : undefined;
    }, 'the handover');
    // Every event was taken (so every redelivery had its chance to hand over again)...
    await expectEventually(async () => {
      const rows: { event_id: string }[] = await h.fulfilmentDb.query(
        'SELECT event_id FROM inbox WHERE event_id = ANY($1::uuid[])',
        [[confirmed, confirmedAgain, placed]],
      );
      return rows.length === 3 ? true : undefined;
    }, 'all three events in the inbox');
    await settled(order.orderId, 'delivered');

    // ...and the carrier saw one request, with one shipment behind it.
    const requests = await receivedFor(shipment.shipment_reference);
    expect(requests.map((request) => request.outcome)).toEqual(['created']);
    const rows: unknown[] = await h.fulfilmentDb.query(
      'SELECT 1 FROM shipments WHERE order_id = $1',
      [order.orderId],
    );
    expect(rows).toHaveLength(1);
    expect(await outboxCount(order.orderId, 'fulfilment.shipment.created.v1')).toBe(1);
  });

  it('hands each shipment over once when two instances share the work', async () => {
    const stopReplica = await h.startReplica();
    try {
      const batch = Array.from({ length: 8 }, () => newOrder());
      await Promise.all(batch.map((order) => h.placeOrder(order)));
      await Promise.all(batch.map((order) => h.confirmPayment(order)));
      for (const order of batch) {
        const shipment = await settled(order.orderId, 'delivered');
        const requests = await receivedFor(shipment.shipment_reference);
        expect(requests.map((request) => request.outcome)).toEqual(['created']);
        expect(await outboxCount(order.orderId, 'fulfilment.shipment.created.v1')).toBe(1);
        expect(await outboxCount(order.orderId, 'fulfilment.shipment.delivered.v1')).toBe(1);
      }
    } finally {
      await stopReplica();
    }
  });

  it('fails the shipment with carrier-refused when the carrier refuses it for good', async () => {
    await h.simulator('PUT', '/switches', {
      refuse: { code: 'address-unserviceable', reason: 'We do not deliver there' },
    });
    const order = newOrder();
    await h.placeOrder(order);
    await h.confirmPayment(order);

    const failed = await settled(order.orderId, 'failed');
    expect(failed).toMatchObject({ reason_code: 'carrier-refused', carrier_shipment_id: null });
    expect((await receivedFor(failed.shipment_reference)).map((r) => r.outcome)).toEqual([
      'refused',
    ]);
    expect(await sealedAddressCount(order.orderId)).toBe(0);

    const [event, ...more] = await expectEventually(() => {
      const found = publishedFor(order.orderId);
      return Promise.resolve(found.length > 0 ? found : undefined);
    }, 'the failed event on Kafka');
    expect(more).toHaveLength(0);
    expect(event!.topic).toBe('fulfilment.shipment.failed.v1');
    expect(event!.payload).toStrictEqual({
      shipmentId: failed.shipment_id,
      orderId: order.orderId,
      carrier: 'carrier-simulator',
      occurredAt: expect.any(String) as unknown,
      reasonCode: 'carrier-refused',
    });
  });

  it('retries a carrier that is down, with the same idempotency key, until it takes the shipment', async () => {
    // Two quick attempts per handover: the first handover gets 503 twice and is rescheduled,
    // the second gets 503 once more and then the shipment is created.
    await h.simulator('PUT', '/switches', { failNext: 3 });
    const order = newOrder();
    await h.placeOrder(order);
    await h.confirmPayment(order);

    const shipment = await settled(order.orderId, 'delivered');
    expect(shipment.handover_attempts).toBe(2);
    const requests = await receivedFor(shipment.shipment_reference);
    expect(requests.map((request) => request.outcome)).toEqual([
      'unavailable',
      'unavailable',
      'unavailable',
      'created',
    ]);
    const keys = requests.map(
      (request) => (JSON.parse(request.body) as { idempotencyKey: string }).idempotencyKey,
    );
    expect(new Set(keys)).toEqual(new Set([carrierIdempotencyKeyOf(shipment.shipment_reference)]));
    expect(await outboxCount(order.orderId, 'fulfilment.shipment.created.v1')).toBe(1);
  });

  it('gets the same shipment back when the carrier accepted it but its answer was lost', async () => {
    await h.simulator('PUT', '/switches', { hangNext: 1, hangAfterAccepting: true });
    const order = newOrder();
    await h.placeOrder(order);
    await h.confirmPayment(order);

    const shipment = await settled(order.orderId, 'delivered');
    const requests = await receivedFor(shipment.shipment_reference);
    expect(requests.map((request) => request.outcome)).toEqual(['hung', 'existing']);
    const { shipments } = await h.simulator<{
      shipments: { shipmentReference: string; carrierShipmentId: string }[];
    }>('GET', '/shipments');
    const atCarrier = shipments.filter((s) => s.shipmentReference === shipment.shipment_reference);
    expect(atCarrier).toHaveLength(1);
    expect(shipment.carrier_shipment_id).toBe(atCarrier[0]!.carrierShipmentId);
  });

  describe('tracking callbacks', () => {
    /** A handed-over shipment the simulator will not send callbacks for on its own. */
    async function quietShipment(): Promise<{ order: TestOrder; shipment: ShipmentRow }> {
      await h.simulator('PUT', '/switches', {
        dispatchDelayMs: 3_600_000,
        deliveryDelayMs: 3_600_000,
      });
      const order = newOrder();
      await h.placeOrder(order);
      await h.confirmPayment(order);
      const shipment = await settled(order.orderId, 'handed_over');
      return { order, shipment };
    }

    function trackingEvent(
      shipment: ShipmentRow,
      status: TrackingEventV1['status'],
    ): TrackingEventV1 {
      return {
        eventId: `evt_${randomLetters(20)}`,
        shipmentReference: shipment.shipment_reference,
        carrierShipmentId: shipment.carrier_shipment_id!,
        status,
        occurredAt: new Date().toISOString(),
      };
    }

    function signed(
      event: TrackingEventV1,
      signer: EventSigner = h.carrierSigner,
      now?: Date,
    ): { body: string; headers: CarrierSignedHeaders } {
      const body = JSON.stringify(event);
      const target = new URL(h.callbackUrl).pathname;
      const headers = signCarrierMessage(
        signer,
        { kind: 'callback', target, body },
        now ? { now } : {},
      );
      return { body, headers };
    }

    const post = (message: { body: string; headers: CarrierSignedHeaders }) =>
      fetch(h.callbackUrl, {
        method: 'POST',
        headers: { ...message.headers, 'content-type': 'application/json' },
        body: message.body,
      });

    /** Everything a callback could change, to prove a refused one changed nothing. */
    async function snapshot(orderId: string): Promise<unknown> {
      const query = (sql: string): Promise<unknown[]> => h.fulfilmentDb.query(sql);
      return {
        shipment: await shipmentOf(orderId),
        tracking: await query('SELECT event_id, status FROM tracking_events ORDER BY event_id'),
        messages: await query(
          'SELECT key_id, message_id FROM callback_messages ORDER BY key_id, message_id',
        ),
        outbox: await query('SELECT event_id FROM outbox ORDER BY id'),
      };
    }

    it('refuses a bad signature (401) and a replay (409), and neither changes anything', async () => {
      const { order, shipment } = await quietShipment();

      const dispatched = signed(trackingEvent(shipment, 'dispatched'));
      const first = await post(dispatched);
      expect(first.status).toBe(200);
      expect(await first.json()).toEqual({ status: 'accepted', result: 'applied' });
      await settled(order.orderId, 'dispatched');

      const before = await snapshot(order.orderId);
      // The same message again, byte for byte: a replay.
      const replay = await post(dispatched);
      expect(replay.status).toBe(409);
      expect(await replay.json()).toMatchObject({ code: 'callback-replayed' });

      const delivered = trackingEvent(shipment, 'delivered');
      const stranger = new EventSigner(generateSigningKey('carrier').signing);
      const forger = new EventSigner({
        ...generateSigningKey('carrier').signing,
        keyId: h.carrierSigner.keyId,
      });
      const good = signed(delivered);
      const refused = [
        // Signed by a key fulfilment never trusted.
        signed(delivered, stranger),
        // Signed by another key claiming the carrier's key id.
        signed(delivered, forger),
        // The carrier's signature over other bytes.
        { body: good.body.replace('"delivered"', '"dispatched"'), headers: good.headers },
        // Signed long ago: outside the freshness window.
        signed(delivered, h.carrierSigner, new Date(Date.now() - 15 * 60_000)),
        // No signature at all.
        { body: good.body, headers: {} },
      ];
      for (const message of refused) {
        const response = await post(message);
        expect(response.status).toBe(401);
        expect(await response.json()).toMatchObject({ code: 'callback-unauthenticated' });
      }
      expect(await snapshot(order.orderId)).toEqual(before);

      // The genuine message still goes through afterwards: refusals did not burn its id.
      const accepted = await post(good);
      expect(accepted.status).toBe(200);
      await settled(order.orderId, 'delivered');
      const events = await expectEventually(() => {
        const found = publishedFor(order.orderId);
        return Promise.resolve(found.length >= 3 ? found : undefined);
      }, 'three events');
      expect(events.map((event) => event.topic)).toEqual([
        'fulfilment.shipment.created.v1',
        'fulfilment.shipment.dispatched.v1',
        'fulfilment.shipment.delivered.v1',
      ]);
    });

    it('answers a carrier retry of the same event as before, and publishes nothing twice', async () => {
      const { order, shipment } = await quietShipment();
      const event = trackingEvent(shipment, 'dispatched');
      expect((await post(signed(event))).status).toBe(200);
      // Same event id, new signed message: the carrier's retry after a lost acknowledgement.
      const retry = await post(signed(event));
      expect(retry.status).toBe(200);
      expect(await retry.json()).toEqual({ status: 'accepted', result: 'duplicate' });
      expect(await outboxCount(order.orderId, 'fulfilment.shipment.dispatched.v1')).toBe(1);
    });

    it('refuses events for unknown shipments or another carrier shipment id', async () => {
      const { order, shipment } = await quietShipment();
      const before = await snapshot(order.orderId);
      const unknown = await post(
        signed({
          ...trackingEvent(shipment, 'dispatched'),
          shipmentReference: 'shp_aaaaaaaaaaaaaaaaaaaaaaaaaa',
        }),
      );
      expect(unknown.status).toBe(404);
      const mismatch = await post(
        signed({ ...trackingEvent(shipment, 'dispatched'), carrierShipmentId: 'SIM-someone-else' }),
      );
      expect(mismatch.status).toBe(409);
      const invalid = await post(
        signed({
          ...trackingEvent(shipment, 'dispatched'),
          status: 'lost',
        } as unknown as TrackingEventV1),
      );
      expect(invalid.status).toBe(400);
      expect(await snapshot(order.orderId)).toEqual(before);
    });

    it('refuses callbacks signed by a forged key, and catches up with the carrier tracking query instead', async () => {
      // Every callback of this parcel is forged (another key behind the carrier's key id) and
      // refused: as far as fulfilment is concerned, they are lost.
      await h.simulator('PUT', '/switches', { callbackKey: 'forged' });
      const forgedOrder = newOrder();
      await h.placeOrder(forgedOrder);
      await h.confirmPayment(forgedOrder);
      const handedOver = await settled(forgedOrder.orderId, 'handed_over');
      const refused = await expectEventually(async () => {
        const deliveries = await callbacksFor(handedOver.shipment_reference);
        return deliveries.length >= 2 ? deliveries : undefined;
      }, 'both forged callbacks delivered');
      expect(refused.map((d) => d.responseStatus)).toEqual([401, 401]);

      // Without news, fulfilment asks the carrier's signed tracking query and applies what the
      // callbacks did not bring, under the carrier's own event ids, once.
      await settled(forgedOrder.orderId, 'delivered');
      const applied: { event_id: string; status: string }[] = await h.fulfilmentDb.query(
        'SELECT event_id, status FROM tracking_events WHERE shipment_id = $1 ORDER BY occurred_at',
        [handedOver.shipment_id],
      );
      expect(applied).toEqual(refused.map((d) => ({ event_id: d.eventId, status: d.status })));
      expect(await outboxCount(forgedOrder.orderId, 'fulfilment.shipment.dispatched.v1')).toBe(1);
      expect(await outboxCount(forgedOrder.orderId, 'fulfilment.shipment.delivered.v1')).toBe(1);
    });

    it('refuses the replayed copies of the simulator callbacks', async () => {
      // Replayed: the original is applied, its exact copy refused.
      await h.simulator('PUT', '/switches', {
        callbackKey: 'carrier',
        duplicateCallbacks: 'replay',
      });
      const order = newOrder();
      await h.placeOrder(order);
      await h.confirmPayment(order);
      const shipment = await settled(order.orderId, 'delivered');
      const deliveries = await expectEventually(async () => {
        const found = await callbacksFor(shipment.shipment_reference);
        return found.length >= 4 ? found : undefined;
      }, 'callbacks and their replays');
      expect(deliveries.map((d) => [d.status, d.copy, d.responseStatus])).toEqual([
        ['dispatched', 'original', 200],
        ['dispatched', 'replay', 409],
        ['delivered', 'original', 200],
        ['delivered', 'replay', 409],
      ]);
      expect(await outboxCount(order.orderId, 'fulfilment.shipment.dispatched.v1')).toBe(1);
      expect(await outboxCount(order.orderId, 'fulfilment.shipment.delivered.v1')).toBe(1);
    });
  });

  it('fails with address-unavailable when the address key was destroyed before payment', async () => {
    const order = newOrder();
    await h.placeOrder(order);
    await expectEventually(
      async () => ((await sealedAddressCount(order.orderId)) === 1 ? true : undefined),
      'the sealed address kept',
    );
    await h.destroyKey(await h.addressKeyOf(order));
    // The key service announces it; fulfilment deletes what it can no longer open anyway.
    await expectEventually(
      async () => ((await sealedAddressCount(order.orderId)) === 0 ? true : undefined),
      'the sealed address deleted',
    );
    await h.confirmPayment(order);

    const failed = await settled(order.orderId, 'failed');
    expect(failed.reason_code).toBe('address-unavailable');
    expect(await receivedFor(failed.shipment_reference)).toEqual([]);
    expect(await outboxCount(order.orderId, 'fulfilment.shipment.failed.v1')).toBe(1);
  });

  it('fails goods that do not fit one courier parcel with parcel-over-limit, without a carrier call', async () => {
    const order = newOrder(200);
    await h.placeOrder(order);
    await h.confirmPayment(order);
    const failed = await settled(order.orderId, 'failed');
    expect(failed.reason_code).toBe('parcel-over-limit');
    expect(await receivedFor(failed.shipment_reference)).toEqual([]);
    expect(await sealedAddressCount(order.orderId)).toBe(0);
    const [event] = await expectEventually(() => {
      const found = publishedFor(order.orderId);
      return Promise.resolve(found.length > 0 ? found : undefined);
    }, 'the failed event on Kafka');
    expect(event!.payload).toMatchObject({ reasonCode: 'parcel-over-limit' });
  });

  it('deletes the sealed address when the payment fails, and never ships the order', async () => {
    const order = newOrder();
    await h.placeOrder(order);
    await expectEventually(
      async () => ((await sealedAddressCount(order.orderId)) === 1 ? true : undefined),
      'the sealed address kept',
    );
    await h.failPayment(order);
    await expectEventually(
      async () => ((await sealedAddressCount(order.orderId)) === 0 ? true : undefined),
      'the sealed address deleted',
    );
    // A confirmation contradicting the failure does not ship goods for an unpaid order.
    const confirmed = await h.confirmPayment(order);
    await expectEventually(async () => {
      const rows: unknown[] = await h.fulfilmentDb.query(
        'SELECT 1 FROM inbox WHERE event_id = $1',
        [confirmed],
      );
      return rows.length === 1 ? true : undefined;
    }, 'the confirmation taken');
    expect(await shipmentOf(order.orderId)).toBeUndefined();
  });

  it('deletes the sealed address of an order left unpaid, and a late payment cannot ship it', async () => {
    const order = newOrder();
    await h.placeOrder(order);
    await expectEventually(
      async () => ((await sealedAddressCount(order.orderId)) === 1 ? true : undefined),
      'the sealed address kept',
    );
    // The harness keeps an unpaid order's address for 4 s.
    await expectEventually(
      async () => ((await sealedAddressCount(order.orderId)) === 0 ? true : undefined),
      'the sealed address expired',
      15_000,
    );
    await h.confirmPayment(order);
    const failed = await settled(order.orderId, 'failed');
    expect(failed.reason_code).toBe('address-unavailable');
    expect(await receivedFor(failed.shipment_reference)).toEqual([]);
  });

  it("continues the order's trace through the handover and onto the topic", async () => {
    const order = newOrder();
    const placed = await h.placeOrder(order);
    const confirmed = await h.confirmPayment(order);
    const shipment = await settled(order.orderId, 'delivered');

    const spans = await expectEventually(async () => {
      const all = await telemetry.finishedSpans();
      const handover = all.find(
        (span) =>
          span.name === 'fulfilment shipment handover' &&
          span.attributes['lumen.shipment.id'] === shipment.shipment_id,
      );
      const processed = all.filter((span) =>
        [placed, confirmed].includes(String(span.attributes['messaging.message.id'])),
      );
      // The in-process key service consumes order.placed too (its customer directory), so
      // count the events seen, not the consumer spans.
      const eventsSeen = new Set(
        processed.map((span) => String(span.attributes['messaging.message.id'])),
      );
      return handover && eventsSeen.size === 2 ? { handover, processed } : undefined;
    }, 'the handover span and both consumer spans');
    const traceId = spans.handover.spanContext().traceId;
    // The shipment started in the consumer span of whichever event came last...
    expect(spans.processed.map((span) => span.spanContext().traceId)).toContain(traceId);
    // ...and the event the handover published travels on in the same trace.
    const created = await expectEventually(
      () =>
        Promise.resolve(
          h.topics
            .for(order.orderId)
            .find((message) => message.topic === 'fulfilment.shipment.created.v1'),
        ),
      'the created event',
    );
    expect(created.headers.traceparent?.split('-')[1]).toBe(traceId);
  });

  it('keeps no personal value in its tables, on its topics, in its logs or its spans', async () => {
    expect(orders.length).toBeGreaterThan(5);
    const personal = orders.flatMap((order) => order.personalValues);
    const found = (bytes: Buffer): string[] =>
      personal.filter((value) => bytes.includes(Buffer.from(value, 'utf8')));

    const tables: { table_name: string }[] = await h.fulfilmentDb.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1`,
      [h.fulfilmentSchema],
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['shipments', 'order_intake', 'sealed_addresses', 'outbox', 'inbox']),
    );
    for (const { table_name } of tables) {
      const rows: Record<string, unknown>[] = await h.fulfilmentDb.query(
        `SELECT * FROM "${h.fulfilmentSchema}"."${table_name}"`,
      );
      for (const row of rows) {
        for (const value of Object.values(row)) {
          // bytea as its bytes (the outbox stores events that way), everything else as text.
          const bytes = Buffer.isBuffer(value)
            ? value
            : Buffer.from((JSON.stringify(value) as string | undefined) ?? 'null');
          expect({ table: table_name, found: found(bytes) }).toEqual({
            table: table_name,
            found: [],
          });
        }
      }
    }

    const messages = h.topics.messages.filter((m) =>
      orders.some((order) => order.orderId === m.key),
    );
    expect(new Set(messages.map((m) => m.topic))).toEqual(new Set(FULFILMENT_TOPICS));
    for (const message of messages) {
      expect(found(message.value ?? Buffer.alloc(0))).toEqual([]);
      expect(found(Buffer.from(JSON.stringify(message.headers)))).toEqual([]);
    }

    expect(h.logLines.length).toBeGreaterThan(0);
    expect(found(Buffer.from(h.logLines.join('\n')))).toEqual([]);

    const spans = await telemetry.finishedSpans();
    expect(spans.length).toBeGreaterThan(0);
    const spanText = JSON.stringify(
      spans.map((span) => ({ name: span.name, attributes: span.attributes, events: span.events })),
    );
    expect(found(Buffer.from(spanText))).toEqual([]);
  });

  it('refuses a callback body that is not JSON as unsigned, before reading it', async () => {
    const response = await fetch(h.callbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(401);
  });
});
