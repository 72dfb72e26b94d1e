import { verify } from 'node:crypto';
import type { TrustedKey } from './signing-key';

export type SignatureCheck =
  | { readonly ok: true; readonly service: string }
  | { readonly ok: false; readonly reason: 'unknown-key' | 'bad-signature' | 'wrong-signer' };

/**
 * The public keys a verifier trusts. Several keys per service may be trusted at once, which
 * is how a signing key is rotated without downtime: trust the new key everywhere, switch
 * the signer, then drop the old key.
 */
export class KeyRing {
  private readonly keys: ReadonlyMap<string, TrustedKey>;

  constructor(keys: Iterable<TrustedKey>) {
    this.keys = new Map([...keys].map((key) => [key.keyId, key]));
  }

  /** Verifies `signature` over `data` and that the key belongs to `expectedService`. */
  verify(keyId: string, data: Buffer, signature: Buffer, expectedService: string): SignatureCheck {
    const key = this.keys.get(keyId);
    if (!key) return { ok: false, reason: 'unknown-key' };
    if (key.service !== expectedService) return { ok: false, reason: 'wrong-signer' };
    let valid: boolean;
    try {
      valid = verify(null, data, key.publicKey, signature);
    } catch {
      valid = false; // malformed signature bytes are simply not a valid signature
    }
    return valid ? { ok: true, service: key.service } : { ok: false, reason: 'bad-signature' };
  }
}
