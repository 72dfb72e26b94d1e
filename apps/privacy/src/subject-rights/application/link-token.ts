import { createHash, randomBytes } from 'node:crypto';

/** An unguessable bearer token for the customer's link; only its hash is stored. */
export function newLinkToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: linkTokenHash(token) };
}

export function linkTokenHash(token: string): Buffer {
  return createHash('sha256').update(`lumen:subject-link:v1\n${token}`).digest();
}
