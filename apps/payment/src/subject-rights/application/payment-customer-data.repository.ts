import type { EntityManager } from 'typeorm';

export interface CustomerPaymentRecord {
  readonly orderId: string;
  readonly gateway: string | null;
  readonly gatewayReference: string | null;
  readonly amountMinor: number;
  readonly currency: string;
  readonly status: string;
  readonly reasonCode: string | null;
  readonly refundKind: string | null;
  readonly refundReasonCode: string | null;
  readonly refundedAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** When the card token's key was destroyed (null: not yet, or never known here). */
  readonly cardTokenDestroyedAt: Date | null;
}

export interface PaymentEventRecord {
  readonly eventId: string;
  readonly topic: string;
  readonly orderId: string;
  readonly createdAt: Date;
  readonly publishedAt: Date | null;
  readonly payload: Record<string, unknown>;
}

export interface GatewayNotificationRecord {
  readonly notificationId: string;
  readonly orderId: string;
  readonly type: string;
  readonly receivedAt: Date;
}

export interface PaymentErasureCounts {
  readonly paymentsUnlinked: number;
  readonly outboxEventsDeleted: number;
}

/** What payment holds about one customer, read and erased in the caller's transaction. */
export abstract class PaymentCustomerDataRepository {
  /** Ties the order's payment to its customer and gateway (from `checkout.order.placed.v1`). */
  abstract link(
    tx: EntityManager,
    orderId: string,
    customerId: string,
    gateway: string,
  ): Promise<void>;
  abstract paymentsOf(tx: EntityManager, customerId: string): Promise<CustomerPaymentRecord[]>;
  abstract outboxEventsOf(
    tx: EntityManager,
    orderIds: readonly string[],
  ): Promise<PaymentEventRecord[]>;
  abstract notificationsOf(
    tx: EntityManager,
    orderIds: readonly string[],
  ): Promise<GatewayNotificationRecord[]>;
  /** Unlinks the customer's payments (kept for accounting) and deletes their published events. */
  abstract erase(tx: EntityManager, customerId: string, at: Date): Promise<PaymentErasureCounts>;
}
