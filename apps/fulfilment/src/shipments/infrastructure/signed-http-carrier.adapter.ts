import { Injectable, Logger } from '@nestjs/common';
import { CarrierClient, CarrierWireError, type CarrierShipmentV1 } from '#lumen/carrier';
import {
  CarrierGateway,
  type HandoverOutcome,
  type TrackingLookup,
} from '../application/carrier.gateway';

/**
 * The carrier over the signed merchant↔carrier wire (libs/carrier): the payload is validated
 * against the allow-list right before it leaves, signed with the merchant key, and an answer
 * counts only once it verifies as the carrier's answer to that request. The client retries
 * transient failures quickly with the same idempotency key; what is still unavailable after
 * that is rescheduled by the handover worker.
 */
@Injectable()
export class SignedHttpCarrierAdapter extends CarrierGateway {
  private readonly logger = new Logger(SignedHttpCarrierAdapter.name);

  constructor(private readonly client: CarrierClient) {
    super();
  }

  override async handOver(payload: CarrierShipmentV1): Promise<HandoverOutcome> {
    try {
      const answer = await this.client.createShipment(payload);
      switch (answer.outcome) {
        case 'accepted':
          return {
            kind: 'accepted',
            carrierShipmentId: answer.carrierShipmentId,
            acceptedAt: answer.acceptedAt,
            created: answer.created,
          };
        case 'refused':
          return { kind: 'refused', carrierCode: answer.code };
      }
    } catch (error) {
      if (!(error instanceof CarrierWireError)) throw error;
      switch (error.code) {
        case 'timeout':
        case 'unreachable':
        case 'carrier-unavailable':
          return { kind: 'unavailable', detail: error.message };
        case 'unverified-answer':
        case 'unexpected-answer':
          // No trustworthy answer: whether the carrier has the shipment is unknown. Asking
          // again with the same idempotency key is safe and finds out.
          this.logger.error('carrier answer could not be trusted', {
            code: error.code,
            refusal: error.detail?.refusal,
            status: error.detail?.status,
          });
          return { kind: 'unavailable', detail: error.message };
        case 'request-rejected':
          return { kind: 'rejected', detail: error.message };
      }
    }
  }

  override async trackingOf(carrierShipmentId: string): Promise<TrackingLookup> {
    try {
      const tracking = await this.client.trackShipment(carrierShipmentId);
      return { kind: 'tracked', events: tracking.events };
    } catch (error) {
      if (!(error instanceof CarrierWireError)) throw error;
      // Any failure only postpones the check: the callbacks may still come, and the next
      // check asks again.
      return { kind: 'unavailable', detail: `${error.code}: ${error.message}` };
    }
  }
}
