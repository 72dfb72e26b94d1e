import { CheckoutErrorCode, CheckoutException } from './checkout.exception';

export const ORDER_STATUSES = [
  'placed',
  'payment_confirmed',
  'payment_failed',
  'shipped',
  'delivered',
  'cancelled',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * The order's life, as a table: the only way a status changes. Every accepted order ends in
 * exactly one terminal state (no way out): delivered, payment_failed or cancelled. An order can
 * be cancelled until it ships; after that it is the carrier's to deliver.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  placed: ['payment_confirmed', 'payment_failed', 'cancelled'],
  payment_confirmed: ['shipped', 'cancelled'],
  payment_failed: [],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
};

export function isOrderStatus(value: string): value is OrderStatus {
  return (ORDER_STATUSES as readonly string[]).includes(value);
}

export function isTerminal(status: OrderStatus): boolean {
  return ORDER_TRANSITIONS[status].length === 0;
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

/** Returns `to` when the table allows `from -> to`; throws `IllegalTransition` otherwise. */
export function transition(from: OrderStatus, to: OrderStatus): OrderStatus {
  if (!canTransition(from, to)) {
    throw new CheckoutException(
      CheckoutErrorCode.IllegalTransition,
      `An order cannot go from ${from} to ${to}`,
    );
  }
  return to;
}
