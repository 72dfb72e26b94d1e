import type { CarrierShipmentV1 } from '#lumen/carrier';
import {
  CarrierGateway,
  type HandoverOutcome,
  type TrackingLookup,
} from '../shipments/application/carrier.gateway';
import { fulfilmentMetrics } from './fulfilment.metrics';

/** Wraps the carrier adapter to time every request and count its outcome. */
export class MeasuredCarrierGateway extends CarrierGateway {
  constructor(private readonly carrier: CarrierGateway) {
    super();
  }

  handOver(payload: CarrierShipmentV1): Promise<HandoverOutcome> {
    return measure(
      'hand-over',
      () => this.carrier.handOver(payload),
      (outcome) => (outcome.kind === 'accepted' ? 'ok' : outcome.kind),
    );
  }

  trackingOf(carrierShipmentId: string): Promise<TrackingLookup> {
    return measure(
      'tracking',
      () => this.carrier.trackingOf(carrierShipmentId),
      (lookup) => (lookup.kind === 'tracked' ? 'ok' : lookup.kind),
    );
  }
}

async function measure<T>(
  operation: string,
  call: () => Promise<T>,
  outcomeOf: (result: T) => string,
): Promise<T> {
  const stopTimer = fulfilmentMetrics.carrierRequestSeconds.startTimer({ operation });
  try {
    const result = await call();
    fulfilmentMetrics.carrierRequests.inc({ operation, outcome: outcomeOf(result) });
    return result;
  } catch (error) {
    fulfilmentMetrics.carrierRequests.inc({ operation, outcome: 'error' });
    throw error;
  } finally {
    stopTimer();
  }
}
