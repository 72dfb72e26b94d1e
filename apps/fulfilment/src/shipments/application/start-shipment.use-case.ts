import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { newShipmentReference } from '#lumen/carrier';
import { captureTraceContext } from '#lumen/messaging';
import { FULFILMENT_CONFIG, type FulfilmentConfig } from '../../config/fulfilment.config';
import { planParcel } from '../domain/parcel-plan';
import { Shipment } from '../domain/shipment';
import { OrderIntakeRepository } from './order-intake.repository';
import { ShipmentEvents } from './shipment-events';
import { ShipmentRepository } from './shipment.repository';

/**
 * Starts the order's one shipment once the order was both placed and paid, whichever event
 * came last, in that event's inbox transaction. The shipment gets a fresh random reference
 * (and so a fixed carrier idempotency key) now, once: every later handover attempt, however
 * often an event is redelivered, sends the same key. The handover itself happens after commit
 * (the handover worker), never inside the event's transaction.
 */
@Injectable()
export class StartShipment {
  private readonly logger = new Logger(StartShipment.name);

  constructor(
    @Inject(FULFILMENT_CONFIG) private readonly config: FulfilmentConfig,
    private readonly intake: OrderIntakeRepository,
    private readonly shipments: ShipmentRepository,
    private readonly events: ShipmentEvents,
  ) {}

  async execute(tx: EntityManager, orderId: string): Promise<void> {
    const state = await this.intake.lock(tx, orderId);
    if (!state?.placed || !state.paymentConfirmed || state.itemCount === null) return;
    if (state.paymentFailed) {
      // Payment's events contradict each other; shipping goods for a failed payment is the
      // worse mistake, so this order waits for a person.
      this.logger.error('order has both a confirmed and a failed payment; not shipped', {
        orderId,
      });
      return;
    }
    if (await this.shipments.existsForOrder(tx, orderId)) return;

    const now = new Date();
    const identity = {
      shipmentId: randomUUID(),
      orderId,
      shipmentReference: newShipmentReference(),
      carrier: this.config.carrier.name,
      itemCount: state.itemCount,
      now,
    };
    // The event's trace: the worker that hands the shipment over later continues it.
    const trace = captureTraceContext();
    const plan = planParcel(state.itemCount, this.config.parcel);
    if (plan.ok) {
      await this.shipments.insert(tx, Shipment.create({ ...identity, parcel: plan.parcel }), trace);
      return;
    }
    const failed = Shipment.failedAtCreation({ ...identity, reason: plan.reason });
    await this.shipments.insert(tx, failed, trace);
    await this.intake.forgetAddress(tx, orderId);
    await this.events.failed(tx, {
      shipmentId: identity.shipmentId,
      orderId,
      carrier: identity.carrier,
      occurredAt: now.toISOString(),
      reasonCode: plan.reason,
    });
  }
}
