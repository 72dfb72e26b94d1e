/** Every way checkout refuses a request, mapped to HTTP in one place (api/checkout-exception.filter.ts). */
export enum CheckoutErrorCode {
  InvalidRequest = 'invalid-request',
  CardNumberSubmitted = 'card-number-submitted',
  UnknownPolicyVersion = 'unknown-policy-version',
  IdempotencyKeyReused = 'idempotency-key-reused',
  Unauthenticated = 'unauthenticated',
  OrderNotFound = 'order-not-found',
  PolicyVersionNotFound = 'policy-version-not-found',
  IllegalTransition = 'illegal-transition',
  KeyServiceUnavailable = 'key-service-unavailable',
}

/** A field the caller got wrong and what it should hold; never the value that was sent. */
export interface FieldProblem {
  readonly field: string;
  readonly expected: string;
}

export class CheckoutException extends Error {
  constructor(
    readonly code: CheckoutErrorCode,
    message: string,
    readonly fields: readonly FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'CheckoutException';
  }
}
