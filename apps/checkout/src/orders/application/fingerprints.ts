/**
 * Keyed one-way fingerprints (HMAC under a secret from configuration): they identify a value
 * without storing it, and without letting anyone holding the table test guesses against it.
 */
export abstract class Fingerprints {
  /** Blind index of a customer's e-mail address, after normalisation. */
  abstract emailIndex(email: string): Buffer;
  /** Identifies an order request (for idempotency): same storefront and body, same print. */
  abstract requestFingerprint(storefrontId: string, request: unknown): Buffer;
}
