import type { ParcelDetails } from '#lumen/carrier';
import type { ShipmentFailureReason } from './shipment-failure-reason';
import { nextStatus, type ShipmentStatus } from './shipment-status';

export interface ShipmentState {
  readonly shipmentId: string;
  readonly orderId: string;
  /** The opaque reference the carrier knows the shipment by; its idempotency key derives from it. */
  readonly shipmentReference: string;
  readonly carrier: string;
  readonly status: ShipmentStatus;
  readonly carrierShipmentId: string | null;
  readonly reasonCode: ShipmentFailureReason | null;
  readonly parcel: ParcelDetails | null;
  readonly itemCount: number;
  readonly handoverAttempts: number;
  readonly createdAt: Date;
  readonly handedOverAt: Date | null;
  readonly dispatchedAt: Date | null;
  readonly deliveredAt: Date | null;
  readonly failedAt: Date | null;
}

/**
 * A shipment of one order: ids, the carrier's reference, status and times. It never holds the
 * address: that stays sealed elsewhere until the handover and is opened only to build the
 * carrier payload. Every change goes through the transition table.
 */
export class Shipment {
  private constructor(private current: ShipmentState) {}

  static create(input: {
    shipmentId: string;
    orderId: string;
    shipmentReference: string;
    carrier: string;
    itemCount: number;
    parcel: ParcelDetails;
    now: Date;
  }): Shipment {
    return new Shipment({
      shipmentId: input.shipmentId,
      orderId: input.orderId,
      shipmentReference: input.shipmentReference,
      carrier: input.carrier,
      status: 'pending',
      carrierShipmentId: null,
      reasonCode: null,
      parcel: input.parcel,
      itemCount: input.itemCount,
      handoverAttempts: 0,
      createdAt: input.now,
      handedOverAt: null,
      dispatchedAt: null,
      deliveredAt: null,
      failedAt: null,
    });
  }

  /** A shipment that failed before it could be handed over (e.g. it cannot be packed). */
  static failedAtCreation(input: {
    shipmentId: string;
    orderId: string;
    shipmentReference: string;
    carrier: string;
    itemCount: number;
    reason: ShipmentFailureReason;
    now: Date;
  }): Shipment {
    return new Shipment({
      shipmentId: input.shipmentId,
      orderId: input.orderId,
      shipmentReference: input.shipmentReference,
      carrier: input.carrier,
      status: nextStatus('pending', 'fail'),
      carrierShipmentId: null,
      reasonCode: input.reason,
      parcel: null,
      itemCount: input.itemCount,
      handoverAttempts: 0,
      createdAt: input.now,
      handedOverAt: null,
      dispatchedAt: null,
      deliveredAt: null,
      failedAt: input.now,
    });
  }

  static restore(state: ShipmentState): Shipment {
    return new Shipment(state);
  }

  get state(): ShipmentState {
    return this.current;
  }

  get status(): ShipmentStatus {
    return this.current.status;
  }

  handOver(carrierShipmentId: string, at: Date): void {
    this.current = {
      ...this.current,
      status: nextStatus(this.current.status, 'hand-over'),
      carrierShipmentId,
      handedOverAt: at,
    };
  }

  dispatch(at: Date): void {
    this.current = {
      ...this.current,
      status: nextStatus(this.current.status, 'dispatch'),
      dispatchedAt: at,
    };
  }

  deliver(at: Date): void {
    this.current = {
      ...this.current,
      status: nextStatus(this.current.status, 'deliver'),
      deliveredAt: at,
    };
  }

  fail(reason: ShipmentFailureReason, at: Date): void {
    this.current = {
      ...this.current,
      status: nextStatus(this.current.status, 'fail'),
      reasonCode: reason,
      failedAt: at,
    };
  }
}
