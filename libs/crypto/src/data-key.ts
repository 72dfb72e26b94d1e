import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { inspect } from 'node:util';
import { EnvelopeError } from './envelope-error';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Key ids travel inside sealed values (`lumen:v1:<keyId>:...`), so no colons and no spaces. */
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isDataKeyId(keyId: string): boolean {
  return KEY_ID.test(keyId);
}

/**
 * An AES-256 key held as a Node `KeyObject`. It never prints its bytes: `JSON.stringify`,
 * `console.log` and pino all see only the key id, so a logged key leaks nothing.
 */
abstract class SecretKey {
  readonly #secret: KeyObject;

  protected constructor(material: Buffer, what: string) {
    if (material.length !== KEY_BYTES) {
      throw new EnvelopeError('malformed', `${what} must be ${KEY_BYTES} bytes`);
    }
    this.#secret = createSecretKey(Buffer.from(material));
  }

  /** For the cipher calls in this library. */
  get secret(): KeyObject {
    return this.#secret;
  }

  /** The raw bytes, for the key service's answer to an allowed caller. Handle with care. */
  exportMaterial(): Buffer {
    return this.#secret.export();
  }

  abstract describe(): string;

  toJSON(): string {
    return this.describe();
  }

  [inspect.custom](): string {
    return this.describe();
  }

  toString(): string {
    return this.describe();
  }
}

/** A data key: encrypts the personal fields of one subject for one purpose. */
export class DataKey extends SecretKey {
  constructor(
    readonly keyId: string,
    material: Buffer,
  ) {
    if (!isDataKeyId(keyId))
      throw new EnvelopeError('malformed', 'A data key id must match [A-Za-z0-9_-]{1,64}');
    super(material, 'A data key');
  }

  describe(): string {
    return `DataKey(${this.keyId})`;
  }
}

/** A fresh random data key with a random id (`dk_` and 128 random bits). */
export function generateDataKey(keyId = `dk_${randomBytes(16).toString('base64url')}`): DataKey {
  return new DataKey(keyId, randomBytes(KEY_BYTES));
}

/**
 * The key that wraps data keys. Its id is a fingerprint, stored beside each wrapped key, so a
 * service started with the wrong master key says so instead of failing every unwrap.
 */
export class MasterKey extends SecretKey {
  readonly id: string;

  constructor(material: Buffer) {
    super(material, 'The master key');
    this.id = `mk_${createHash('sha256').update('lumen-master-key-id\n').update(material).digest('hex').slice(0, 16)}`;
  }

  describe(): string {
    return `MasterKey(${this.id})`;
  }
}

const WRAP_VERSION = 1;

function wrapAad(keyId: string): Buffer {
  return Buffer.from(`lumen:wrap:v${WRAP_VERSION}:${keyId}`, 'utf8');
}

/**
 * Encrypts a data key under the master key (AES-256-GCM, the key id as associated data, so a
 * wrapped key copied onto another key's row does not unwrap). Layout: version byte, IV,
 * ciphertext, tag.
 */
export function wrapDataKey(key: DataKey, master: MasterKey): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', master.secret, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(wrapAad(key.keyId));
  const ciphertext = Buffer.concat([cipher.update(key.exportMaterial()), cipher.final()]);
  return Buffer.concat([Buffer.from([WRAP_VERSION]), iv, ciphertext, cipher.getAuthTag()]);
}

export function unwrapDataKey(wrapped: Buffer, keyId: string, master: MasterKey): DataKey {
  if (wrapped.length !== 1 + IV_BYTES + KEY_BYTES + TAG_BYTES || wrapped[0] !== WRAP_VERSION) {
    throw new EnvelopeError('malformed', `Wrapped key ${keyId} has an unknown layout`);
  }
  const iv = wrapped.subarray(1, 1 + IV_BYTES);
  const ciphertext = wrapped.subarray(1 + IV_BYTES, 1 + IV_BYTES + KEY_BYTES);
  const tag = wrapped.subarray(1 + IV_BYTES + KEY_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', master.secret, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(wrapAad(keyId));
  decipher.setAuthTag(tag);
  let material: Buffer;
  try {
    material = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new EnvelopeError(
      'unauthentic',
      `Wrapped key ${keyId} does not unwrap under ${master.id}`,
    );
  }
  return new DataKey(keyId, material);
}
