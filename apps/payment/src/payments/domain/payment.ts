import type { PaymentFailureReason } from '#lumen/contracts';
import { PaymentException } from './payment.exception';

export type PaymentStatus = 'authorising' | 'authorised' | 'confirmed' | 'failed';

/** The only moves a payment can make; anything else is a bug and throws. */
const TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  authorising: ['authorised', 'failed'],
  authorised: ['confirmed', 'failed'],
  confirmed: [],
  failed: [],
};

export interface PaymentState {
  readonly orderId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly status: PaymentStatus;
  readonly gatewayReference: string | null;
  readonly reasonCode: PaymentFailureReason | null;
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
    });
  }

  static restore(state: PaymentState): Payment {
    return new Payment(state);
  }

  get snapshot(): PaymentState {
    return this.state;
  }

  get isFinal(): boolean {
    return TRANSITIONS[this.state.status].length === 0;
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
