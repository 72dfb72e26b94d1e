import { Injectable } from '@nestjs/common';
import type { CarrierShipmentV1 } from '#lumen/carrier';
import type { HandoverDecision } from '../domain/shipment-book';
import { SimulatorState } from './simulator-state';
import { TrackingSchedule } from './tracking-schedule';

/**
 * Takes a verified, valid shipment: once per idempotency key, whatever the retries; a new
 * shipment starts its journey (tracking callbacks), a known one is answered as before.
 */
@Injectable()
export class AcceptShipment {
  constructor(
    private readonly state: SimulatorState,
    private readonly tracking: TrackingSchedule,
  ) {}

  execute(payload: CarrierShipmentV1): HandoverDecision {
    const decision = this.state.book.handOver(payload, this.state.switches.refuse, new Date());
    if (decision.kind === 'created') this.tracking.start(decision.shipment);
    return decision;
  }
}
