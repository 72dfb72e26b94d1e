import { randomBytes } from 'node:crypto';
import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { TrackingEventV1, TrackingStatus } from '#lumen/carrier';
import type { SimulatedShipment } from '../domain/shipment-book';
import { SimulatorState } from './simulator-state';
import { TrackingCallbackSender } from './tracking-callback.sender';

/**
 * The parcel's journey: `dispatched` after the dispatch delay, then `delivered` after the
 * delivery delay, each delivered to the merchant before the next is due (callbacks arrive in
 * order). Delays are read from the switches when the shipment is accepted.
 */
@Injectable()
export class TrackingSchedule implements BeforeApplicationShutdown {
  private lifetime = new AbortController();
  private readonly journeys = new Set<Promise<void>>();

  constructor(
    private readonly state: SimulatorState,
    private readonly sender: TrackingCallbackSender,
  ) {}

  start(shipment: SimulatedShipment): void {
    const { dispatchDelayMs, deliveryDelayMs } = this.state.switches;
    const journey = this.travel(shipment, dispatchDelayMs, deliveryDelayMs, this.lifetime.signal);
    this.journeys.add(journey);
    void journey.finally(() => this.journeys.delete(journey));
  }

  /** Stops every journey (timers and callbacks in flight); later shipments travel again. */
  async stopAll(): Promise<void> {
    // Shipments accepted while the old journeys wind down travel under the new lifetime.
    const stopping = this.lifetime;
    const running = [...this.journeys];
    this.lifetime = new AbortController();
    stopping.abort();
    await Promise.all(running);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.lifetime.abort();
    await Promise.all([...this.journeys]);
  }

  private async travel(
    shipment: SimulatedShipment,
    dispatchDelayMs: number,
    deliveryDelayMs: number,
    signal: AbortSignal,
  ): Promise<void> {
    const legs: [TrackingStatus, number][] = [
      ['dispatched', dispatchDelayMs],
      ['delivered', deliveryDelayMs],
    ];
    for (const [status, delayMs] of legs) {
      if (!(await pause(delayMs, signal))) return;
      const event = eventOf(shipment, status);
      this.state.book.recordEvent(event);
      await this.sender.deliver(event, signal);
    }
  }
}

function eventOf(shipment: SimulatedShipment, status: TrackingStatus): TrackingEventV1 {
  return {
    eventId: `evt_${randomBytes(16).toString('base64url')}`,
    shipmentReference: shipment.shipmentReference,
    carrierShipmentId: shipment.carrierShipmentId,
    status,
    occurredAt: new Date().toISOString(),
  };
}

/** Waits `ms`; false when aborted first. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
