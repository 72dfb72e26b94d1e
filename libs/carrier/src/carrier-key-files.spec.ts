import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  carrierSigningKeyPath,
  carrierTrustedKeyPath,
  CarrierMessageVerifier,
  ensureCarrierDevKeys,
  InMemoryCarrierReplayCache,
  loadCarrierKeyRing,
  loadCarrierSigner,
  signCarrierMessage,
} from '#lumen/carrier';

describe('carrier development key files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lumen-carrier-keys-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates one key pair per party once, private keys readable by the owner only', () => {
    const created = ensureCarrierDevKeys(dir);
    expect(created).toHaveLength(2);
    const before = readFileSync(carrierSigningKeyPath(dir, 'merchant'), 'utf8');
    expect(ensureCarrierDevKeys(dir)).toEqual([]);
    expect(readFileSync(carrierSigningKeyPath(dir, 'merchant'), 'utf8')).toBe(before);
    expect(statSync(carrierSigningKeyPath(dir, 'carrier')).mode & 0o077).toBe(0);
  });

  it('pairs each signing key with the public key the other party loads', () => {
    ensureCarrierDevKeys(dir);
    const signer = loadCarrierSigner(carrierSigningKeyPath(dir, 'carrier'), 'carrier');
    const verifier = new CarrierMessageVerifier({
      keyRing: loadCarrierKeyRing(carrierTrustedKeyPath(dir, 'carrier'), 'carrier'),
      signer: 'carrier',
      replayCache: new InMemoryCarrierReplayCache({ ttlMs: 600_000 }),
    });
    const message = { kind: 'callback' as const, target: '/t', body: '{}' };
    expect(verifier.verify({ ...message, headers: signCarrierMessage(signer, message) }).ok).toBe(
      true,
    );
  });

  it('refuses a key file of the other party', () => {
    ensureCarrierDevKeys(dir);
    expect(() => loadCarrierSigner(carrierSigningKeyPath(dir, 'merchant'), 'carrier')).toThrow(
      /expected one of carrier/,
    );
    expect(() => loadCarrierKeyRing(carrierTrustedKeyPath(dir, 'merchant'), 'carrier')).toThrow(
      /expected keys of carrier/,
    );
  });

  it('refuses a public key file whose key id does not match its key', () => {
    ensureCarrierDevKeys(dir);
    const path = carrierTrustedKeyPath(dir, 'merchant');
    const file = JSON.parse(readFileSync(path, 'utf8')) as { keyId: string };
    writeFileSync(path, JSON.stringify({ ...file, keyId: 'merchant:0000000000000000' }));
    expect(() => loadCarrierKeyRing(path, 'merchant')).toThrow(/does not match/);
  });
});
