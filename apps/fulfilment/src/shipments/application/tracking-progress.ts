import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TrackingEventV1 } from '#lumen/carrier';
import type { ShipmentDispatchedV1 } from '#lumen/contracts';
import { FULFILMENT_CONFIG, type FulfilmentConfig } from '../../config/fulfilment.config';
import { FulfilmentErrorCode, FulfilmentException } from '../domain/fulfilment.exception';
import type { Shipment } from '../domain/shipment';
import { isTerminal } from '../domain/shipment-status';
import { ShipmentEvents } from './shipment-events';
import { ShipmentRepository } from './shipment.repository';
import { TrackingLog } from './tracking-log';

export type TrackingResult = 'applied' | 'duplicate' | 'stale';

/**
 * Applies one of the carrier's tracking events to a locked shipment, in the caller's
 * transaction, whether it came as a callback or from the tracking query: the carrier's event id
 * is recorded once (a second copy is a `duplicate`), the state moves through the transition
 * table, each step's event goes to the outbox, and the next tracking check is pushed out.
 */
@Injectable()
export class TrackingProgress {
  constructor(
    @Inject(FULFILMENT_CONFIG) private readonly config: FulfilmentConfig,
    private readonly shipments: ShipmentRepository,
    private readonly tracking: TrackingLog,
    private readonly events: ShipmentEvents,
  ) {}

  async apply(
    tx: EntityManager,
    shipment: Shipment,
    event: TrackingEventV1,
  ): Promise<TrackingResult> {
    if (
      shipment.state.shipmentReference !== event.shipmentReference ||
      shipment.state.carrierShipmentId !== event.carrierShipmentId
    ) {
      throw new FulfilmentException(
        FulfilmentErrorCode.TrackingConflict,
        'carrierShipmentId does not match the shipment the carrier accepted',
      );
    }
    const at = new Date(event.occurredAt);
    const fresh = await this.tracking.recordEvent(tx, {
      eventId: event.eventId,
      shipmentId: shipment.state.shipmentId,
      status: event.status,
      occurredAt: at,
    });
    if (!fresh) return 'duplicate';
    const result = await this.advance(tx, shipment, event.status, at);
    await this.shipments.scheduleTrackingCheck(
      tx,
      shipment.state.shipmentId,
      isTerminal(shipment.status) ? null : new Date(Date.now() + this.config.tracking.checkAfterMs),
    );
    return result;
  }

  private async advance(
    tx: EntityManager,
    shipment: Shipment,
    status: TrackingEventV1['status'],
    at: Date,
  ): Promise<TrackingResult> {
    const current = shipment.status;
    if (current === 'failed' || current === 'pending') {
      throw new FulfilmentException(
        FulfilmentErrorCode.TrackingConflict,
        `A ${current} shipment has no tracking`,
      );
    }
    if (current === 'delivered' || (current === 'dispatched' && status === 'dispatched')) {
      return 'stale'; // an older event arriving late: recorded, nothing changes
    }
    if (current === 'handed_over') {
      // A delivery reported first implies the collection: both steps are published, in order.
      shipment.dispatch(at);
      await this.events.dispatched(tx, stepOf(shipment, at));
    }
    if (status === 'delivered') {
      shipment.deliver(at);
      await this.events.delivered(tx, stepOf(shipment, at));
    }
    await this.shipments.save(tx, shipment);
    return 'applied';
  }
}

function stepOf(shipment: Shipment, at: Date): ShipmentDispatchedV1 {
  const { shipmentId, orderId, carrier } = shipment.state;
  return { shipmentId, orderId, carrier, occurredAt: at.toISOString() };
}
