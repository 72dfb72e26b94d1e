import {
  EnvelopeError,
  generateDataKey,
  KeyTransportRecipient,
  sealKeyForRecipient,
  sealKeysForRecipient,
} from '#lumen/crypto';

describe('key transport to one recipient', () => {
  const key = generateDataKey();

  it('delivers the key to the recipient that asked', () => {
    const recipient = new KeyTransportRecipient();
    const opened = recipient.open(sealKeyForRecipient(key, recipient.publicKey), key.keyId);
    expect(opened.exportMaterial().equals(key.exportMaterial())).toBe(true);
  });

  it('is noise to anyone else, and bound to the key id', () => {
    const recipient = new KeyTransportRecipient();
    const transported = sealKeyForRecipient(key, recipient.publicKey);
    expect(() => new KeyTransportRecipient().open(transported, key.keyId)).toThrow(EnvelopeError);
    expect(() => recipient.open(transported, 'dk_other')).toThrow(EnvelopeError);
    const flipped = Buffer.from(transported.ciphertext, 'base64url');
    flipped.writeUInt8(flipped.readUInt8(0) ^ 1, 0);
    expect(() =>
      recipient.open({ ...transported, ciphertext: flipped.toString('base64url') }, key.keyId),
    ).toThrow(EnvelopeError);
    expect(JSON.stringify(transported)).not.toContain(key.exportMaterial().toString('base64url'));
  });

  it('uses a fresh sender key each time', () => {
    const recipient = new KeyTransportRecipient();
    expect(sealKeyForRecipient(key, recipient.publicKey).ephemeralPublicKey).not.toBe(
      sealKeyForRecipient(key, recipient.publicKey).ephemeralPublicKey,
    );
  });

  it('refuses a recipient key that is not an X25519 public key', () => {
    expect(() => sealKeyForRecipient(key, 'not-a-key')).toThrow(EnvelopeError);
    expect(() => sealKeyForRecipient(key, 'A'.repeat(44))).toThrow(EnvelopeError);
  });

  describe('several keys in one answer', () => {
    const keys = [generateDataKey(), generateDataKey(), generateDataKey()];

    it('delivers each key, in order, with one sender key for the answer', () => {
      const recipient = new KeyTransportRecipient();
      const sealed = sealKeysForRecipient(keys, recipient.publicKey);
      expect(new Set(sealed.map((s) => s.ephemeralPublicKey)).size).toBe(1);
      expect(new Set(sealed.map((s) => s.iv)).size).toBe(3);
      const opened = recipient.openAll(
        keys.map((key, i) => ({ keyId: key.keyId, sealedKey: sealed[i]! })),
      );
      expect(opened.map((key) => key.keyId)).toEqual(keys.map((key) => key.keyId));
      opened.forEach((key, i) => {
        expect(key.exportMaterial().equals(keys[i]!.exportMaterial())).toBe(true);
      });
      // Each one also opens on its own, like a single key's answer.
      expect(
        recipient
          .open(sealed[1]!, keys[1]!.keyId)
          .exportMaterial()
          .equals(keys[1]!.exportMaterial()),
      ).toBe(true);
    });

    it('binds each sealed key to its own key id, and is noise to anyone else', () => {
      const recipient = new KeyTransportRecipient();
      const sealed = sealKeysForRecipient(keys, recipient.publicKey);
      // Swapped places: the contact key cannot be passed off as the card token's.
      expect(() =>
        recipient.openAll([
          { keyId: keys[0]!.keyId, sealedKey: sealed[1]! },
          { keyId: keys[1]!.keyId, sealedKey: sealed[0]! },
        ]),
      ).toThrow(EnvelopeError);
      expect(() =>
        new KeyTransportRecipient().openAll([{ keyId: keys[0]!.keyId, sealedKey: sealed[0]! }]),
      ).toThrow(EnvelopeError);
      for (const [i, key] of keys.entries()) {
        expect(JSON.stringify(sealed[i])).not.toContain(key.exportMaterial().toString('base64url'));
      }
    });

    it('refuses a recipient key that is not an X25519 public key', () => {
      expect(() => sealKeysForRecipient(keys, 'not-a-key')).toThrow(EnvelopeError);
    });
  });
});
