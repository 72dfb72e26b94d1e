import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { OrderPlacedV1 } from '#lumen/contracts';
import { keyIdOfSealed } from '#lumen/crypto';
import { OrderIntakeRepository } from './order-intake.repository';
import { StartShipment } from './start-shipment.use-case';

/**
 * Keeps what fulfilment needs of a placed order: the item count and the delivery address,
 * still sealed (fulfilment cannot read anything else in the event, and does not open the
 * address until the order is paid). Starts the shipment if the payment was confirmed first.
 */
@Injectable()
export class RecordOrderPlaced {
  constructor(
    private readonly intake: OrderIntakeRepository,
    private readonly startShipment: StartShipment,
  ) {}

  async execute(tx: EntityManager, order: OrderPlacedV1): Promise<void> {
    const itemCount = order.items.reduce((sum, item) => sum + item.quantity, 0);
    await this.intake.recordPlaced(tx, {
      orderId: order.orderId,
      customerId: order.customerId,
      itemCount,
      placedAt: new Date(order.placedAt),
      sealedAddress: order.delivery.address,
      addressKeyId: keyIdOfSealed(order.delivery.address),
    });
    await this.startShipment.execute(tx, order.orderId);
  }
}
