import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PaymentConfirmedV1 } from '#lumen/contracts';
import { OrderIntakeRepository } from './order-intake.repository';
import { StartShipment } from './start-shipment.use-case';

/** The order is paid: its shipment starts (now, or when the placed order arrives). */
@Injectable()
export class RecordPaymentConfirmed {
  constructor(
    private readonly intake: OrderIntakeRepository,
    private readonly startShipment: StartShipment,
  ) {}

  async execute(tx: EntityManager, payment: PaymentConfirmedV1): Promise<void> {
    await this.intake.recordPaymentConfirmed(tx, payment.orderId, new Date(payment.confirmedAt));
    await this.startShipment.execute(tx, payment.orderId);
  }
}
