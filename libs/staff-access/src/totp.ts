import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 30-second steps,
 * six digits, the current step and one on either side accepted so a clock a little off still
 * works. The secret travels to authenticator apps as base32 (RFC 4648, no padding).
 */
export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
const ACCEPTED_DRIFT_STEPS = 1;
const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4226 HOTP: HMAC-SHA1 of the counter, dynamically truncated to `digits` digits. */
export function hotp(secret: Buffer, counter: bigint, digits: number = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(counter);
  const mac = createHmac('sha1', secret).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export function totpAt(secret: Buffer, at: Date, digits: number = TOTP_DIGITS): string {
  return hotp(secret, BigInt(Math.floor(at.getTime() / 1000 / TOTP_STEP_SECONDS)), digits);
}

/**
 * The step whose code `code` is: the step at `now`, or the one just before or after; null when
 * none. Callers keep the last step they accepted so a code is never accepted twice.
 */
export function matchTotpStep(secret: Buffer, code: string, now: Date = new Date()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const step = Math.floor(now.getTime() / 1000 / TOTP_STEP_SECONDS);
  let matched: number | null = null;
  // Every candidate is compared, matched or not, so timing says nothing about which step hit.
  for (let drift = -ACCEPTED_DRIFT_STEPS; drift <= ACCEPTED_DRIFT_STEPS; drift += 1) {
    const expected = Buffer.from(hotp(secret, BigInt(step + drift)));
    if (timingSafeEqual(expected, Buffer.from(code))) matched = step + drift;
  }
  return matched;
}

export function verifyTotp(secret: Buffer, code: string, now: Date = new Date()): boolean {
  return matchTotpStep(secret, code, now) !== null;
}

/** A new 20-byte secret (the RFC 4226 recommended length for SHA-1). */
export function generateTotpSecret(): Buffer {
  return randomBytes(20);
}

export function toBase32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let output = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      output += BASE32_ALPHABET.charAt((value >>> (bits - 5)) & 31);
      bits -= 5;
    }
  }
  if (bits > 0) output += BASE32_ALPHABET.charAt((value << (5 - bits)) & 31);
  return output;
}

export function fromBase32(text: string): Buffer {
  const clean = text.replace(/=+$/, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const char of clean) {
    const index = BASE32_ALPHABET.indexOf(char);
    if (index < 0) throw new Error('not base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** The otpauth:// URI authenticator apps read from a QR code; the label is the account id. */
export function totpUri(issuer: string, account: string, secret: Buffer): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  const query = new URLSearchParams({
    secret: toBase32(secret),
    issuer,
    algorithm: 'SHA1',
    digits: String(TOTP_DIGITS),
    period: String(TOTP_STEP_SECONDS),
  });
  return `otpauth://totp/${label}?${query.toString()}`;
}
