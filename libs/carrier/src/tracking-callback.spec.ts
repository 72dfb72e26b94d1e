import { EventSigner, generateSigningKey, KeyRing } from '#lumen/crypto';
import {
  CARRIER_TRACKING_CALLBACK_PATH,
  CarrierMessageVerifier,
  InMemoryCarrierReplayCache,
  newShipmentReference,
  signCarrierMessage,
  verifyTrackingCallback,
  type TrackingEventV1,
} from '#lumen/carrier';

const carrier = generateSigningKey('carrier');
const signer = new EventSigner(carrier.signing);
const verifier = () =>
  new CarrierMessageVerifier({
    keyRing: new KeyRing([carrier.trusted]),
    signer: 'carrier',
    replayCache: new InMemoryCarrierReplayCache({ ttlMs: 660_000 }),
  });
const event: TrackingEventV1 = {
  eventId: 'evt_TpoQVNEF9_3q5eyNsTeC_w',
  shipmentReference: newShipmentReference(),
  carrierShipmentId: 'SIM-P7OT5czjLoXH',
  status: 'delivered',
  occurredAt: '2026-11-25T09:20:32.063Z',
};

function callback(body: string, path = CARRIER_TRACKING_CALLBACK_PATH) {
  return {
    path,
    body: Buffer.from(body),
    headers: signCarrierMessage(signer, { kind: 'callback', target: path, body }),
  };
}

describe('verifyTrackingCallback', () => {
  it('accepts a signed, valid event and returns it', () => {
    expect(verifyTrackingCallback(verifier(), callback(JSON.stringify(event)))).toMatchObject({
      ok: true,
      event,
    });
  });

  it('refuses a signed body that is not a valid event: not JSON, an extra key, a bad status', () => {
    for (const body of [
      'not json',
      JSON.stringify({ ...event, email: 'ada@example.com' }),
      JSON.stringify({ ...event, status: 'lost' }),
      JSON.stringify({ ...event, eventId: undefined }),
    ]) {
      expect(verifyTrackingCallback(verifier(), callback(body))).toMatchObject({
        ok: false,
        reason: 'invalid-event',
      });
    }
  });

  it('checks the signature first, over the path it arrived on', () => {
    const signed = callback(JSON.stringify(event));
    expect(
      verifyTrackingCallback(verifier(), { ...signed, path: `${signed.path}?again=1` }),
    ).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('refuses the same message twice', () => {
    const check = verifier();
    const signed = callback(JSON.stringify(event));
    expect(verifyTrackingCallback(check, signed).ok).toBe(true);
    expect(verifyTrackingCallback(check, signed)).toMatchObject({ ok: false, reason: 'replayed' });
  });
});
