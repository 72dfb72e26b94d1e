import {
  EnvelopeError,
  generateDataKey,
  KeyTransportRecipient,
  sealKeyForRecipient,
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
});
