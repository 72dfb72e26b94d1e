import fc from 'fast-check';
import {
  buildCarrierShipment,
  CARRIER_SHIPMENTS_PATH,
  carrierRequestTarget,
  newShipmentReference,
  signCarrierMessage,
  type DeliveryAddress,
} from '#lumen/carrier';
import {
  FUZZ_RUNS,
  hostileBodyText,
  hostileJsonText,
  hostilePathSegment,
  isCleanRefusal,
  oversizedJsonBody,
  send,
  sendDeclaringLength,
} from '../../../test/support/hostile-input';
import {
  startCarrierSimulator,
  type CarrierSimulatorHandle,
} from './support/carrier-simulator.harness';

/**
 * The carrier simulator under hostile input: its merchant API (`/v1`) and its test controls
 * (`/_test`) never answer 5xx or drop the connection, and a refused shipment request books
 * nothing and schedules no callback.
 */
describe('carrier simulator under hostile input (fuzz)', () => {
  let sim: CarrierSimulatorHandle;

  beforeAll(async () => {
    sim = await startCarrierSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });

  const address: DeliveryAddress = {
    recipientName: 'Ada Lovelace',
    lines: ['12 St James Square'],
    city: 'London',
    region: 'Greater London',
    postcode: 'SW1Y 4JH',
    country: 'GB',
  };
  const validShipment = () =>
    buildCarrierShipment({
      address,
      parcel: {
        weightGrams: 1_250,
        dimensionsMm: { length: 300, width: 200, height: 100 },
        itemCount: 2,
      },
      shipmentReference: newShipmentReference(),
    });
  const booked = async () =>
    (await sim.control<{ shipments: unknown[] }>('GET', '/shipments')).shipments.length;
  const callbacks = async () =>
    (await sim.control<{ deliveries: unknown[] }>('GET', '/callbacks')).deliveries.length;
  const expectClean = (what: unknown, answer: { status: number }) => {
    expect({ what, status: answer.status, clean: isCleanRefusal(answer as never) }).toEqual({
      what,
      status: answer.status,
      clean: true,
    });
  };

  it('POST /v1/shipments: hostile bodies, signed by the merchant or not, never yield a 5xx; a refused one books nothing', async () => {
    // Shipments a mutation leaves valid are booked; their journeys must not send callbacks
    // while the count is compared.
    await sim.control('PUT', '/switches', {
      dispatchDelayMs: 3_600_000,
      deliveryDelayMs: 3_600_000,
    });
    await fc.assert(
      fc.asyncProperty(
        hostileBodyText(JSON.parse(JSON.stringify(validShipment())) as never),
        fc.boolean(),
        async (body, signed) => {
          const headers = signed
            ? signCarrierMessage(sim.merchantSigner, {
                kind: 'request',
                target: carrierRequestTarget('POST', CARRIER_SHIPMENTS_PATH),
                body,
              })
            : {};
          const [shipmentsBefore, callbacksBefore] = [await booked(), await callbacks()];
          const answer = await send(new URL(CARRIER_SHIPMENTS_PATH, sim.baseUrl).href, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body,
          });
          expect({ body, ok: answer.status > 0 && answer.status < 500 }).toEqual({
            body,
            ok: true,
          });
          // A mutation can leave a valid shipment (another valid name, say): that one is booked.
          if (answer.status < 200 || answer.status >= 300) {
            expect(await booked()).toBe(shipmentsBefore);
            expect(await callbacks()).toBe(callbacksBefore);
          }
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    await sim.control('DELETE', '/switches');
  });

  it('GET /v1/shipments/:carrierShipmentId: hostile ids never yield a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(hostilePathSegment(), fc.boolean(), async (segment, signed) => {
        const path = `${CARRIER_SHIPMENTS_PATH}/${segment}`;
        const headers = signed
          ? signCarrierMessage(sim.merchantSigner, {
              kind: 'request',
              target: carrierRequestTarget('GET', path),
              body: '',
            })
          : {};
        expectClean(segment, await send(`${sim.baseUrl}${path}`, { method: 'GET', headers }));
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('/_test controls: hostile switches and queries never yield a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileJsonText().map((body) => ({ method: 'PUT', path: '/_test/switches', body })),
          hostilePathSegment().map((q) => ({
            method: 'GET',
            path: `/_test/received?shipmentReference=${q}`,
            body: undefined,
          })),
          hostilePathSegment().map((q) => ({
            method: 'GET',
            path: `/_test/callbacks?shipmentReference=${q}`,
            body: undefined,
          })),
        ),
        async ({ method, path, body }) => {
          const answer = await send(`${sim.baseUrl}${path}`, {
            method,
            headers: body === undefined ? {} : { 'content-type': 'application/json' },
            body,
          });
          expect({ path, body, ok: answer.status > 0 && answer.status < 500 }).toEqual({
            path,
            body,
            ok: true,
          });
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    await sim.control('DELETE', '/switches');
  });

  it('refuses a body over the limit with 413 before reading it', async () => {
    const before = await booked();
    const url = new URL(CARRIER_SHIPMENTS_PATH, sim.baseUrl).href;
    const answer = await send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: oversizedJsonBody(32 * 1024),
    });
    expect(answer.status).toBe(413);
    expect(await sendDeclaringLength(url, 10 * 1024 * 1024)).toBe(413);
    expect(await booked()).toBe(before);
  });
});
