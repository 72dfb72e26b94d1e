import type { EntityManager } from 'typeorm';
import type { ParcelDetails } from '#lumen/carrier';
import type { Shipment } from '../domain/shipment';

/** A shipment a handover worker holds (leased) until it records the outcome or reschedules. */
export interface ClaimedShipment {
  readonly shipmentId: string;
  readonly orderId: string;
  readonly shipmentReference: string;
  readonly parcel: ParcelDetails;
  /** W3C trace headers of the event that started the shipment. */
  readonly traceContext: Readonly<Record<string, string>>;
  /** Attempts so far, this one included. */
  readonly attempt: number;
  readonly createdAt: Date;
}

/** A shipment on its way that a worker holds while it asks the carrier about it. */
export interface ShipmentToTrack {
  readonly shipmentId: string;
  readonly carrierShipmentId: string;
  readonly traceContext: Readonly<Record<string, string>>;
}

/** Where shipments live (the fulfilment schema). Writes take the caller's transaction. */
export abstract class ShipmentRepository {
  /**
   * Inserts a new shipment, with the trace context it was started in; false when the order has
   * one already (one shipment per order).
   */
  abstract insert(
    tx: EntityManager,
    shipment: Shipment,
    traceContext: Readonly<Record<string, string>>,
  ): Promise<boolean>;
  abstract existsForOrder(tx: EntityManager, orderId: string): Promise<boolean>;
  /** Loads and locks the shipment until the transaction ends. */
  abstract lockById(tx: EntityManager, shipmentId: string): Promise<Shipment | undefined>;
  abstract lockByReference(tx: EntityManager, reference: string): Promise<Shipment | undefined>;
  /** Writes the shipment's status, carrier id, reason and times (and ends any lease). */
  abstract save(tx: EntityManager, shipment: Shipment): Promise<void>;
  /**
   * Leases up to `limit` pending shipments whose next attempt is due, counting the attempt;
   * replicas skip each other's rows, and a lease that runs out (a crashed worker) frees them.
   */
  abstract claimDue(limit: number, leaseMs: number): Promise<ClaimedShipment[]>;
  /** Ends the lease of a pending shipment and sets when to try again. */
  abstract reschedule(shipmentId: string, nextAttemptAt: Date): Promise<void>;
  /** Sets when to ask the carrier about the shipment (null: never again) and ends any lease. */
  abstract scheduleTrackingCheck(
    tx: EntityManager,
    shipmentId: string,
    at: Date | null,
  ): Promise<void>;
  /** Leases up to `limit` shipments on their way whose tracking check is due. */
  abstract claimTrackingDue(limit: number, leaseMs: number): Promise<ShipmentToTrack[]>;
}
