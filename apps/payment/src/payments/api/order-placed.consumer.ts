import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { OrderPlacedV1 } from '#lumen/contracts';
import { HandleEvent, type ReceivedEvent } from '#lumen/messaging';
import { RecordPaymentCustomer } from '../../subject-rights/application/record-payment-customer.use-case';
import { TakePayment } from '../application/take-payment.use-case';

/**
 * checkout.order.placed.v1 → take the payment (checked, deduplicated, in the inbox transaction)
 * and remember whose it is, for the customer's access and erasure requests.
 */
@Injectable()
export class OrderPlacedConsumer {
  constructor(
    private readonly takePayment: TakePayment,
    private readonly recordCustomer: RecordPaymentCustomer,
  ) {}

  @HandleEvent('checkout.order.placed.v1')
  async onOrderPlaced(event: ReceivedEvent<OrderPlacedV1>, tx: EntityManager): Promise<void> {
    await this.takePayment.execute(event.payload, tx);
    await this.recordCustomer.execute(tx, event.payload);
  }
}
