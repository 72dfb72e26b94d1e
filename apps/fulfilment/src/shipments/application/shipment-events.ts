import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  shipmentCreatedV1,
  shipmentDeliveredV1,
  shipmentDispatchedV1,
  shipmentFailedV1,
  type LumenTopics,
  type PayloadOf,
  type ShipmentCreatedV1,
  type ShipmentDeliveredV1,
  type ShipmentDispatchedV1,
  type ShipmentFailedV1,
} from '#lumen/contracts';
import { Outbox } from '#lumen/messaging';

/**
 * Fulfilment's events, written to the outbox in the caller's transaction and keyed by order
 * id (one order's steps keep their order on the topic). Each method pairs a topic with its
 * payload type: the catalogue's computed keys widen topic names to `string`, so
 * `Outbox.add` alone cannot; the outbox still validates every payload against its topic's
 * schema before writing it.
 */
@Injectable()
export class ShipmentEvents {
  constructor(private readonly outbox: Outbox<LumenTopics>) {}

  created(tx: EntityManager, payload: ShipmentCreatedV1): Promise<void> {
    return this.add(tx, shipmentCreatedV1.name, payload);
  }

  dispatched(tx: EntityManager, payload: ShipmentDispatchedV1): Promise<void> {
    return this.add(tx, shipmentDispatchedV1.name, payload);
  }

  delivered(tx: EntityManager, payload: ShipmentDeliveredV1): Promise<void> {
    return this.add(tx, shipmentDeliveredV1.name, payload);
  }

  failed(tx: EntityManager, payload: ShipmentFailedV1): Promise<void> {
    return this.add(tx, shipmentFailedV1.name, payload);
  }

  private async add(
    tx: EntityManager,
    topic: string,
    payload: { readonly orderId: string },
  ): Promise<void> {
    await this.outbox.add(tx, topic, payload.orderId, payload as PayloadOf<LumenTopics, string>);
  }
}
