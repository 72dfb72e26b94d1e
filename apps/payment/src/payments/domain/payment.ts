import type { PaymentFailureReason, PaymentRefundKind } from '#lumen/contracts';
import { PaymentException } from './payment.exception';

export type PaymentStatus = 'authorising' | 'authorised' | 'confirmed' | 'failed' | 'refunded';

/**
 * The only moves a payment can make; anything else is a bug and throws. A confirmed payment
 * is refunded, an authorisation never captured is voided (both end `refunded`) when the
 * order cannot be delivered.
 */
const TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  authorising: ['authorised', 'failed'],
  authorised: ['confirmed', 'failed', 'refunded'],
  confirmed: ['refunded'],
  failed: [],
  refunded: [],
};

/** What gave the money back, and why: the failed shipment's reason code. */
export interface PaymentRefund {
  readonly kind: PaymentRefundKind;
  readonly reasonCode: string;
  readonly at: Date;
}

export interface PaymentState {
  readonly orderId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly status: PaymentStatus;
  readonly gatewayReference: string | null;
  readonly reasonCode: PaymentFailureReason | null;
  readonly refund: PaymentRefund | null;
}

/** One order's payment: money as integer minor units, a status moved by the table above. */
export class Payment {
  private constructor(private state: PaymentState) {}

  static start(orderId: string, amountMinor: number, currency: string): Payment {
    return new Payment({
      orderId,
      amountMinor,
      currency,
      status: 'authorising',
      gatewayReference: null,
      reasonCode: null,
      refund: null,
    });
  }

  static restore(state: PaymentState): Payment {
    return new Payment(state);
  }

  get snapshot(): PaymentState {
    return this.state;
  }

  /** The payment attempt has an outcome: a repeated order changes nothing. */
  get isSettled(): boolean {
    return this.state.status !== 'authorising' && this.state.status !== 'authorised';
  }

  /**
   * How the money would be given back: a capture is refunded, a bare authorisation voided;
   * undefined when there is nothing to give back (never paid, already given back).
   */
  get refundKind(): PaymentRefundKind | undefined {
    if (this.state.gatewayReference === null) return undefined;
    if (this.state.status === 'confirmed') return 'refund';
    if (this.state.status === 'authorised') return 'void';
    return undefined;
  }

  authorised(gatewayReference: string): void {
    this.move('authorised');
    this.state = { ...this.state, gatewayReference };
  }

  confirmed(gatewayReference: string): void {
    this.move('confirmed');
    this.state = { ...this.state, gatewayReference };
  }

  failed(reasonCode: PaymentFailureReason): void {
    this.move('failed');
    this.state = { ...this.state, reasonCode };
  }

  refunded(reasonCode: string, at: Date): void {
    const kind = this.refundKind;
    if (kind === undefined) {
      throw new PaymentException(
        'illegal-transition',
        `Payment of order ${this.state.orderId} has nothing to refund (${this.state.status})`,
      );
    }
    this.move('refunded');
    this.state = { ...this.state, refund: { kind, reasonCode, at } };
  }

  private move(to: PaymentStatus): void {
    if (!TRANSITIONS[this.state.status].includes(to)) {
      throw new PaymentException(
        'illegal-transition',
        `Payment of order ${this.state.orderId} cannot go from ${this.state.status} to ${to}`,
      );
    }
    this.state = { ...this.state, status: to };
  }
}
