import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Storefront API keys: `lsk_` and 256 random bits (base64url). Only their SHA-256 is stored. */
const API_KEY = /^lsk_[A-Za-z0-9_-]{43}$/;

export function generateStorefrontApiKey(): string {
  return `lsk_${randomBytes(32).toString('base64url')}`;
}

export function isWellFormedApiKey(key: string): boolean {
  return API_KEY.test(key);
}

/**
 * A key of 256 random bits needs no slow hash: nobody can guess one, so SHA-256 is enough to
 * make a stolen table useless for calling the API.
 */
export function hashStorefrontApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** Constant-time comparison of two key hashes. */
export function sameKeyHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
