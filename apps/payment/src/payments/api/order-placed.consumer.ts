import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { OrderPlacedV1 } from '#lumen/contracts';
import { HandleEvent, type ReceivedEvent } from '#lumen/messaging';
import { TakePayment } from '../application/take-payment.use-case';

/** checkout.order.placed.v1 → take the payment (checked, deduplicated, in the inbox transaction). */
@Injectable()
export class OrderPlacedConsumer {
  constructor(private readonly takePayment: TakePayment) {}

  @HandleEvent('checkout.order.placed.v1')
  async onOrderPlaced(event: ReceivedEvent<OrderPlacedV1>, tx: EntityManager): Promise<void> {
    await this.takePayment.execute(event.payload, tx);
  }
}
