import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { TrackingEventV1 } from '#lumen/carrier';
import type { ShipmentDispatchedV1 } from '#lumen/contracts';
import { FulfilmentErrorCode, FulfilmentException } from '../domain/fulfilment.exception';
import type { Shipment } from '../domain/shipment';
import { ShipmentEvents } from './shipment-events';
import { ShipmentRepository } from './shipment.repository';
import { TrackingLog } from './tracking-log';

export interface VerifiedTrackingCallback {
  /** The signing key and message id the verifier accepted: recorded, so a replay is refused. */
  readonly keyId: string;
  readonly messageId: string;
  readonly event: TrackingEventV1;
}

export type TrackingResult = 'applied' | 'duplicate' | 'stale';

/**
 * Applies a verified tracking callback in one transaction: the message id (durable replay
 * protection), the carrier's event id (a carrier's retry is answered as before), the state
 * change through the transition table and its event in the outbox. Anything refused throws,
 * and the transaction rolls back: a refused callback changes nothing.
 */
@Injectable()
export class ApplyTrackingEvent {
  constructor(
    private readonly dataSource: DataSource,
    private readonly shipments: ShipmentRepository,
    private readonly tracking: TrackingLog,
    private readonly events: ShipmentEvents,
  ) {}

  async execute(callback: VerifiedTrackingCallback): Promise<TrackingResult> {
    const { event } = callback;
    return this.dataSource.transaction(async (tx) => {
      if (!(await this.tracking.recordMessage(tx, callback.keyId, callback.messageId))) {
        throw new FulfilmentException(
          FulfilmentErrorCode.CallbackReplayed,
          'This callback message was received before',
        );
      }
      const shipment = await this.shipments.lockByReference(tx, event.shipmentReference);
      if (!shipment) {
        throw new FulfilmentException(
          FulfilmentErrorCode.UnknownShipment,
          'No shipment has this shipment reference',
        );
      }
      if (shipment.status === 'pending') {
        // The carrier accepted it, and its callback overtook our record of the acceptance.
        throw new FulfilmentException(
          FulfilmentErrorCode.ShipmentNotReady,
          'The handover of this shipment is still being recorded; send the event again shortly',
        );
      }
      if (shipment.state.carrierShipmentId !== event.carrierShipmentId) {
        throw new FulfilmentException(
          FulfilmentErrorCode.TrackingConflict,
          'carrierShipmentId does not match the shipment the carrier accepted',
        );
      }
      const occurredAt = new Date(event.occurredAt);
      const fresh = await this.tracking.recordEvent(tx, {
        eventId: event.eventId,
        shipmentId: shipment.state.shipmentId,
        status: event.status,
        occurredAt,
      });
      if (!fresh) return 'duplicate';
      return this.advance(tx, shipment, event.status, occurredAt);
    });
  }

  private async advance(
    tx: EntityManager,
    shipment: Shipment,
    status: TrackingEventV1['status'],
    at: Date,
  ): Promise<TrackingResult> {
    const current = shipment.status;
    if (current === 'failed') {
      throw new FulfilmentException(
        FulfilmentErrorCode.TrackingConflict,
        'The shipment failed; it has no tracking',
      );
    }
    if (current === 'delivered' || (current === 'dispatched' && status === 'dispatched')) {
      return 'stale'; // an older event arriving late: recorded, nothing changes
    }
    if (current === 'handed_over') {
      // A delivery reported first implies the collection: both steps are published, in order.
      shipment.dispatch(at);
      await this.events.dispatched(tx, this.stepOf(shipment, at));
    }
    if (status === 'delivered') {
      shipment.deliver(at);
      await this.events.delivered(tx, this.stepOf(shipment, at));
    }
    await this.shipments.save(tx, shipment);
    return 'applied';
  }

  private stepOf(shipment: Shipment, at: Date): ShipmentDispatchedV1 {
    const { shipmentId, orderId, carrier } = shipment.state;
    return { shipmentId, orderId, carrier, occurredAt: at.toISOString() };
  }
}
