import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TrackingEventV1 } from '#lumen/carrier';
import { FulfilmentErrorCode, FulfilmentException } from '../domain/fulfilment.exception';
import { ShipmentRepository } from './shipment.repository';
import { TrackingLog } from './tracking-log';
import { TrackingProgress, type TrackingResult } from './tracking-progress';

export interface VerifiedTrackingCallback {
  /** The signing key and message id the verifier accepted: recorded, so a replay is refused. */
  readonly keyId: string;
  readonly messageId: string;
  readonly event: TrackingEventV1;
}

/**
 * Applies a verified tracking callback in one transaction: the message id (durable replay
 * protection, across restarts and replicas), then the event itself (see `TrackingProgress`).
 * Anything refused throws and the transaction rolls back: a refused callback changes nothing.
 */
@Injectable()
export class ApplyTrackingEvent {
  constructor(
    private readonly dataSource: DataSource,
    private readonly shipments: ShipmentRepository,
    private readonly tracking: TrackingLog,
    private readonly progress: TrackingProgress,
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
      return this.progress.apply(tx, shipment, event);
    });
  }
}
