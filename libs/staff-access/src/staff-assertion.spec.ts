import { EventSigner, generateSigningKey, KeyRing } from '#lumen/crypto';
import {
  decidePurpose,
  issueStaffAssertion,
  MAX_ASSERTION_LIFETIME_MS,
  verifyStaffAssertion,
} from '#lumen/staff-access';

describe('staff assertions', () => {
  const privacy = generateSigningKey('privacy');
  const checkout = generateSigningKey('checkout');
  const ring = new KeyRing([privacy.trusted, checkout.trusted]);
  const signer = new EventSigner(privacy.signing);
  const now = new Date('2026-11-25T12:00:00Z');
  const subject = {
    principalId: 'stf_1',
    role: 'support' as const,
    sessionId: 'ses_1',
    audience: 'checkout',
  };

  it('verifies an assertion privacy issued, until it expires', () => {
    const { token } = issueStaffAssertion(signer, subject, now);
    expect(verifyStaffAssertion(ring, token, 'checkout', now)).toMatchObject({
      ok: true,
      assertion: { principalId: 'stf_1', role: 'support', sessionId: 'ses_1' },
    });
    const later = new Date(now.getTime() + MAX_ASSERTION_LIFETIME_MS);
    expect(verifyStaffAssertion(ring, token, 'checkout', later)).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('is good only at the service it is made out for', () => {
    const { token } = issueStaffAssertion(signer, subject, now);
    expect(verifyStaffAssertion(ring, token, 'privacy', now)).toEqual({
      ok: false,
      reason: 'wrong-audience',
    });
    // Rewriting the audience breaks the signature.
    const [version, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const redirected = Buffer.from(JSON.stringify({ ...claims, aud: 'privacy' })).toString(
      'base64url',
    );
    expect(
      verifyStaffAssertion(ring, `${version}.${redirected}.${signature}`, 'privacy', now),
    ).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a changed role, a foreign signer and garbage', () => {
    const { token } = issueStaffAssertion(signer, subject, now);
    const [version, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const promoted = Buffer.from(JSON.stringify({ ...claims, role: 'privacy-officer' })).toString(
      'base64url',
    );
    expect(
      verifyStaffAssertion(ring, `${version}.${promoted}.${signature}`, 'checkout', now),
    ).toMatchObject({
      reason: 'bad-signature',
    });
    expect(() => issueStaffAssertion(new EventSigner(checkout.signing), subject, now)).toThrow();
    for (const garbage of ['', 'v1.x.y', 'v2.a.b', 'Bearer abc']) {
      expect(verifyStaffAssertion(ring, garbage, 'checkout', now)).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
    const stranger = generateSigningKey('privacy');
    const { token: foreign } = issueStaffAssertion(new EventSigner(stranger.signing), subject, now);
    expect(verifyStaffAssertion(ring, foreign, 'checkout', now)).toEqual({
      ok: false,
      reason: 'unknown-key',
    });
  });
});

describe('purpose policy', () => {
  it('wants a listed purpose and a reference (400), then one the role may use (403)', () => {
    expect(decidePurpose('support', undefined, 'order:1')).toMatchObject({
      ok: false,
      status: 400,
    });
    expect(decidePurpose('support', 'curiosity', 'order:1')).toMatchObject({
      ok: false,
      status: 400,
    });
    expect(decidePurpose('support', 'customer-support', undefined)).toMatchObject({ status: 400 });
    expect(decidePurpose('support', 'customer-support', 'my friend')).toMatchObject({
      status: 400,
    });
    expect(decidePurpose('fulfilment', 'customer-support', 'ticket:T-1')).toMatchObject({
      status: 403,
    });
    expect(decidePurpose('operations', 'order-fulfilment', 'order:1')).toMatchObject({
      status: 403,
    });
    expect(decidePurpose('support', 'customer-support', 'ticket:T-1')).toEqual({
      ok: true,
      purpose: 'customer-support',
      reference: 'ticket:T-1',
    });
    // The endpoint's own list narrows the role's.
    expect(
      decidePurpose('support', 'customer-support', 'ticket:T-1', ['order-fulfilment']),
    ).toMatchObject({ status: 403 });
  });
});
