import { Injectable } from '@nestjs/common';
import { CheckoutErrorCode, CheckoutException } from '../../orders/domain/checkout.exception';
import { hashStorefrontApiKey, isWellFormedApiKey } from '../domain/storefront-api-key';
import { StorefrontRepository, type Storefront } from './storefront.repository';

/**
 * Finds the storefront an API key belongs to. The lookup is by the key's SHA-256, so the
 * database's comparison leaks nothing an attacker can steer; the final check is constant-time.
 */
@Injectable()
export class AuthenticateStorefront {
  constructor(private readonly storefronts: StorefrontRepository) {}

  async execute(apiKey: string | undefined): Promise<Storefront> {
    if (apiKey === undefined || !isWellFormedApiKey(apiKey)) throw unauthenticated();
    const hash = hashStorefrontApiKey(apiKey);
    const found = await this.storefronts.findByKeyHash(hash);
    if (found === undefined) throw unauthenticated();
    return found;
  }
}

/** Also used by the guard: no hint whether the key was missing, malformed, unknown or revoked. */
export function unauthenticated(): CheckoutException {
  return new CheckoutException(
    CheckoutErrorCode.Unauthenticated,
    'Send your storefront API key as "Authorization: Bearer <key>" or "X-Api-Key: <key>"',
  );
}
