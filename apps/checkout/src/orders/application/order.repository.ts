import type { EntityManager } from 'typeorm';
import type { NewOrder, OrderStatusView } from '../domain/order';
import type { OrderStatus } from '../domain/order-status';

/** Orders and their status history (the checkout schema). Writes take the caller's transaction. */
export abstract class OrderRepository {
  /** Writes the order, its lines and the first history entry ("placed"). */
  abstract insert(tx: EntityManager, order: NewOrder): Promise<void>;
  /** The order's status view, only if `storefrontId` placed it. */
  abstract findForStorefront(
    orderId: string,
    storefrontId: string,
  ): Promise<OrderStatusView | undefined>;
  /** Locks the order row until the transaction ends and returns its status. */
  abstract lockStatus(tx: EntityManager, orderId: string): Promise<OrderStatus | undefined>;
  /** Sets the new status and appends it to the history. */
  abstract recordStatus(
    tx: EntityManager,
    orderId: string,
    status: OrderStatus,
    at: Date,
    cause: string,
  ): Promise<void>;
}
