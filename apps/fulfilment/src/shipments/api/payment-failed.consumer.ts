import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PaymentFailedV1 } from '#lumen/contracts';
import { HandleEvent, type ReceivedEvent } from '#lumen/messaging';
import { RecordPaymentFailed } from '../application/record-payment-failed.use-case';

@Injectable()
export class PaymentFailedConsumer {
  constructor(private readonly recordPaymentFailed: RecordPaymentFailed) {}

  @HandleEvent('payment.payment.failed.v1')
  onPaymentFailed(event: ReceivedEvent<PaymentFailedV1>, tx: EntityManager): Promise<void> {
    return this.recordPaymentFailed.execute(tx, event.payload);
  }
}
