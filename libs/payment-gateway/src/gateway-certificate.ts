import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/**
 * A certificate of the gateway's own CA, as signed JSON. Node's `crypto` verifies X.509 but
 * cannot issue it, so the simulator's CA issues this format instead; a real adapter takes the
 * same facts (subject, key, validity, serial, issuer) from the gateway's X.509 chain.
 *
 * - `role`: `merchant` for a shop's request-signing key, `gateway` for the key the gateway signs
 *   answers and notifications with, `root` only for the root itself (never in a message).
 * - `keyId`: `<subject>:<first 16 hex of SHA-256(SPKI)>`, so an id can never name another key.
 * - `publicKey`: Ed25519 SPKI DER, base64url.
 * - `signature`: Ed25519 by the issuer over `certificateSignedBytes` (every other field, in a
 *   fixed order, JSON-quoted so no field can bleed into the next).
 */
export const CERTIFICATE_ROLES = ['merchant', 'gateway', 'root'] as const;
export type CertificateRole = (typeof CERTIFICATE_ROLES)[number];

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected base64url');

export const gatewayCertificateSchema = z.strictObject({
  version: z.literal(1),
  serial: z.string().regex(/^[0-9a-f]{32}$/, 'expected 16 random bytes in hex'),
  role: z.enum(CERTIFICATE_ROLES),
  subject: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a lower-case id'),
  keyId: z.string().min(1).max(100),
  algorithm: z.literal('ed25519'),
  publicKey: base64url,
  notBefore: z.iso.datetime(),
  notAfter: z.iso.datetime(),
  issuerKeyId: z.string().min(1).max(100),
  signature: base64url,
});
export type GatewayCertificate = z.infer<typeof gatewayCertificateSchema>;
export type UnsignedCertificate = Omit<GatewayCertificate, 'signature'>;

/** The key id of a public key: `<subject>:<fingerprint>`. */
export function gatewayKeyIdOf(subject: string, publicKey: KeyObject): string {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return `${subject}:${createHash('sha256').update(spki).digest('hex').slice(0, 16)}`;
}

export function encodePublicKey(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'der' }).toString('base64url');
}

export function decodePublicKey(encoded: string): KeyObject {
  const key = createPublicKey({
    key: Buffer.from(encoded, 'base64url'),
    format: 'der',
    type: 'spki',
  });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('expected an Ed25519 public key');
  return key;
}

export function certificateSignedBytes(cert: UnsignedCertificate): Buffer {
  return Buffer.from(
    'lumen-gateway-certificate-v1\n' +
      JSON.stringify([
        cert.version,
        cert.serial,
        cert.role,
        cert.subject,
        cert.keyId,
        cert.algorithm,
        cert.publicKey,
        cert.notBefore,
        cert.notAfter,
        cert.issuerKeyId,
      ]),
    'utf8',
  );
}

/** Signs a certificate body with the issuer's private key. */
export function signCertificate(
  cert: UnsignedCertificate,
  issuerKey: KeyObject,
): GatewayCertificate {
  return {
    ...cert,
    signature: sign(null, certificateSignedBytes(cert), issuerKey).toString('base64url'),
  };
}

export function verifyCertificateSignature(
  cert: GatewayCertificate,
  issuerKey: KeyObject,
): boolean {
  try {
    return verify(
      null,
      certificateSignedBytes(cert),
      issuerKey,
      Buffer.from(cert.signature, 'base64url'),
    );
  } catch {
    return false;
  }
}

export function encodeCertificate(cert: GatewayCertificate): string {
  return Buffer.from(JSON.stringify(cert), 'utf8').toString('base64url');
}

/** Parses a certificate from its header form; undefined for anything malformed. */
export function decodeCertificate(encoded: string): GatewayCertificate | undefined {
  try {
    const parsed = gatewayCertificateSchema.safeParse(
      JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')),
    );
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
