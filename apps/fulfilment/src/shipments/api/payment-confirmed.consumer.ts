import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PaymentConfirmedV1 } from '#lumen/contracts';
import { HandleEvent, type ReceivedEvent } from '#lumen/messaging';
import { RecordPaymentConfirmed } from '../application/record-payment-confirmed.use-case';

@Injectable()
export class PaymentConfirmedConsumer {
  constructor(private readonly recordPaymentConfirmed: RecordPaymentConfirmed) {}

  @HandleEvent('payment.payment.confirmed.v1')
  onPaymentConfirmed(event: ReceivedEvent<PaymentConfirmedV1>, tx: EntityManager): Promise<void> {
    return this.recordPaymentConfirmed.execute(tx, event.payload);
  }
}
