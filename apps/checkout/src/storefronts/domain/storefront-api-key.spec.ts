import {
  generateStorefrontApiKey,
  hashStorefrontApiKey,
  isWellFormedApiKey,
  sameKeyHash,
} from './storefront-api-key';

describe('storefront API keys', () => {
  it('are 256 random bits, well formed, and different every time', () => {
    const a = generateStorefrontApiKey();
    const b = generateStorefrontApiKey();
    expect(isWellFormedApiKey(a)).toBe(true);
    expect(a).not.toBe(b);
    expect(Buffer.from(a.slice(4), 'base64url')).toHaveLength(32);
  });

  it('are stored as a SHA-256 hash that never contains the key', () => {
    const key = generateStorefrontApiKey();
    const hash = hashStorefrontApiKey(key);
    expect(hash).toHaveLength(32);
    expect(hash.toString('hex')).not.toContain(Buffer.from(key).toString('hex'));
    expect(sameKeyHash(hash, hashStorefrontApiKey(key))).toBe(true);
    expect(sameKeyHash(hash, hashStorefrontApiKey(generateStorefrontApiKey()))).toBe(false);
    expect(sameKeyHash(hash, hash.subarray(0, 16))).toBe(false);
  });

  it('rejects anything that is not a key', () => {
    expect(isWellFormedApiKey('lsk_short')).toBe(false);
    expect(isWellFormedApiKey(`xx_${'a'.repeat(43)}`)).toBe(false);
  });
});
