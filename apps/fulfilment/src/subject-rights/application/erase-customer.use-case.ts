import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ErasureCompletedV1, LumenTopics, SubjectErasedV1 } from '#lumen/contracts';
import { Outbox } from '#lumen/messaging';
import { ShipmentEvents } from '../../shipments/application/shipment-events';
import { ShipmentRepository } from '../../shipments/application/shipment.repository';
import { FragmentSealer } from './fragment-sealer';
import { FulfilmentCustomerDataRepository } from './fulfilment-customer-data.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Erases a customer from fulfilment. The sealed addresses go, the orders are unlinked from the
 * customer, and published events about them are deleted; shipment records stay, with no
 * identity. An open shipment is handled by where it is:
 * - not yet handed to the carrier: cancelled with reason `subject-erased`, which publishes
 *   `fulfilment.shipment.failed.v1`: payment refunds and checkout cancels the order, as for
 *   any failed shipment. Sending goods to a person who asked to be forgotten, with an address
 *   nobody can read any more, is not an option;
 * - already with the carrier: it proceeds (the carrier holds the address already and the goods
 *   are paid for); its tracking updates still apply, and they carry no personal data.
 * The receipt goes to the outbox in the same transaction.
 */
@Injectable()
export class EraseCustomer {
  constructor(
    private readonly data: FulfilmentCustomerDataRepository,
    private readonly shipments: ShipmentRepository,
    private readonly events: ShipmentEvents,
    private readonly sealer: FragmentSealer,
    private readonly outbox: Outbox<LumenTopics>,
  ) {}

  async execute(tx: EntityManager, erased: SubjectErasedV1): Promise<ErasureCompletedV1> {
    const now = new Date();
    let cancelled = 0;
    let counts = { addressesDeleted: 0, ordersUnlinked: 0, outboxEventsDeleted: 0 };
    if (UUID.test(erased.customerId)) {
      for (const shipmentId of await this.data.cancellableShipments(tx, erased.customerId)) {
        const shipment = await this.shipments.lockById(tx, shipmentId);
        if (shipment?.status !== 'pending') continue;
        shipment.fail('subject-erased', now);
        await this.shipments.save(tx, shipment);
        await this.events.failed(tx, {
          shipmentId,
          orderId: shipment.state.orderId,
          carrier: shipment.state.carrier,
          occurredAt: now.toISOString(),
          reasonCode: 'subject-erased',
        });
        cancelled += 1;
      }
      counts = await this.data.erase(tx, erased.customerId, now);
    }
    const receipt: ErasureCompletedV1 = {
      requestId: erased.requestId,
      service: 'fulfilment',
      stores: [
        {
          store: 'fulfilment.sealed_addresses',
          action: 'deleted',
          count: counts.addressesDeleted,
        },
        {
          store: 'fulfilment.order_intake (customer link)',
          action: 'masked',
          count: counts.ordersUnlinked,
        },
        {
          store: 'fulfilment.shipments not yet with the carrier (cancelled: subject-erased)',
          action: 'deleted',
          count: cancelled,
        },
        {
          store: 'fulfilment.outbox (published events)',
          action: 'deleted',
          count: counts.outboxEventsDeleted,
        },
        {
          store: 'fulfilment key cache (memory)',
          action: 'deleted',
          count: this.sealer.forget(erased.keysDestroyed),
        },
        // Fulfilment keeps nothing in Redis.
        { store: 'redis', action: 'none-held', count: 0 },
      ],
      completedAt: now.toISOString(),
    };
    await this.outbox.add(tx, 'fulfilment.erasure.completed.v1', erased.requestId, receipt);
    return receipt;
  }
}
