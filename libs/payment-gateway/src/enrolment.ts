import { sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { decodePublicKey, encodePublicKey } from './gateway-certificate';

/**
 * A merchant asks the gateway to certify a key it generated itself; the private half never
 * leaves the merchant. The request proves possession: it is signed by the key being
 * enrolled (like a PKCS#10 CSR), so nobody can get someone else's public key certified.
 */
export const enrolmentRequestSchema = z.strictObject({
  merchantId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a lower-case id'),
  publicKey: z.string().regex(/^[A-Za-z0-9_-]+$/),
  /** Where the gateway posts signed notifications for this merchant. */
  notificationUrl: z.url({ protocol: /^https?$/ }).optional(),
  validityDays: z.number().int().min(1).max(825).default(365),
  proof: z.string().regex(/^[A-Za-z0-9_-]+$/),
});
export type EnrolmentRequest = z.input<typeof enrolmentRequestSchema>;

function proofBytes(merchantId: string, publicKey: string): Buffer {
  return Buffer.from(`lumen-gateway-enrolment-v1\n${merchantId}\n${publicKey}`, 'utf8');
}

export function buildEnrolmentRequest(
  merchantId: string,
  keyPair: { privateKey: KeyObject; publicKey: KeyObject },
  extra: { notificationUrl?: string; validityDays?: number } = {},
): EnrolmentRequest {
  const publicKey = encodePublicKey(keyPair.publicKey);
  return {
    merchantId,
    publicKey,
    ...extra,
    proof: sign(null, proofBytes(merchantId, publicKey), keyPair.privateKey).toString('base64url'),
  };
}

/** True when the proof was made by the private half of the key being enrolled. */
export function verifyEnrolmentProof(request: z.output<typeof enrolmentRequestSchema>): boolean {
  try {
    return verify(
      null,
      proofBytes(request.merchantId, request.publicKey),
      decodePublicKey(request.publicKey),
      Buffer.from(request.proof, 'base64url'),
    );
  } catch {
    return false;
  }
}
