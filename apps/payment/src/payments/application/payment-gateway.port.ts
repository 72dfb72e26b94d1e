/**
 * What Lumen needs from a payment gateway. Every call carries an idempotency key (the order
 * id): the same call repeated after a timeout or a crash must never charge twice. The
 * simulator adapter is the first implementation; see apps/payment/README.md for what a
 * PayPal or Opayo adapter must do.
 */
export interface AuthoriseRequest {
  readonly orderId: string;
  readonly idempotencyKey: string;
  readonly amountMinor: number;
  readonly currency: string;
  /** The gateway-issued card token, opened just for this call; never stored or logged. */
  readonly cardToken: string;
}

export type AuthoriseResult =
  | { readonly outcome: 'authorised'; readonly authorisationId: string }
  | { readonly outcome: 'declined'; readonly reason: 'declined' | 'insufficient-funds' };

export interface CaptureRequest {
  readonly authorisationId: string;
  readonly idempotencyKey: string;
  readonly amountMinor: number;
}

export interface CaptureResult {
  readonly captureId: string;
}

/** Where an authorisation stands at the gateway: how a lost capture answer is settled. */
export interface AuthorisationStanding {
  readonly status: 'authorised' | 'declined' | 'captured' | 'voided';
  readonly captureId: string | null;
}

export interface VoidRequest {
  readonly authorisationId: string;
  readonly idempotencyKey: string;
}

/** Gives back (all of) a captured payment. */
export interface RefundRequest {
  readonly captureId: string;
  readonly idempotencyKey: string;
  readonly amountMinor: number;
}

/**
 * - `unavailable`: no usable answer (timeout, 5xx, unreachable); retrying with the same
 *   idempotency key is safe.
 * - `unverified`: an answer arrived but did not verify; treated as no answer (retry is safe).
 * - `rejected`: the gateway refused the request itself (4xx): retrying cannot help.
 */
export type GatewayFailureKind = 'unavailable' | 'unverified' | 'rejected';

export class GatewayFailure extends Error {
  constructor(
    readonly kind: GatewayFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'GatewayFailure';
  }

  get retryable(): boolean {
    return this.kind !== 'rejected';
  }
}

export abstract class PaymentGateway {
  abstract authorise(request: AuthoriseRequest): Promise<AuthoriseResult>;
  abstract capture(request: CaptureRequest): Promise<CaptureResult>;
  abstract void(request: VoidRequest): Promise<void>;
  abstract refund(request: RefundRequest): Promise<void>;
  abstract lookUp(authorisationId: string): Promise<AuthorisationStanding>;
}
