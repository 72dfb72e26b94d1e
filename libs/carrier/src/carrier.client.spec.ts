import { EventSigner, generateSigningKey, KeyRing } from '#lumen/crypto';
import {
  buildCarrierShipment,
  CARRIER_HEADERS,
  CarrierClient,
  CarrierMessageVerifier,
  CarrierWireError,
  InMemoryCarrierReplayCache,
  newShipmentReference,
  signCarrierMessage,
  type CarrierShipmentV1,
} from '#lumen/carrier';

const merchant = generateSigningKey('merchant');
const carrier = generateSigningKey('carrier');
const impostor = generateSigningKey('carrier');

const shipment = (): CarrierShipmentV1 =>
  buildCarrierShipment({
    shipmentReference: newShipmentReference(),
    address: {
      recipientName: 'Ada Lovelace',
      lines: ['12 St James’s Square'],
      city: 'London',
      country: 'GB',
    },
    parcel: {
      weightGrams: 500,
      dimensionsMm: { length: 200, width: 150, height: 50 },
      itemCount: 1,
    },
  });

type Answer = (request: { body: string; requestId: string }) => Response | Promise<Response>;

/** A carrier as a fetch function: it answers what `answer` says, signed as `answer` chooses. */
function clientAnswering(
  answers: Answer[],
  retry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
) {
  const seen: { body: string; headers: Record<string, string> }[] = [];
  const fakeFetch = async (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers = init!.headers as Record<string, string>;
    const body = init!.body as string;
    seen.push({ body, headers });
    const answer = answers[Math.min(seen.length - 1, answers.length - 1)]!;
    return answer({ body, requestId: headers[CARRIER_HEADERS.messageId]! });
  };
  const client = new CarrierClient({
    baseUrl: 'http://carrier.invalid',
    signer: () => new EventSigner(merchant.signing),
    verifier: new CarrierMessageVerifier({
      keyRing: new KeyRing([carrier.trusted]),
      signer: 'carrier',
      replayCache: new InMemoryCarrierReplayCache({ ttlMs: 660_000 }),
    }),
    retry,
    fetch: fakeFetch,
  });
  return { client, seen };
}

function signedAnswer(
  status: number,
  body: unknown,
  requestId: string,
  key = carrier.signing,
): Response {
  const raw = JSON.stringify(body);
  const headers = signCarrierMessage(new EventSigner(key), {
    kind: 'answer',
    target: requestId,
    body: raw,
  });
  return new Response(raw, { status, headers: { ...headers, 'content-type': 'application/json' } });
}

const accept =
  (status = 201): Answer =>
  ({ body, requestId }) => {
    const { shipmentReference } = JSON.parse(body) as CarrierShipmentV1;
    return signedAnswer(
      status,
      {
        status: 'accepted',
        shipmentReference,
        carrierShipmentId: 'SIM-1',
        acceptedAt: new Date().toISOString(),
      },
      requestId,
    );
  };

async function failureOf(work: Promise<unknown>): Promise<CarrierWireError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof CarrierWireError))
    throw new Error(`expected a CarrierWireError, got ${String(error)}`);
  return error;
}

