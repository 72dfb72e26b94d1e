import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { buildCarrierShipment, CarrierPayloadError, type CarrierShipmentV1 } from '#lumen/carrier';
import { FULFILMENT_CONFIG, type FulfilmentConfig } from '../../config/fulfilment.config';
import { nextHandoverAttempt } from '../domain/handover-backoff';
import type { ShipmentFailureReason } from '../domain/shipment-failure-reason';
import { CarrierGateway } from './carrier.gateway';
import { DeliveryAddressOpener } from './delivery-address.opener';
import { OrderIntakeRepository } from './order-intake.repository';
import { ShipmentEvents } from './shipment-events';
import { ShipmentRepository, type ClaimedShipment } from './shipment.repository';
import { recordHandover as recordHandoverMetric } from '../../metrics/fulfilment.metrics';

export type HandoverResult = 'handed-over' | 'failed' | 'rescheduled' | 'already-settled';

/**
 * Hands one claimed shipment to the carrier: opens the delivery address (in memory only),
 * builds the allow-list payload, sends it, and records the outcome with its event in one
 * transaction. The carrier call happens outside any database transaction; a crash between the
 * call and the record is safe, because the next attempt sends the same idempotency key and the
 * carrier answers with the shipment it already has.
 */
@Injectable()
export class HandOverShipment {
  private readonly logger = new Logger(HandOverShipment.name);

  constructor(
    @Inject(FULFILMENT_CONFIG) private readonly config: FulfilmentConfig,
    private readonly dataSource: DataSource,
    private readonly shipments: ShipmentRepository,
    private readonly intake: OrderIntakeRepository,
    private readonly addresses: DeliveryAddressOpener,
    private readonly carrier: CarrierGateway,
    private readonly events: ShipmentEvents,
  ) {}

  async execute(claim: ClaimedShipment): Promise<HandoverResult> {
    const sealed = await this.intake.sealedAddressOf(claim.orderId);
    if (!sealed) return this.fail(claim, 'address-unavailable');
    const opened = await this.addresses.open(sealed);
    if (!opened.ok) {
      switch (opened.reason) {
        case 'gone':
        case 'unreadable':
          return this.fail(claim, 'address-unavailable');
        case 'unavailable':
          return this.later(claim, `key service: ${opened.detail}`, 'address-unavailable');
      }
    }

    let payload: CarrierShipmentV1;
    try {
      payload = buildCarrierShipment({
        address: opened.address,
        parcel: claim.parcel,
        shipmentReference: claim.shipmentReference,
      });
    } catch (error) {
      if (!(error instanceof CarrierPayloadError)) throw error;
      // Problems name fields and rules, never values.
      this.logger.warn('delivery address refused by the carrier allow-list', {
        shipmentId: claim.shipmentId,
        problems: error.problems,
      });
      return this.fail(claim, 'address-not-shippable');
    }

    const outcome = await this.carrier.handOver(payload);
    switch (outcome.kind) {
      case 'accepted': {
        const result = await this.recordHandover(
          claim,
          outcome.carrierShipmentId,
          outcome.acceptedAt,
        );
        if (result === 'handed-over') recordHandoverMetric(claim.createdAt, outcome.acceptedAt);
        return result;
      }
      case 'refused':
        this.logger.warn('carrier refused a shipment for good', {
          shipmentId: claim.shipmentId,
          carrierCode: outcome.carrierCode,
        });
        return this.fail(claim, 'carrier-refused');
      case 'rejected':
        this.logger.error('carrier rejected a shipment request', {
          shipmentId: claim.shipmentId,
          detail: outcome.detail,
        });
        return this.fail(claim, 'carrier-rejected-request');
      case 'unavailable':
        return this.later(claim, outcome.detail, 'carrier-unreachable');
    }
  }

  private async recordHandover(
    claim: ClaimedShipment,
    carrierShipmentId: string,
    acceptedAt: Date,
  ): Promise<HandoverResult> {
    return this.dataSource.transaction(async (tx) => {
      const shipment = await this.shipments.lockById(tx, claim.shipmentId);
      if (shipment?.status !== 'pending') return 'already-settled';
      shipment.handOver(carrierShipmentId, acceptedAt);
      await this.shipments.save(tx, shipment);
      await this.shipments.scheduleTrackingCheck(
        tx,
        claim.shipmentId,
        new Date(Date.now() + this.config.tracking.checkAfterMs),
      );
      await this.intake.forgetAddress(tx, claim.orderId);
      await this.events.created(tx, {
        shipmentId: claim.shipmentId,
        orderId: claim.orderId,
        carrier: shipment.state.carrier,
        occurredAt: acceptedAt.toISOString(),
        carrierReference: carrierShipmentId,
      });
      return 'handed-over';
    });
  }

  private async fail(
    claim: ClaimedShipment,
    reason: ShipmentFailureReason,
  ): Promise<HandoverResult> {
    return this.dataSource.transaction(async (tx) => {
      const shipment = await this.shipments.lockById(tx, claim.shipmentId);
      if (shipment?.status !== 'pending') return 'already-settled';
      const now = new Date();
      shipment.fail(reason, now);
      await this.shipments.save(tx, shipment);
      await this.intake.forgetAddress(tx, claim.orderId);
      await this.events.failed(tx, {
        shipmentId: claim.shipmentId,
        orderId: claim.orderId,
        carrier: shipment.state.carrier,
        occurredAt: now.toISOString(),
        reasonCode: reason,
      });
      return 'failed';
    });
  }

  /** Tries again later; past the deadline, fails with `giveUp`, what kept it from shipping. */
  private async later(
    claim: ClaimedShipment,
    detail: string,
    giveUp: ShipmentFailureReason,
  ): Promise<HandoverResult> {
    const retry = nextHandoverAttempt(
      claim.attempt,
      claim.createdAt,
      new Date(),
      this.config.handover,
    );
    switch (retry.kind) {
      case 'give-up':
        this.logger.error('handover impossible until its deadline; shipment fails', {
          shipmentId: claim.shipmentId,
          attempts: claim.attempt,
          reason: giveUp,
          detail,
        });
        return this.fail(claim, giveUp);
      case 'retry':
        this.logger.warn('handover postponed', {
          shipmentId: claim.shipmentId,
          attempt: claim.attempt,
          nextAttemptAt: retry.at.toISOString(),
          detail,
        });
        await this.shipments.reschedule(claim.shipmentId, retry.at);
        return 'rescheduled';
    }
  }
}
