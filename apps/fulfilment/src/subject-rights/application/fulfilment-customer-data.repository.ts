import type { EntityManager } from 'typeorm';

export interface CustomerShipmentRecord {
  readonly orderId: string;
  readonly placedAt: Date | null;
  readonly paymentConfirmedAt: Date | null;
  readonly paymentFailedAt: Date | null;
  /** The sealed address, held only until the shipment leaves `pending`. */
  readonly sealedAddress: string | null;
  readonly addressReceivedAt: Date | null;
  readonly shipment: {
    readonly shipmentId: string;
    readonly carrier: string;
    readonly status: string;
    readonly carrierShipmentId: string | null;
    readonly reasonCode: string | null;
    readonly itemCount: number;
    readonly weightGrams: number | null;
    readonly createdAt: Date;
    readonly handedOverAt: Date | null;
    readonly dispatchedAt: Date | null;
    readonly deliveredAt: Date | null;
    readonly failedAt: Date | null;
    readonly tracking: readonly {
      eventId: string;
      status: string;
      occurredAt: Date;
      receivedAt: Date;
    }[];
  } | null;
}

export interface FulfilmentEventRecord {
  readonly eventId: string;
  readonly topic: string;
  readonly orderId: string;
  readonly createdAt: Date;
  readonly publishedAt: Date | null;
  readonly payload: Record<string, unknown>;
}

export interface FulfilmentErasureCounts {
  readonly addressesDeleted: number;
  readonly ordersUnlinked: number;
  readonly outboxEventsDeleted: number;
}

/** What fulfilment holds about one customer, read and erased in the caller's transaction. */
export abstract class FulfilmentCustomerDataRepository {
  abstract ordersOf(tx: EntityManager, customerId: string): Promise<CustomerShipmentRecord[]>;
  abstract outboxEventsOf(
    tx: EntityManager,
    orderIds: readonly string[],
  ): Promise<FulfilmentEventRecord[]>;
  /**
   * The customer's shipments not yet handed to the carrier and not held by a handover worker
   * right now (a held one is mid-handover: the worker finishes it, or fails it for want of the
   * address, whose key is destroyed).
   */
  abstract cancellableShipments(tx: EntityManager, customerId: string): Promise<string[]>;
  /** Deletes the sealed addresses, unlinks the orders, deletes their published events. */
  abstract erase(tx: EntityManager, customerId: string, at: Date): Promise<FulfilmentErasureCounts>;
}
