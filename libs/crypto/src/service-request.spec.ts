import {
  EventSigner,
  generateSigningKey,
  KeyRing,
  SERVICE_REQUEST_HEADERS,
  signServiceRequest,
  verifyServiceRequest,
} from '#lumen/crypto';

describe('signed service requests', () => {
  const checkout = generateSigningKey('checkout');
  const payment = generateSigningKey('payment');
  const ring = new KeyRing([checkout.trusted, payment.trusted]);
  const signer = new EventSigner(checkout.signing);
  const now = new Date('2026-11-25T10:00:00Z');
  const request = { method: 'POST', path: '/keys', body: '{"subject":"customer:1"}' };

  it('accepts a request as signed', () => {
    const headers = signServiceRequest(signer, request, now);
    expect(verifyServiceRequest(ring, { ...request, headers }, { now })).toEqual({
      ok: true,
      service: 'checkout',
    });
  });

  it('refuses a changed body, path or method', () => {
    const headers = signServiceRequest(signer, request, now);
    for (const changed of [
      { ...request, body: '{"subject":"customer:2"}' },
      { ...request, path: '/keys?x=1' },
      { ...request, method: 'DELETE' },
    ]) {
      expect(verifyServiceRequest(ring, { ...changed, headers }, { now })).toMatchObject({
        ok: false,
        reason: 'bad-signature',
        claimedService: 'checkout',
      });
    }
  });

  it('refuses a timestamp more than five minutes off, either way', () => {
    const headers = signServiceRequest(signer, request, now);
    const later = new Date(now.getTime() + 300_001);
    const earlier = new Date(now.getTime() - 300_001);
    expect(verifyServiceRequest(ring, { ...request, headers }, { now: later })).toMatchObject({
      reason: 'stale-timestamp',
    });
    expect(verifyServiceRequest(ring, { ...request, headers }, { now: earlier })).toMatchObject({
      reason: 'stale-timestamp',
    });
    expect(
      verifyServiceRequest(
        ring,
        { ...request, headers },
        { now: new Date(now.getTime() + 299_000) },
      ).ok,
    ).toBe(true);
  });

  it('refuses a moved timestamp, even inside the window', () => {
    const headers = {
      ...signServiceRequest(signer, request, now),
      [SERVICE_REQUEST_HEADERS.timestamp]: String(now.getTime() + 1),
    };
    expect(verifyServiceRequest(ring, { ...request, headers }, { now })).toMatchObject({
      reason: 'bad-signature',
    });
  });

  it('refuses a service claiming another service key, and an unknown key', () => {
    const headers = {
      ...signServiceRequest(signer, request, now),
      [SERVICE_REQUEST_HEADERS.service]: 'payment',
    };
    expect(verifyServiceRequest(ring, { ...request, headers }, { now })).toMatchObject({
      reason: 'wrong-signer',
      claimedService: 'payment',
    });
    const stranger = new EventSigner(generateSigningKey('checkout').signing);
    const strangerHeaders = signServiceRequest(stranger, request, now);
    expect(
      verifyServiceRequest(ring, { ...request, headers: strangerHeaders }, { now }),
    ).toMatchObject({ reason: 'unknown-key' });
  });

  it('refuses missing or repeated headers', () => {
    expect(verifyServiceRequest(ring, { ...request, headers: {} }, { now })).toEqual({
      ok: false,
      reason: 'missing-signature',
      claimedService: undefined,
    });
    const headers = signServiceRequest(signer, request, now);
    const repeated = {
      ...headers,
      [SERVICE_REQUEST_HEADERS.signature]: [headers['lumen-signature'], headers['lumen-signature']],
    };
    expect(verifyServiceRequest(ring, { ...request, headers: repeated }, { now })).toMatchObject({
      reason: 'missing-signature',
    });
  });
});
