import { createHash, randomBytes } from 'node:crypto';
import type { CarrierShipmentV1, TrackingEventV1 } from '#lumen/carrier';

export interface SimulatedShipment {
  readonly carrierShipmentId: string;
  readonly shipmentReference: string;
  readonly idempotencyKey: string;
  readonly acceptedAt: Date;
}

export interface ShipmentRefusal {
  readonly shipmentReference: string;
  readonly code: string;
  readonly reason: string;
}

/** What the carrier decides about one handover; each is answered differently. */
export type HandoverDecision =
  | { readonly kind: 'created'; readonly shipment: SimulatedShipment }
  | { readonly kind: 'existing'; readonly shipment: SimulatedShipment }
  | { readonly kind: 'refused'; readonly refusal: ShipmentRefusal }
  | { readonly kind: 'conflict' };

type Entry =
  | { readonly fingerprint: string; readonly shipment: SimulatedShipment }
  | { readonly fingerprint: string; readonly refusal: ShipmentRefusal };

/**
 * The carrier's shipments, keyed by the carrier idempotency key: a key seen before gets the
 * same answer (the same shipment, or the same refusal), never a second shipment; a key reused
 * for a different payload is a conflict. Decisions are synchronous, so concurrent requests in
 * this process cannot both create.
 */
export class ShipmentBook {
  private readonly entries = new Map<string, Entry>();
  /** By carrier shipment id: the shipment and its tracking events so far, oldest first. */
  private readonly tracked = new Map<
    string,
    { shipment: SimulatedShipment; events: TrackingEventV1[] }
  >();

  get shipments(): SimulatedShipment[] {
    return [...this.entries.values()].flatMap((entry) =>
      'shipment' in entry ? [entry.shipment] : [],
    );
  }

  /** Hands a validated payload over; `refuse` is the refusal to give a new key, if any. */
  handOver(
    payload: CarrierShipmentV1,
    refuse: { readonly code: string; readonly reason: string } | null,
    now: Date,
  ): HandoverDecision {
    const fingerprint = fingerprintOf(payload);
    const known = this.entries.get(payload.idempotencyKey);
    if (known) {
      if (known.fingerprint !== fingerprint) return { kind: 'conflict' };
      return 'shipment' in known
        ? { kind: 'existing', shipment: known.shipment }
        : { kind: 'refused', refusal: known.refusal };
    }
    if (refuse) {
      const refusal = { shipmentReference: payload.shipmentReference, ...refuse };
      this.entries.set(payload.idempotencyKey, { fingerprint, refusal });
      return { kind: 'refused', refusal };
    }
    const shipment: SimulatedShipment = {
      carrierShipmentId: `SIM-${randomBytes(9).toString('base64url')}`,
      shipmentReference: payload.shipmentReference,
      idempotencyKey: payload.idempotencyKey,
      acceptedAt: now,
    };
    this.entries.set(payload.idempotencyKey, { fingerprint, shipment });
    this.tracked.set(shipment.carrierShipmentId, { shipment, events: [] });
    return { kind: 'created', shipment };
  }

  /** Records what happened to a parcel: the carrier's truth, whatever its callbacks achieve. */
  recordEvent(event: TrackingEventV1): void {
    this.tracked.get(event.carrierShipmentId)?.events.push(event);
  }

  tracking(
    carrierShipmentId: string,
  ): { shipment: SimulatedShipment; events: readonly TrackingEventV1[] } | undefined {
    return this.tracked.get(carrierShipmentId);
  }

  clear(): void {
    this.entries.clear();
    this.tracked.clear();
  }
}

/** SHA-256 of the payload with keys sorted: the same shipment however its JSON is ordered. */
function fingerprintOf(payload: CarrierShipmentV1): string {
  return createHash('sha256').update(canonical(payload)).digest('hex');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
