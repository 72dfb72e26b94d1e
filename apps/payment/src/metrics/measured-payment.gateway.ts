import {
  GatewayFailure,
  PaymentGateway,
  type AuthorisationStanding,
  type AuthoriseRequest,
  type AuthoriseResult,
  type CaptureRequest,
  type CaptureResult,
  type RefundRequest,
  type VoidRequest,
} from '../payments/application/payment-gateway.port';
import { paymentMetrics } from './payment.metrics';

type Operation = 'authorise' | 'capture' | 'void' | 'refund' | 'look-up';

/**
 * Wraps the gateway adapter to time every request and count its outcome; a decline is an answer
 * (`declined`), a `GatewayFailure` is counted by its kind, anything else as `error`.
 */
export class MeasuredPaymentGateway extends PaymentGateway {
  constructor(private readonly gateway: PaymentGateway) {
    super();
  }

  authorise(request: AuthoriseRequest): Promise<AuthoriseResult> {
    return measure(
      'authorise',
      () => this.gateway.authorise(request),
      (result) => (result.outcome === 'declined' ? 'declined' : 'ok'),
    );
  }

  capture(request: CaptureRequest): Promise<CaptureResult> {
    return measure('capture', () => this.gateway.capture(request));
  }

  void(request: VoidRequest): Promise<void> {
    return measure('void', () => this.gateway.void(request));
  }

  refund(request: RefundRequest): Promise<void> {
    return measure('refund', () => this.gateway.refund(request));
  }

  lookUp(authorisationId: string): Promise<AuthorisationStanding> {
    return measure('look-up', () => this.gateway.lookUp(authorisationId));
  }
}

async function measure<T>(
  operation: Operation,
  call: () => Promise<T>,
  outcomeOf: (result: T) => string = () => 'ok',
): Promise<T> {
  const stopTimer = paymentMetrics.gatewayRequestSeconds.startTimer({ operation });
  try {
    const result = await call();
    paymentMetrics.gatewayRequests.inc({ operation, outcome: outcomeOf(result) });
    return result;
  } catch (error) {
    const outcome = error instanceof GatewayFailure ? error.kind : 'error';
    paymentMetrics.gatewayRequests.inc({ operation, outcome });
    throw error;
  } finally {
    stopTimer();
  }
}
