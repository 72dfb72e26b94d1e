import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FULFILMENT_CONFIG, type FulfilmentConfig } from '../../config/fulfilment.config';
import { FulfilmentException } from '../domain/fulfilment.exception';
import { isTerminal } from '../domain/shipment-status';
import { CarrierGateway } from './carrier.gateway';
import { ShipmentRepository, type ShipmentToTrack } from './shipment.repository';
import { TrackingProgress } from './tracking-progress';

export type ReconcileResult = 'caught-up' | 'no-news' | 'carrier-unavailable';

/**
 * Asks the carrier (its signed tracking query) about a shipment that had no news for a while
 * and applies whatever its callbacks failed to bring, exactly as a callback would: the event ids
 * are the callbacks' own, so an event that arrives both ways is applied once. The carrier call
 * happens outside the transaction.
 */
@Injectable()
export class ReconcileTracking {
  private readonly logger = new Logger(ReconcileTracking.name);

  constructor(
    @Inject(FULFILMENT_CONFIG) private readonly config: FulfilmentConfig,
    private readonly dataSource: DataSource,
    private readonly shipments: ShipmentRepository,
    private readonly carrier: CarrierGateway,
    private readonly progress: TrackingProgress,
  ) {}

  async execute(claim: ShipmentToTrack): Promise<ReconcileResult> {
    const lookup = await this.carrier.trackingOf(claim.carrierShipmentId);
    const nextCheck = () => new Date(Date.now() + this.config.tracking.checkAfterMs);
    return this.dataSource.transaction(async (tx) => {
      const shipment = await this.shipments.lockById(tx, claim.shipmentId);
      if (!shipment) return 'no-news';
      if (lookup.kind === 'unavailable') {
        this.logger.warn('tracking query failed; asking again later', {
          shipmentId: claim.shipmentId,
          detail: lookup.detail,
        });
        await this.shipments.scheduleTrackingCheck(tx, claim.shipmentId, nextCheck());
        return 'carrier-unavailable';
      }
      let applied = 0;
      for (const event of lookup.events) {
        if (isTerminal(shipment.status)) break;
        try {
          if ((await this.progress.apply(tx, shipment, event)) === 'applied') applied += 1;
        } catch (error) {
          if (!(error instanceof FulfilmentException)) throw error;
          // The carrier's record contradicts ours: a person looks; the other events still count.
          this.logger.error('carrier tracking contradicts the shipment', {
            shipmentId: claim.shipmentId,
            code: error.code,
          });
        }
      }
      if (applied === 0) {
        await this.shipments.scheduleTrackingCheck(
          tx,
          claim.shipmentId,
          isTerminal(shipment.status) ? null : nextCheck(),
        );
        return 'no-news';
      }
      this.logger.log('caught up with the carrier tracking', {
        shipmentId: claim.shipmentId,
        applied,
      });
      return 'caught-up';
    });
  }
}
