import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ShipmentFailedV1 } from '#lumen/contracts';
import { HandleEvent, type ReceivedEvent } from '#lumen/messaging';
import { RefundPayment } from '../application/refund-payment.use-case';

/** fulfilment.shipment.failed.v1 → give the money back (checked, deduplicated, in the inbox transaction). */
@Injectable()
export class ShipmentFailedConsumer {
  constructor(private readonly refundPayment: RefundPayment) {}

  @HandleEvent('fulfilment.shipment.failed.v1')
  async onShipmentFailed(event: ReceivedEvent<ShipmentFailedV1>, tx: EntityManager): Promise<void> {
    await this.refundPayment.execute(event.payload, tx);
  }
}
