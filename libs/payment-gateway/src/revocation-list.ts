import { verify } from 'node:crypto';
import { z } from 'zod';
import type { GatewayRootKey, PinnedRoot } from './gateway-root';

/**
 * The gateway's certificate revocation list, signed by the root. The gateway re-signs it on
 * every fetch, so `issuedAt` says how fresh the verifier's view is: a verifier refuses every
 * message once its list is older than its maximum staleness (fail closed), and never accepts
 * a list older than the one it holds (no rollback to a list from before a revocation).
 */
export const revokedEntrySchema = z.strictObject({
  serial: z.string().regex(/^[0-9a-f]{32}$/),
  keyId: z.string().min(1).max(100),
  revokedAt: z.iso.datetime(),
  reason: z.string().min(1).max(200),
});
export type RevokedEntry = z.infer<typeof revokedEntrySchema>;

export const revocationListSchema = z.strictObject({
  version: z.literal(1),
  issuerKeyId: z.string().min(1).max(100),
  issuedAt: z.iso.datetime(),
  revoked: z.array(revokedEntrySchema).max(100_000),
  signature: z.string().regex(/^[A-Za-z0-9_-]+$/),
});
export type RevocationList = z.infer<typeof revocationListSchema>;

function revocationSignedBytes(list: Omit<RevocationList, 'signature'>): Buffer {
  return Buffer.from(
    'lumen-gateway-revocations-v1\n' +
      JSON.stringify([
        list.version,
        list.issuerKeyId,
        list.issuedAt,
        list.revoked.map((entry) => [entry.serial, entry.keyId, entry.revokedAt, entry.reason]),
      ]),
    'utf8',
  );
}

export function issueRevocationList(
  root: GatewayRootKey,
  revoked: readonly RevokedEntry[],
  issuedAt: Date,
): RevocationList {
  const body = {
    version: 1 as const,
    issuerKeyId: root.keyId,
    issuedAt: issuedAt.toISOString(),
    revoked: [...revoked],
  };
  return { ...body, signature: root.sign(revocationSignedBytes(body)).toString('base64url') };
}

export type RevocationListCheck =
  | { readonly ok: true; readonly list: RevocationList }
  | { readonly ok: false; readonly reason: 'malformed' | 'untrusted-issuer' | 'bad-signature' };

/** Parses and verifies a revocation list against the pinned root. */
export function checkRevocationList(root: PinnedRoot, input: unknown): RevocationListCheck {
  const parsed = revocationListSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  const list = parsed.data;
  if (list.issuerKeyId !== root.keyId) return { ok: false, reason: 'untrusted-issuer' };
  let valid: boolean;
  try {
    valid = verify(
      null,
      revocationSignedBytes(list),
      root.publicKey,
      Buffer.from(list.signature, 'base64url'),
    );
  } catch {
    valid = false;
  }
  return valid ? { ok: true, list } : { ok: false, reason: 'bad-signature' };
}
