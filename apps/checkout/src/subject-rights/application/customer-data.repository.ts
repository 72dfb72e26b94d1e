import type { EntityManager } from 'typeorm';
import type { OrderStatus } from '../../orders/domain/order-status';

export interface SealedContact {
  readonly name: string;
  readonly email: string;
  readonly phone: string;
  readonly deliveryAddress: string;
}

export interface CustomerOrderRecord {
  readonly orderId: string;
  readonly storefrontId: string;
  readonly status: OrderStatus;
  readonly currency: string;
  readonly totalMinor: number;
  readonly policyVersion: string;
  readonly paymentGateway: string;
  readonly placedAt: Date;
  readonly updatedAt: Date;
  readonly items: readonly { sku: string; quantity: number; unitPriceMinor: number }[];
  /** Null once the retention schedule removed them. */
  readonly sealed: SealedContact | null;
  readonly personalDataRemovedAt: Date | null;
  /** Every status change, with the event that caused it and when the inbox recorded it. */
  readonly history: readonly {
    status: OrderStatus;
    occurredAt: Date;
    reason: string | null;
    cause: string;
    processedAt: Date | null;
  }[];
}

/** An event checkout wrote to its outbox about one of the customer's orders. */
export interface OutboxEventRecord {
  readonly eventId: string;
  readonly topic: string;
  readonly orderId: string;
  readonly createdAt: Date;
  readonly publishedAt: Date | null;
  /** The envelope as it was sent (personal fields still sealed). */
  readonly envelope: { readonly payload: unknown };
}

export interface CheckoutErasureCounts {
  readonly ordersMasked: number;
  readonly idempotencyRecordsDeleted: number;
  readonly customersDeleted: number;
  readonly outboxEventsDeleted: number;
}

/** What checkout holds about one customer, read and erased in the caller's transaction. */
export abstract class CustomerDataRepository {
  abstract customerSince(tx: EntityManager, customerId: string): Promise<Date | undefined>;
  abstract ordersOf(tx: EntityManager, customerId: string): Promise<CustomerOrderRecord[]>;
  abstract outboxEventsOf(
    tx: EntityManager,
    orderIds: readonly string[],
  ): Promise<OutboxEventRecord[]>;
  /**
   * Masks the customer's orders (sealed contact and address gone, customer unlinked; amounts,
   * items and dates kept), deletes their idempotency records, the customer row and the
   * published outbox events of those orders.
   */
  abstract erase(tx: EntityManager, customerId: string, at: Date): Promise<CheckoutErasureCounts>;
}