describe('CarrierClient', () => {
  it('sends the validated payload, signed, and returns the verified acceptance', async () => {
    const { client, seen } = clientAnswering([accept()]);
    const payload = shipment();
    const handover = await client.createShipment(payload);
    expect(handover).toMatchObject({
      outcome: 'accepted',
      carrierShipmentId: 'SIM-1',
      created: true,
      attempts: 1,
    });
    expect(JSON.parse(seen[0]!.body)).toEqual(payload);
    expect(seen[0]!.headers[CARRIER_HEADERS.keyId]).toBe(merchant.trusted.keyId);
  });

  it('refuses to send a payload outside the allow-list', async () => {
    const { client, seen } = clientAnswering([accept()]);
    const leaky = { ...shipment(), email: 'ada@example.com' } as CarrierShipmentV1;
    await expect(client.createShipment(leaky)).rejects.toThrow(/Unrecognized key/);
    expect(seen).toHaveLength(0);
  });

  it('retries transient failures with the same body (same idempotency key), each attempt signed anew', async () => {
    const { client, seen } = clientAnswering([
      () => new Response('busy', { status: 503 }),
      () => Promise.reject(new TypeError('fetch failed')),
      accept(200),
    ]);
    const handover = await client.createShipment(shipment());
    expect(handover).toMatchObject({ outcome: 'accepted', created: false, attempts: 3 });
    expect(new Set(seen.map((request) => request.body)).size).toBe(1);
    expect(new Set(seen.map((request) => request.headers[CARRIER_HEADERS.messageId])).size).toBe(3);
  });

  it('gives up after the last attempt with a retryable error', async () => {
    const { client, seen } = clientAnswering([() => new Response('busy', { status: 503 })]);
    const error = await failureOf(client.createShipment(shipment()));
    expect(error.code).toBe('carrier-unavailable');
    expect(error.retryable).toBe(true);
    expect(seen).toHaveLength(3);
  });

  it('gives up on a carrier that does not answer in time, as a retryable timeout', async () => {
    const hanging = (_url: string | URL | Request, init?: RequestInit): Promise<Response> =>
      new Promise((_resolve, reject) => {
        init!.signal!.addEventListener('abort', () => {
          reject(new Error('aborted'));
        });
      });
    const client = new CarrierClient({
      baseUrl: 'http://carrier.invalid',
      signer: () => new EventSigner(merchant.signing),
      verifier: new CarrierMessageVerifier({
        keyRing: new KeyRing([carrier.trusted]),
        signer: 'carrier',
        replayCache: new InMemoryCarrierReplayCache({ ttlMs: 660_000 }),
      }),
      timeoutMs: 50,
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      fetch: hanging,
    });
    const error = await failureOf(client.createShipment(shipment()));
    expect(error.code).toBe('timeout');
    expect(error.retryable).toBe(true);
  });

  it('returns a signed refusal as an outcome, without retrying', async () => {
    const { client, seen } = clientAnswering([
      ({ body, requestId }) =>
        signedAnswer(
          422,
          {
            status: 'refused',
            shipmentReference: (JSON.parse(body) as CarrierShipmentV1).shipmentReference,
            code: 'unserviceable-address',
            reason: 'We do not deliver there',
          },
          requestId,
        ),
    ]);
    expect(await client.createShipment(shipment())).toMatchObject({
      outcome: 'refused',
      code: 'unserviceable-address',
      reason: 'We do not deliver there',
    });
    expect(seen).toHaveLength(1);
  });

  it('does not trust an unsigned refusal, or one signed by an unknown key', async () => {
    for (const answer of [
      () => new Response(JSON.stringify({ status: 'refused' }), { status: 422 }),
      ({ body, requestId }: { body: string; requestId: string }) =>
        signedAnswer(
          422,
          {
            status: 'refused',
            shipmentReference: (JSON.parse(body) as CarrierShipmentV1).shipmentReference,
            code: 'x',
            reason: 'forged',
          },
          requestId,
          impostor.signing,
        ),
    ]) {
      const { client, seen } = clientAnswering([answer]);
      const error = await failureOf(client.createShipment(shipment()));
      expect(error.code).toBe('unverified-answer');
      expect(error.retryable).toBe(false);
      expect(seen).toHaveLength(1);
    }
  });

  it('refuses a genuine answer to another request', async () => {
    const { client } = clientAnswering([
      (request) => accept()({ ...request, requestId: 'some-other-request-id' }),
    ]);
    expect((await failureOf(client.createShipment(shipment()))).detail?.refusal).toBe(
      'bad-signature',
    );
  });

  it('refuses a genuine acceptance of another shipment', async () => {
    const other = shipment();
    const { client } = clientAnswering([
      ({ requestId }) => accept()({ body: JSON.stringify(other), requestId }),
    ]);
    expect((await failureOf(client.createShipment(shipment()))).code).toBe('unexpected-answer');
  });

  it('reports a signed request error as not retryable', async () => {
    const { client, seen } = clientAnswering([
      ({ requestId }) =>
        signedAnswer(
          409,
          { status: 'error', code: 'idempotency-conflict', message: 'key reused' },
          requestId,
        ),
    ]);
    const error = await failureOf(client.createShipment(shipment()));
    expect(error).toMatchObject({
      code: 'request-rejected',
      detail: { status: 409, carrierCode: 'idempotency-conflict' },
    });
    expect(seen).toHaveLength(1);
  });

  it('tracks a shipment with a signed GET and trusts only the tracking of that shipment', async () => {
    const reference = newShipmentReference();
    const tracking =
      (carrierShipmentId: string): Answer =>
      ({ requestId }) =>
        signedAnswer(
          200,
          {
            status: 'tracking',
            shipmentReference: reference,
            carrierShipmentId,
            events: [
              {
                eventId: 'evt_TpoQVNEF9_3q5eyNsTeC_w',
                shipmentReference: reference,
                carrierShipmentId,
                status: 'dispatched',
                occurredAt: '2026-11-25T09:20:32.063Z',
              },
            ],
          },
          requestId,
        );
    const { client, seen } = clientAnswering([tracking('SIM-1')]);
    const answer = await client.trackShipment('SIM-1');
    expect(answer.events.map((event) => event.status)).toEqual(['dispatched']);
    expect(seen[0]!.body).toBeUndefined();
    const other = clientAnswering([tracking('SIM-2')]).client;
    expect((await failureOf(other.trackShipment('SIM-1'))).code).toBe('unexpected-answer');
    await expect(client.trackShipment('../admin')).rejects.toThrow(/carrierShipmentId/);
  });
});
