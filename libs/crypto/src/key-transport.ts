import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { DataKey } from './data-key';
import { EnvelopeError } from './envelope-error';

/**
 * A data key on its way from the key service to one caller, encrypted to that caller: the
 * caller sends an X25519 public key (inside the signed request), the key service encrypts the
 * data key under a secret agreed with a fresh key pair of its own (ECDH, HKDF-SHA256,
 * AES-256-GCM with the key id as associated data). Without TLS, or replayed, the answer is
 * noise to anyone but the caller that asked.
 */
export interface TransportedKey {
  /** The key service's one-time X25519 public key, base64url (raw 32 bytes). */
  readonly ephemeralPublicKey: string;
  readonly iv: string;
  /** Ciphertext and tag, base64url. */
  readonly ciphertext: string;
}

const RAW_PUBLIC_KEY = /^[A-Za-z0-9_-]{43}$/;

function rawPublicKeyOf(key: KeyObject): string {
  const { x } = key.export({ format: 'jwk' });
  if (typeof x !== 'string') throw new Error('X25519 public key without x');
  return x;
}

function importPublicKey(raw: string): KeyObject {
  if (!RAW_PUBLIC_KEY.test(raw)) {
    throw new EnvelopeError('malformed', 'expected an X25519 public key, base64url, 43 characters');
  }
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: raw }, format: 'jwk' });
  } catch {
    throw new EnvelopeError('malformed', 'expected an X25519 public key, base64url, 43 characters');
  }
}

function transportKey(
  shared: Buffer,
  senderPublic: string,
  recipientPublic: string,
  keyId: string,
): Buffer {
  return Buffer.from(
    hkdfSync(
      'sha256',
      shared,
      Buffer.from(`${senderPublic}.${recipientPublic}`, 'utf8'),
      Buffer.from(`lumen-key-transport-v1:${keyId}`, 'utf8'),
      32,
    ),
  );
}

/** Encrypts `key` so that only the holder of `recipientPublicKey`'s private half can read it. */
export function sealKeyForRecipient(key: DataKey, recipientPublicKey: string): TransportedKey {
  const [sealed] = sealKeysForRecipient([key], recipientPublicKey);
  if (sealed === undefined) throw new Error('sealKeysForRecipient returned nothing for one key');
  return sealed;
}

/**
 * Encrypts several keys for one recipient in one answer: one fresh sender key pair and one
 * key agreement for all of them (the agreement is most of the cost), then a transport key per
 * data key (HKDF with the key id, as for a single key) and a fresh IV each. Each result opens
 * with `KeyTransportRecipient.open` like a single key's.
 */
export function sealKeysForRecipient(
  keys: readonly DataKey[],
  recipientPublicKey: string,
): TransportedKey[] {
  const recipient = importPublicKey(recipientPublicKey);
  const ephemeral = generateKeyPairSync('x25519');
  const senderPublic = rawPublicKeyOf(ephemeral.publicKey);
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient });
  } catch {
    throw new EnvelopeError('malformed', 'unusable X25519 public key');
  }
  return keys.map((key) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv(
      'aes-256-gcm',
      transportKey(shared, senderPublic, recipientPublicKey, key.keyId),
      iv,
    );
    cipher.setAAD(Buffer.from(key.keyId, 'utf8'));
    const ciphertext = Buffer.concat([
      cipher.update(key.exportMaterial()),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return {
      ephemeralPublicKey: senderPublic,
      iv: iv.toString('base64url'),
      ciphertext: ciphertext.toString('base64url'),
    };
  });
}

/** The caller's side: a key pair whose public half goes into each request for a key. */
export class KeyTransportRecipient {
  readonly #privateKey: KeyObject;
  readonly publicKey: string;

  constructor() {
    const pair = generateKeyPairSync('x25519');
    this.#privateKey = pair.privateKey;
    this.publicKey = rawPublicKeyOf(pair.publicKey);
  }

  open(transported: TransportedKey, keyId: string): DataKey {
    return this.openWith(new Map(), transported, keyId);
  }

  /**
   * Opens several keys of one answer (`sealKeysForRecipient`), agreeing on a secret once per
   * sender key instead of once per data key.
   */
  openAll(
    items: readonly { readonly keyId: string; readonly sealedKey: TransportedKey }[],
  ): DataKey[] {
    const agreed = new Map<string, Buffer>();
    return items.map(({ keyId, sealedKey }) => this.openWith(agreed, sealedKey, keyId));
  }

  private openWith(
    agreed: Map<string, Buffer>,
    transported: TransportedKey,
    keyId: string,
  ): DataKey {
    const iv = Buffer.from(transported.iv, 'base64url');
    const body = Buffer.from(transported.ciphertext, 'base64url');
    if (iv.length !== 12 || body.length !== 32 + 16) {
      throw new EnvelopeError('malformed', `Transported key ${keyId} has an unknown layout`);
    }
    const unauthentic = () =>
      new EnvelopeError(
        'unauthentic',
        `Transported key ${keyId} is not for this recipient, or was changed`,
      );
    let shared = agreed.get(transported.ephemeralPublicKey);
    if (shared === undefined) {
      const sender = importPublicKey(transported.ephemeralPublicKey);
      try {
        shared = diffieHellman({ privateKey: this.#privateKey, publicKey: sender });
      } catch {
        throw unauthentic();
      }
      agreed.set(transported.ephemeralPublicKey, shared);
    }
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        transportKey(shared, transported.ephemeralPublicKey, this.publicKey, keyId),
        iv,
      );
      decipher.setAAD(Buffer.from(keyId, 'utf8'));
      decipher.setAuthTag(body.subarray(32));
      return new DataKey(
        keyId,
        Buffer.concat([decipher.update(body.subarray(0, 32)), decipher.final()]),
      );
    } catch {
      throw unauthentic();
    }
  }
}
