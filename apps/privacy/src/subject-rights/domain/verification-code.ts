import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/** A fresh 6-digit code, uniformly drawn (leading zeros kept). */
export function newVerificationCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/**
 * What is stored instead of the code: an HMAC under a secret of the service (derived from the
 * master key), bound to the request. A bare hash of six digits would fall to a million guesses
 * by anyone holding a copy of the table; this needs the secret too.
 */
export function verificationCodeHash(secret: Buffer, requestId: string, code: string): Buffer {
  return createHmac('sha256', secret)
    .update(`lumen:verification-code:v1\n${requestId}\n${code}`)
    .digest();
}

/** Constant-time; a request that never had a code (no match) compares against nothing. */
export function verificationCodeMatches(
  secret: Buffer,
  stored: Buffer | null,
  requestId: string,
  candidate: string,
): boolean {
  const computed = verificationCodeHash(secret, requestId, candidate);
  const expected = stored ?? Buffer.alloc(computed.length);
  return timingSafeEqual(computed, expected) && stored !== null;
}
