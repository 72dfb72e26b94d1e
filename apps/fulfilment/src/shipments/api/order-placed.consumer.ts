import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { OrderPlacedV1 } from '#lumen/contracts';
import { HandleEvent, type ReceivedEvent } from '#lumen/messaging';
import { RecordOrderPlaced } from '../application/record-order-placed.use-case';

@Injectable()
export class OrderPlacedConsumer {
  constructor(private readonly recordOrderPlaced: RecordOrderPlaced) {}

  @HandleEvent('checkout.order.placed.v1')
  onOrderPlaced(event: ReceivedEvent<OrderPlacedV1>, tx: EntityManager): Promise<void> {
    return this.recordOrderPlaced.execute(tx, event.payload);
  }
}
