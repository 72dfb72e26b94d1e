import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { isDataKeyId, type DataKey } from './data-key';
import { EnvelopeError } from './envelope-error';

/**
 * Where a sealed value belongs: at least the field and the subject (`customer.email`,
 * `order:123`), and any other names the caller wants bound. The context is not stored in the
 * sealed value; the reader states it again, and a value moved to another field, order or event
 * does not open. The key id is always bound too; naming it here is allowed, but it must match.
 */
export interface SealContext {
  readonly field: string;
  readonly subject: string;
  readonly keyId?: string;
  readonly [name: string]: string | undefined;
}

declare const sealedBrand: unique symbol;
/** `lumen:v1:<keyId>:<iv b64url>:<ciphertext+tag b64url>` */
export type SealedValue = string & { readonly [sealedBrand]: true };

const PREFIX = 'lumen:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^lumen:v1:([A-Za-z0-9_-]{1,64}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]{22,})$/;

/**
 * The associated data: a version label, the key id, then the context as a JSON array of
 * [name, value] pairs sorted by name. JSON quoting makes it unambiguous (no way to shift a
 * separator between name and value), and sorting makes it independent of property order.
 */
function associatedData(keyId: string, context: SealContext): Buffer {
  if (context.keyId !== undefined && context.keyId !== keyId) {
    throw new EnvelopeError('bad-context', `The context names key ${context.keyId}, not ${keyId}`);
  }
  if (!context.field || !context.subject) {
    throw new EnvelopeError('bad-context', 'A seal context needs a field and a subject');
  }
  const pairs = Object.entries(context)
    .filter((entry): entry is [string, string] => entry[0] !== 'keyId' && entry[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(`lumen:v1\n${keyId}\n${JSON.stringify(pairs)}`, 'utf8');
}

/** Encrypts `plaintext` under `key` (AES-256-GCM, random 96-bit IV), bound to `context`. */
export function seal(plaintext: string, key: DataKey, context: SealContext): SealedValue {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.secret, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(key.keyId, context));
  const body = Buffer.concat([
    cipher.update(plaintext, 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return `${PREFIX}${key.keyId}:${iv.toString('base64url')}:${body.toString('base64url')}` as SealedValue;
}

export function isSealedValue(value: unknown): value is SealedValue {
  return typeof value === 'string' && SEALED.test(value);
}

/** The id of the key a sealed value needs: what a reader fetches before `open`. */
export function keyIdOfSealed(sealed: string): string {
  const match = SEALED.exec(sealed);
  if (!match?.[1]) throw new EnvelopeError('malformed', 'Not a lumen:v1 sealed value');
  return match[1];
}

/** Decrypts a sealed value; throws `EnvelopeError` unless key and context are the sealing ones. */
export function open(sealed: string, key: DataKey, context: SealContext): string {
  const match = SEALED.exec(sealed);
  const [, keyId, ivText, bodyText] = match ?? [];
  if (!keyId || !ivText || !bodyText || !isDataKeyId(keyId)) {
    throw new EnvelopeError('malformed', 'Not a lumen:v1 sealed value');
  }
  if (keyId !== key.keyId) {
    throw new EnvelopeError('wrong-key', `Sealed under ${keyId}, not ${key.keyId}`);
  }
  const iv = Buffer.from(ivText, 'base64url');
  const body = Buffer.from(bodyText, 'base64url');
  if (iv.length !== IV_BYTES || body.length < TAG_BYTES) {
    throw new EnvelopeError('malformed', 'Not a lumen:v1 sealed value');
  }
  const decipher = createDecipheriv('aes-256-gcm', key.secret, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(associatedData(keyId, context));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    const plaintext = Buffer.concat([
      decipher.update(body.subarray(0, body.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return plaintext.toString('utf8');
  } catch {
    throw new EnvelopeError(
      'unauthentic',
      `A value sealed under ${keyId} failed authentication: tampered, moved, or the wrong key`,
    );
  }
}
