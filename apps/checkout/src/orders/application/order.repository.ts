import type { EntityManager } from 'typeorm';
import type { NewOrder, OrderStatusView } from '../domain/order';
import type { OrderStatus } from '../domain/order-status';

export interface RecordedChange {
  readonly status: OrderStatus;
  readonly at: Date;
  /** What moved the order: `order placed`, or `<topic>:<event id>`. */
  readonly cause: string;
  readonly reason?: string | undefined;
}

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
  abstract recordStatus(tx: EntityManager, orderId: string, change: RecordedChange): Promise<void>;
  /** Keeps a report that came before the order was ready for it (once per cause). */
  abstract park(tx: EntityManager, orderId: string, change: RecordedChange): Promise<void>;
  /** The order's parked reports, oldest event first. */
  abstract parked(tx: EntityManager, orderId: string): Promise<RecordedChange[]>;
  abstract unpark(tx: EntityManager, orderId: string, cause: string): Promise<void>;
}
