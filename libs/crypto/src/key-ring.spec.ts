import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureServiceKeys,
  EventSigner,
  generateSigningKey,
  KeyRing,
  loadEventSigner,
  loadKeyRing,
} from '#lumen/crypto';

describe('event signatures', () => {
  const checkout = generateSigningKey('checkout');
  const payment = generateSigningKey('payment');
  const ring = new KeyRing([checkout.trusted, payment.trusted]);
  const data = Buffer.from('checkout.order.placed.v1\norder-1\n{"a":1}');

  it('accepts a signature by the expected service', () => {
    const signature = new EventSigner(checkout.signing).sign(data);
    expect(ring.verify(checkout.signing.keyId, data, signature, 'checkout')).toEqual({
      ok: true,
      service: 'checkout',
    });
  });

  it('refuses a changed byte', () => {
    const signature = new EventSigner(checkout.signing).sign(data);
    const tampered = Buffer.from(data);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 2) ^ 1, tampered.length - 2);
    expect(ring.verify(checkout.signing.keyId, tampered, signature, 'checkout')).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('refuses a valid signature from a service that does not own the topic', () => {
    const signature = new EventSigner(payment.signing).sign(data);
    expect(ring.verify(payment.signing.keyId, data, signature, 'checkout')).toEqual({
      ok: false,
      reason: 'wrong-signer',
    });
  });

  it('refuses an unknown key and garbage signature bytes', () => {
    const stranger = generateSigningKey('checkout');
    const signature = new EventSigner(stranger.signing).sign(data);
    expect(ring.verify(stranger.signing.keyId, data, signature, 'checkout').ok).toBe(false);
    expect(ring.verify(checkout.signing.keyId, data, Buffer.from('xx'), 'checkout')).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('derives key ids from the public key, so a forged id cannot be claimed', () => {
    const other = generateSigningKey('checkout');
    expect(other.signing.keyId).not.toBe(checkout.signing.keyId);
    expect(checkout.signing.keyId).toMatch(/^checkout:[0-9a-f]{16}$/);
  });
});

describe('key files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lumen-keys-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates each missing key once, keeps private keys private, and round-trips', () => {
    expect(ensureServiceKeys(dir, ['checkout', 'payment'])).toHaveLength(2);
    expect(ensureServiceKeys(dir, ['checkout', 'payment'])).toHaveLength(0);
    expect(statSync(join(dir, 'checkout.signing-key.json')).mode & 0o077).toBe(0);

    const signer = loadEventSigner(dir, 'checkout');
    const data = Buffer.from('hello');
    expect(loadKeyRing(dir).verify(signer.keyId, data, signer.sign(data), 'checkout').ok).toBe(
      true,
    );
  });

  it('says what to run when keys are missing', () => {
    expect(() => loadEventSigner(dir, 'checkout')).toThrow(/npm run setup/);
  });
});
