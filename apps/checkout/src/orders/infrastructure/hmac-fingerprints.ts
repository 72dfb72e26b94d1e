import { createHmac, hkdfSync } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CHECKOUT_CONFIG, type CheckoutConfig } from '../../config/checkout.config';
import { Fingerprints } from '../application/fingerprints';

/** JSON with object keys sorted at every level: the same request always prints the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Normalises an address the way people mean it: case and surrounding space do not matter. */
export function normaliseEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

/**
 * HMAC-SHA256 under subkeys derived (HKDF) from CHECKOUT_INDEX_SECRET, one per use, so an
 * e-mail index can never be confused with a request fingerprint.
 */
@Injectable()
export class HmacFingerprints extends Fingerprints {
  private readonly emailKey: Buffer;
  private readonly requestKey: Buffer;

  constructor(@Inject(CHECKOUT_CONFIG) config: CheckoutConfig) {
    super();
    const derive = (info: string) =>
      Buffer.from(hkdfSync('sha256', config.indexSecret, Buffer.alloc(0), info, 32));
    this.emailKey = derive('lumen checkout email index v1');
    this.requestKey = derive('lumen checkout request fingerprint v1');
  }

  emailIndex(email: string): Buffer {
    return createHmac('sha256', this.emailKey).update(normaliseEmail(email), 'utf8').digest();
  }

  requestFingerprint(storefrontId: string, request: unknown): Buffer {
    return createHmac('sha256', this.requestKey)
      .update(`${storefrontId}\n${canonicalJson(request)}`, 'utf8')
      .digest();
  }
}
