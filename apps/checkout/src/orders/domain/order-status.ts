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
 * exactly one terminal state (no way out): delivered, payment_failed or cancelled. A shipped
 * order is cancelled only when its shipment fails for good (the order is then compensated).
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  placed: ['payment_confirmed', 'payment_failed', 'cancelled'],
  payment_confirmed: ['shipped', 'cancelled'],
  payment_failed: [],
  shipped: ['delivered', 'cancelled'],
  delivered: [],
  cancelled: [],
};

/** How far along its life each status is; reports that arrive out of order are told by it. */
const STAGE: Readonly<Record<OrderStatus, number>> = {
  placed: 0,
  payment_confirmed: 1,
  payment_failed: 1,
  shipped: 2,
  delivered: 3,
  cancelled: 3,
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

export type Progress = 'apply' | 'already-past' | 'early' | 'conflict';

/**
 * What a report that an order reached `to` means for an order that is `from`:
 * - `apply`: the table allows `from -> to`;
 * - `already-past`: the order is at that stage or beyond (a late or repeated report);
 * - `early`: the order has not reached the stage before it yet (events of two topics arrive in
 *   any order), so the report waits for it;
 * - `conflict`: the order can never get there (it ended, or took the other branch).
 */
export function progressOf(from: OrderStatus, to: OrderStatus): Progress {
  if (canTransition(from, to)) return 'apply';
  if (from === to || STAGE[from] > STAGE[to]) return 'already-past';
  if (STAGE[to] > STAGE[from] && !isTerminal(from)) return 'early';
  return 'conflict';
}
