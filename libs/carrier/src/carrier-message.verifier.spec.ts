import { EventSigner, generateSigningKey, KeyRing } from '#lumen/crypto';
import {
  CARRIER_HEADERS,
  CarrierMessageVerifier,
  InMemoryCarrierReplayCache,
  signCarrierMessage,
  type CarrierMessageToSign,
} from '#lumen/carrier';

const carrier = generateSigningKey('carrier');
const merchant = generateSigningKey('merchant');
const stranger = generateSigningKey('carrier');
const now = Date.parse('2026-11-25T10:00:00Z');

function verifier(options: { clock?: () => number; maxEntries?: number } = {}) {
  return new CarrierMessageVerifier({
    keyRing: new KeyRing([carrier.trusted, merchant.trusted]),
    signer: 'carrier',
    replayCache: new InMemoryCarrierReplayCache({ ttlMs: 660_000, maxEntries: options.maxEntries }),
    clock: options.clock ?? (() => now),
  });
}

const callback: CarrierMessageToSign = {
  kind: 'callback',
  target: '/carrier/v1/tracking-events',
  body: Buffer.from('{"eventId":"evt_0123456789abcdef","status":"dispatched"}'),
};

function signed(message = callback, key = carrier.signing, at = now) {
  return signCarrierMessage(new EventSigner(key), message, { now: new Date(at) });
}

describe('carrier message verifier', () => {
  it('accepts a message exactly as signed', () => {
    const headers = signed();
    expect(verifier().verify({ ...callback, headers })).toMatchObject({
      ok: true,
      keyId: carrier.trusted.keyId,
      signer: 'carrier',
      messageId: headers[CARRIER_HEADERS.messageId],
    });
  });

  it('refuses the body with any single byte changed', () => {
    const headers = signed();
    const body = callback.body as Buffer;
    const check = verifier();
    for (let index = 0; index < body.length; index++) {
      const changed = Buffer.from(body);
      changed[index] = changed[index]! ^ 0x01;
      expect(check.verify({ ...callback, body: changed, headers })).toMatchObject({
        ok: false,
        reason: 'bad-signature',
      });
    }
    expect(
      check.verify({ ...callback, body: Buffer.concat([body, Buffer.from(' ')]), headers }).ok,
    ).toBe(false);
  });

  it('refuses a message moved to another kind or target', () => {
    const headers = signed();
    const check = verifier();
    expect(check.verify({ ...callback, kind: 'answer', headers })).toMatchObject({
      reason: 'bad-signature',
    });
    expect(check.verify({ ...callback, target: '/carrier/v1/other', headers })).toMatchObject({
      reason: 'bad-signature',
    });
  });

  it('refuses changed headers: message id, timestamp, signature', () => {
    const headers = signed();
    const check = verifier();
    const signature = headers[CARRIER_HEADERS.signature]!;
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    for (const changed of [
      { ...headers, [CARRIER_HEADERS.messageId]: 'another-message-id' },
      { ...headers, [CARRIER_HEADERS.timestamp]: String(now + 1) },
      { ...headers, [CARRIER_HEADERS.signature]: flipped },
    ]) {
      expect(check.verify({ ...callback, headers: changed })).toMatchObject({
        ok: false,
        reason: 'bad-signature',
      });
    }
  });

  it('refuses a key it does not know, even one claiming the trusted key id', () => {
    const check = verifier();
    expect(
      check.verify({ ...callback, headers: signed(callback, stranger.signing) }),
    ).toMatchObject({
      ok: false,
      reason: 'unknown-key',
      claimedKeyId: stranger.trusted.keyId,
    });
    const forged = signCarrierMessage(
      new EventSigner({ ...stranger.signing, keyId: carrier.trusted.keyId }),
      callback,
      {
        now: new Date(now),
      },
    );
    expect(check.verify({ ...callback, headers: forged })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('refuses a trusted key of the other party (a merchant key cannot sign a carrier callback)', () => {
    expect(
      verifier().verify({ ...callback, headers: signed(callback, merchant.signing) }),
    ).toMatchObject({
      ok: false,
      reason: 'wrong-signer',
    });
  });

  it('accepts timestamps within ±300 s and refuses stale and future ones', () => {
    for (const [offset, ok] of [
      [-300_000, true],
      [300_000, true],
      [-300_001, false],
      [300_001, false],
      [-86_400_000, false],
      [86_400_000, false],
    ] as const) {
      const check = verifier().verify({
        ...callback,
        headers: signed(callback, carrier.signing, now + offset),
      });
      expect(check.ok ? 'ok' : check.reason).toBe(ok ? 'ok' : 'stale-timestamp');
    }
  });

  it('refuses a replay of the same message, and remembers only verified messages', () => {
    const check = verifier();
    const headers = signed();
    expect(check.verify({ ...callback, body: Buffer.from('{}'), headers }).ok).toBe(false);
    expect(check.verify({ ...callback, headers }).ok).toBe(true);
    expect(check.verify({ ...callback, headers })).toMatchObject({ ok: false, reason: 'replayed' });
    expect(check.verify({ ...callback, headers: signed() }).ok).toBe(true);
  });

  it('keeps refusing a replay until the message is outside the window anyway', () => {
    let clock = now;
    const check = verifier({ clock: () => clock });
    const headers = signed();
    expect(check.verify({ ...callback, headers }).ok).toBe(true);
    clock = now + 300_000;
    expect(check.verify({ ...callback, headers })).toMatchObject({ reason: 'replayed' });
    clock = now + 300_001;
    expect(check.verify({ ...callback, headers })).toMatchObject({ reason: 'stale-timestamp' });
  });

  it('fails closed when the replay cache is full', () => {
    const check = verifier({ maxEntries: 1 });
    expect(check.verify({ ...callback, headers: signed() }).ok).toBe(true);
    expect(check.verify({ ...callback, headers: signed() })).toMatchObject({
      reason: 'replay-cache-full',
    });
  });

  it('refuses missing, repeated and malformed headers', () => {
    const headers = signed();
    const check = verifier();
    for (const name of Object.values(CARRIER_HEADERS)) {
      if (name === CARRIER_HEADERS.inReplyTo) continue;
      const { [name]: _dropped, ...rest } = headers;
      expect(check.verify({ ...callback, headers: rest })).toMatchObject({
        reason: 'missing-header',
      });
      expect(
        check.verify({
          ...callback,
          headers: { ...headers, [name]: [headers[name]!, headers[name]!] },
        }),
      ).toMatchObject({
        reason: 'missing-header',
      });
    }
    for (const [name, value] of [
      [CARRIER_HEADERS.messageId, 'short'],
      [CARRIER_HEADERS.messageId, 'has spaces in it'],
      [CARRIER_HEADERS.timestamp, '1e12'],
      [CARRIER_HEADERS.timestamp, '-1'],
      [CARRIER_HEADERS.signature, 'not base64url!'],
    ] as const) {
      expect(check.verify({ ...callback, headers: { ...headers, [name]: value } })).toMatchObject({
        reason: 'malformed-header',
      });
    }
  });
});
