import { randomUUID } from 'node:crypto';
import type { EventSigner, KeyRing } from '#lumen/crypto';
import { isStaffRole, type StaffRole } from './access-policy';

/**
 * A staff assertion: privacy's short statement, signed with its Ed25519 service key, that a
 * person holds a live session with a given role. Any service verifies it with the public key
 * ring it already has, without reaching privacy's database or even privacy itself; the price
 * is that a revoked session keeps working until its last assertion expires (at most
 * `MAX_ASSERTION_LIFETIME_MS`). The assertion names the principal by an opaque id, never by
 * name or e-mail, so it carries no personal data. It also names the one service it is made
 * out for (`aud`), and each service refuses any other: an assertion a person sent to checkout
 * cannot be replayed by a compromised checkout to privacy's account or enrolment endpoints.
 *
 * Wire form: `v1.<payload base64url>.<signature base64url>`.
 */
export const STAFF_ASSERTION_HEADER = 'lumen-staff-assertion';
export const STAFF_ASSERTION_ISSUER = 'privacy';
export const MAX_ASSERTION_LIFETIME_MS = 5 * 60_000;
const VERSION = 'v1';
const SIGNING_LABEL = 'lumen-staff-assertion-v1';

export interface StaffAssertion {
  readonly principalId: string;
  readonly role: StaffRole;
  readonly sessionId: string;
  /** The service this assertion is good for, and no other. */
  readonly audience: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly assertionId: string;
}

interface AssertionPayload {
  iss: string;
  aud: string;
  kid: string;
  sub: string;
  role: string;
  sid: string;
  iat: number;
  exp: number;
  jti: string;
}

function signedBytes(encodedPayload: string): Buffer {
  return Buffer.from(`${SIGNING_LABEL}\n${encodedPayload}`, 'utf8');
}

export function issueStaffAssertion(
  signer: EventSigner,
  subject: { principalId: string; role: StaffRole; sessionId: string; audience: string },
  now: Date = new Date(),
  lifetimeMs: number = MAX_ASSERTION_LIFETIME_MS,
): { token: string; assertion: StaffAssertion } {
  if (signer.service !== STAFF_ASSERTION_ISSUER) {
    throw new Error(`Only ${STAFF_ASSERTION_ISSUER} issues staff assertions`);
  }
  const lifetime = Math.min(lifetimeMs, MAX_ASSERTION_LIFETIME_MS);
  const payload: AssertionPayload = {
    iss: signer.service,
    aud: subject.audience,
    kid: signer.keyId,
    sub: subject.principalId,
    role: subject.role,
    sid: subject.sessionId,
    iat: now.getTime(),
    exp: now.getTime() + lifetime,
    jti: randomUUID(),
  };
  const encoded = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  const signature = signer.sign(signedBytes(encoded)).toString('base64url');
  return {
    token: `${VERSION}.${encoded}.${signature}`,
    assertion: {
      principalId: payload.sub,
      role: subject.role,
      sessionId: payload.sid,
      audience: payload.aud,
      issuedAt: payload.iat,
      expiresAt: payload.exp,
      assertionId: payload.jti,
    },
  };
}

export type StaffAssertionCheck =
  | { readonly ok: true; readonly assertion: StaffAssertion }
  | {
      readonly ok: false;
      readonly reason:
        | 'malformed'
        | 'unknown-key'
        | 'wrong-signer'
        | 'bad-signature'
        | 'expired'
        | 'wrong-audience';
    };

function parsePayload(encoded: string): AssertionPayload | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const p = value as Record<string, unknown>;
    const strings = ['iss', 'aud', 'kid', 'sub', 'role', 'sid', 'jti'].every(
      (k) => typeof p[k] === 'string',
    );
    const numbers = ['iat', 'exp'].every((k) => Number.isSafeInteger(p[k]));
    return strings && numbers ? (value as AssertionPayload) : undefined;
  } catch {
    return undefined;
  }
}

/** Verifies an assertion for `audience`, the name of the service doing the verifying. */
export function verifyStaffAssertion(
  keyRing: KeyRing,
  token: string,
  audience: string,
  now: Date = new Date(),
): StaffAssertionCheck {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return { ok: false, reason: 'malformed' };
  const [, encoded = '', signature = ''] = parts;
  const payload = parsePayload(encoded);
  if (
    payload === undefined ||
    !isStaffRole(payload.role) ||
    payload.iss !== STAFF_ASSERTION_ISSUER
  ) {
    return { ok: false, reason: 'malformed' };
  }
  const check = keyRing.verify(
    payload.kid,
    signedBytes(encoded),
    Buffer.from(signature, 'base64url'),
    STAFF_ASSERTION_ISSUER,
  );
  if (!check.ok) return { ok: false, reason: check.reason };
  // An assertion claiming a longer life than any issuer grants is refused outright.
  if (payload.exp - payload.iat > MAX_ASSERTION_LIFETIME_MS)
    return { ok: false, reason: 'malformed' };
  if (now.getTime() >= payload.exp || now.getTime() < payload.iat - 60_000) {
    return { ok: false, reason: 'expired' };
  }
  if (payload.aud !== audience) return { ok: false, reason: 'wrong-audience' };
  return {
    ok: true,
    assertion: {
      principalId: payload.sub,
      role: payload.role,
      sessionId: payload.sid,
      audience: payload.aud,
      issuedAt: payload.iat,
      expiresAt: payload.exp,
      assertionId: payload.jti,
    },
  };
}
