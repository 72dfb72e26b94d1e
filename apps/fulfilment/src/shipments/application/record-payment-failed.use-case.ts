import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PaymentFailedV1 } from '#lumen/contracts';
import { OrderIntakeRepository } from './order-intake.repository';

/**
 * The order will never be paid, so it will never ship: its sealed delivery address is deleted
 * at once rather than kept for nothing.
 */
@Injectable()
export class RecordPaymentFailed {
  constructor(private readonly intake: OrderIntakeRepository) {}

  async execute(tx: EntityManager, payment: PaymentFailedV1): Promise<void> {
    await this.intake.recordPaymentFailed(tx, payment.orderId, new Date(payment.failedAt));
    await this.intake.forgetAddress(tx, payment.orderId);
  }
}
