import { generateKeyPairSync } from 'node:crypto';
import {
  CertifiedKey,
  encodeCertificate,
  GATEWAY_HEADERS,
  GatewayRootKey,
  InMemoryReplayCache,
  issueRevocationList,
  MessageVerifier,
  RevocationListHolder,
  signCertificate,
  signMessage,
  type MessageToSign,
  type RevokedEntry,
} from '#lumen/payment-gateway';

const NOW = Date.parse('2026-11-25T10:00:00Z');
const DAY = 86_400_000;

function certify(
  root: GatewayRootKey,
  subject: string,
  role: 'merchant' | 'gateway' = 'merchant',
  validity = { from: NOW - DAY, to: NOW + 365 * DAY },
): CertifiedKey {
  const { privateKey, publicKey } = CertifiedKey.generateKeyPair();
  const certificate = root.issue({
    role,
    subject,
    publicKey,
    notBefore: new Date(validity.from),
    notAfter: new Date(validity.to),
  });
  return new CertifiedKey(privateKey, certificate);
}

describe('MessageVerifier', () => {
  const root = GatewayRootKey.generate();
  const merchant = certify(root, 'lumen-shop');
  const message: MessageToSign = {
    kind: 'request',
    target: 'POST /v1/authorisations',
    body: '{"orderId":"o-1","amountMinor":1299}',
  };
  let now: number;
  let revocations: RevocationListHolder;

  function verifier(overrides: { maxRevocationAgeMs?: number } = {}): MessageVerifier {
    return new MessageVerifier({
      root: root.pinned,
      acceptRole: 'merchant',
      revocations,
      replayCache: new InMemoryReplayCache({ ttlMs: 700_000 }),
      clock: () => now,
      ...overrides,
    });
  }

  function publishRevocations(revoked: RevokedEntry[] = [], issuedAt = now): void {
    expect(revocations.update(issueRevocationList(root, revoked, new Date(issuedAt)))).toEqual({
      accepted: true,
    });
  }

  beforeEach(() => {
    now = NOW;
    revocations = new RevocationListHolder(root.pinned);
    publishRevocations();
  });

  const sign = (key: CertifiedKey = merchant, at = NOW) =>
    signMessage(key, message, { now: new Date(at) });

  it('accepts a message signed with a certified, unrevoked key', () => {
    expect(verifier().verify({ ...message, headers: sign() })).toMatchObject({
      ok: true,
      keyId: merchant.keyId,
      subject: 'lumen-shop',
      role: 'merchant',
    });
  });

  it('refuses a changed byte in the body, and a changed target or kind', () => {
    const headers = sign();
    const v = verifier();
    const tampered = Buffer.from(message.body);
    tampered[5] = tampered[5]! ^ 1;
    for (const changed of [
      { ...message, body: tampered },
      { ...message, target: 'POST /v1/refunds' },
      { ...message, kind: 'notification' as const },
    ]) {
      expect(v.verify({ ...changed, headers })).toMatchObject({
        ok: false,
        reason: 'bad-signature',
      });
    }
  });

  it('refuses a changed message id or timestamp (both are signed)', () => {
    const headers = sign();
    const v = verifier();
    for (const [name, value] of [
      [GATEWAY_HEADERS.messageId, 'another-message-id'],
      [GATEWAY_HEADERS.timestamp, String(NOW + 1)],
    ] as const) {
      expect(v.verify({ ...message, headers: { ...headers, [name]: value } })).toMatchObject({
        ok: false,
        reason: 'bad-signature',
      });
    }
  });

  it('refuses a key id with no certificate, or a certificate for another key', () => {
    const headers = sign();
    const other = certify(root, 'lumen-shop');
    const v = verifier();
    const { [GATEWAY_HEADERS.certificate]: _dropped, ...withoutCertificate } = headers;
    expect(v.verify({ ...message, headers: withoutCertificate })).toMatchObject({
      reason: 'unknown-key',
    });
    expect(
      v.verify({
        ...message,
        headers: {
          ...headers,
          [GATEWAY_HEADERS.certificate]: encodeCertificate(other.certificate),
        },
      }),
    ).toMatchObject({ reason: 'unknown-key' });
  });

  it('refuses a self-issued certificate, whichever issuer it names', () => {
    const { privateKey, publicKey } = CertifiedKey.generateKeyPair();
    const { signature: _s, ...body } = root.issue({
      role: 'merchant',
      subject: 'lumen-shop',
      publicKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + DAY),
    });
    const v = verifier();
    for (const issuerKeyId of [body.keyId, root.keyId]) {
      const selfSigned = signCertificate({ ...body, issuerKeyId }, privateKey);
      const key = new CertifiedKey(privateKey, selfSigned);
      expect(v.verify({ ...message, headers: sign(key) })).toMatchObject({
        ok: false,
        reason: 'self-issued',
      });
    }
  });

  it('refuses a certificate issued by another root, or with a forged root signature', () => {
    const rogueRoot = GatewayRootKey.generate();
    const rogue = certify(rogueRoot, 'lumen-shop');
    expect(verifier().verify({ ...message, headers: sign(rogue) })).toMatchObject({
      reason: 'untrusted-issuer',
    });
    // Claims our root as issuer, but the rogue root signed it.
    const { privateKey, publicKey } = CertifiedKey.generateKeyPair();
    const claimed = rogueRoot.issue({
      role: 'merchant',
      subject: 'lumen-shop',
      publicKey,
      notBefore: new Date(NOW - DAY),
      notAfter: new Date(NOW + DAY),
    });
    const { signature: _s, ...body } = claimed;
    const relabelled = signCertificate(
      { ...body, issuerKeyId: root.keyId },
      generateKeyPairSync('ed25519').privateKey,
    );
    expect(
      verifier().verify({ ...message, headers: sign(new CertifiedKey(privateKey, relabelled)) }),
    ).toMatchObject({ reason: 'untrusted-issuer' });
  });

  it('refuses an expired or not-yet-valid certificate, and the wrong role or subject', () => {
    const expired = certify(root, 'lumen-shop', 'merchant', { from: NOW - 2 * DAY, to: NOW - DAY });
    const future = certify(root, 'lumen-shop', 'merchant', { from: NOW + DAY, to: NOW + 2 * DAY });
    const gateway = certify(root, 'gateway', 'gateway');
    const v = verifier();
    expect(v.verify({ ...message, headers: sign(expired) })).toMatchObject({
      reason: 'certificate-not-valid-now',
    });
    expect(v.verify({ ...message, headers: sign(future) })).toMatchObject({
      reason: 'certificate-not-valid-now',
    });
    expect(v.verify({ ...message, headers: sign(gateway) })).toMatchObject({
      reason: 'wrong-role',
    });
    expect(
      v.verify({ ...message, headers: sign(), expectedSubject: 'another-shop' }),
    ).toMatchObject({ reason: 'wrong-subject' });
  });

  it('checks dates, role and the signature on every message from a certificate already verified', () => {
    const shortLived = certify(root, 'lumen-shop', 'merchant', {
      from: NOW - DAY,
      to: NOW + 60_000,
    });
    const v = verifier();
    expect(v.verify({ ...message, headers: sign(shortLived) }).ok).toBe(true);
    expect(v.verify({ ...message, body: 'forged', headers: sign(shortLived) })).toMatchObject({
      reason: 'bad-signature',
    });
    now = NOW + 60_000;
    publishRevocations();
    expect(v.verify({ ...message, headers: sign(shortLived, now) })).toMatchObject({
      reason: 'certificate-not-valid-now',
    });
  });

  it('refuses a timestamp more than 300 s off either way, and accepts one just inside', () => {
    const v = verifier();
    expect(v.verify({ ...message, headers: sign(merchant, NOW - 300_001) })).toMatchObject({
      reason: 'stale-timestamp',
    });
    expect(v.verify({ ...message, headers: sign(merchant, NOW + 300_001) })).toMatchObject({
      reason: 'stale-timestamp',
    });
    expect(v.verify({ ...message, headers: sign(merchant, NOW - 300_000) }).ok).toBe(true);
    expect(v.verify({ ...message, headers: sign(merchant, NOW + 300_000) }).ok).toBe(true);
  });

  it('refuses a message id already seen, for as long as its timestamp could pass', () => {
    const v = verifier();
    const headers = sign();
    expect(v.verify({ ...message, headers }).ok).toBe(true);
    expect(v.verify({ ...message, headers })).toMatchObject({ reason: 'replayed' });
    now = NOW + 299_000;
    publishRevocations();
    expect(v.verify({ ...message, headers })).toMatchObject({ reason: 'replayed' });
  });

  it('does not remember the id of a message that failed its signature', () => {
    const v = verifier();
    const headers = sign();
    expect(v.verify({ ...message, body: 'forged', headers }).ok).toBe(false);
    expect(v.verify({ ...message, headers }).ok).toBe(true);
  });

  it('refuses a revoked key, by key id or by serial', () => {
    const v = verifier();
    expect(v.verify({ ...message, headers: sign() }).ok).toBe(true);
    publishRevocations([
      {
        serial: '0'.repeat(32),
        keyId: merchant.keyId,
        revokedAt: new Date(now).toISOString(),
        reason: 'server stolen',
      },
    ]);
    expect(v.verify({ ...message, headers: sign() })).toMatchObject({ reason: 'revoked' });
  });

  it('fails closed: no revocation list yet, or one older than the maximum staleness', () => {
    revocations = new RevocationListHolder(root.pinned);
    expect(verifier().verify({ ...message, headers: sign() })).toMatchObject({
      reason: 'revocation-unavailable',
    });
    publishRevocations([], NOW - 60_001);
    expect(verifier().verify({ ...message, headers: sign() })).toMatchObject({
      reason: 'revocation-stale',
    });
    publishRevocations([], NOW - 60_000);
    expect(verifier().verify({ ...message, headers: sign() }).ok).toBe(true);
  });

  it('refuses missing or repeated headers and malformed ids', () => {
    const headers = sign();
    const v = verifier();
    const { [GATEWAY_HEADERS.signature]: _dropped, ...unsigned } = headers;
    expect(v.verify({ ...message, headers: unsigned })).toMatchObject({
      reason: 'missing-header',
    });
    expect(
      v.verify({
        ...message,
        headers: { ...headers, [GATEWAY_HEADERS.keyId]: [merchant.keyId, merchant.keyId] },
      }),
    ).toMatchObject({ reason: 'missing-header' });
    expect(
      v.verify({ ...message, headers: { ...headers, [GATEWAY_HEADERS.messageId]: 'a b' } }),
    ).toMatchObject({ reason: 'malformed-header' });
  });

  it('accepts both keys of a merchant during a rotation, then only the new one', () => {
    const v = verifier();
    const next = certify(root, 'lumen-shop');
    expect(v.verify({ ...message, headers: sign(merchant) }).ok).toBe(true);
    expect(v.verify({ ...message, headers: sign(next) }).ok).toBe(true);
    publishRevocations([
      {
        serial: merchant.certificate.serial,
        keyId: merchant.keyId,
        revokedAt: new Date(now).toISOString(),
        reason: 'rotated',
      },
    ]);
    expect(v.verify({ ...message, headers: sign(merchant) })).toMatchObject({
      reason: 'revoked',
    });
    expect(v.verify({ ...message, headers: sign(next) }).ok).toBe(true);
  });
});
