export type PaymentErrorCode = 'illegal-transition';

export class PaymentException extends Error {
  constructor(
    readonly code: PaymentErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PaymentException';
  }
}
