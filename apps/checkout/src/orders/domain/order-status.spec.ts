import { CheckoutErrorCode, CheckoutException } from './checkout.exception';
import {
  progressOf,
  canTransition,
  isTerminal,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
  transition,
  type OrderStatus,
} from './order-status';

describe('order status transitions', () => {
  const allowed: [OrderStatus, OrderStatus][] = [
    ['placed', 'payment_confirmed'],
    ['placed', 'payment_failed'],
    ['placed', 'cancelled'],
    ['payment_confirmed', 'shipped'],
    ['payment_confirmed', 'cancelled'],
    ['shipped', 'delivered'],
    ['shipped', 'cancelled'],
  ];

  it.each(allowed)('allows %s -> %s', (from, to) => {
    expect(transition(from, to)).toBe(to);
  });

  const refused = ORDER_STATUSES.flatMap((from) =>
    ORDER_STATUSES.filter((to) => !allowed.some(([f, t]) => f === from && t === to)).map(
      (to): [OrderStatus, OrderStatus] => [from, to],
    ),
  );

  it.each(refused)('refuses %s -> %s', (from, to) => {
    let error: unknown;
    try {
      transition(from, to);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CheckoutException);
    expect((error as CheckoutException).code).toBe(CheckoutErrorCode.IllegalTransition);
    expect(canTransition(from, to)).toBe(false);
  });

  it('has exactly the listed transitions, and no status moves to itself', () => {
    expect(refused).toHaveLength(ORDER_STATUSES.length ** 2 - allowed.length);
    for (const status of ORDER_STATUSES) expect(canTransition(status, status)).toBe(false);
  });

  it('ends every order in delivered, payment_failed or cancelled, reachable from placed', () => {
    expect(ORDER_STATUSES.filter(isTerminal)).toEqual(['payment_failed', 'delivered', 'cancelled']);
    const reachable = new Set<OrderStatus>(['placed']);
    for (let grew = true; grew;) {
      grew = false;
      for (const from of reachable) {
        for (const to of ORDER_TRANSITIONS[from]) {
          if (!reachable.has(to)) {
            reachable.add(to);
            grew = true;
          }
        }
      }
    }
    expect([...reachable].sort()).toEqual([...ORDER_STATUSES].sort());
  });

  it('tells a late or repeated report from one that is too early or impossible', () => {
    expect(progressOf('placed', 'payment_confirmed')).toBe('apply');
    expect(progressOf('payment_confirmed', 'payment_confirmed')).toBe('already-past');
    expect(progressOf('shipped', 'payment_confirmed')).toBe('already-past');
    expect(progressOf('delivered', 'shipped')).toBe('already-past');
    expect(progressOf('cancelled', 'shipped')).toBe('already-past');
    expect(progressOf('placed', 'shipped')).toBe('early');
    expect(progressOf('placed', 'delivered')).toBe('early');
    expect(progressOf('payment_confirmed', 'delivered')).toBe('early');
    expect(progressOf('payment_failed', 'payment_confirmed')).toBe('conflict');
    expect(progressOf('payment_confirmed', 'payment_failed')).toBe('conflict');
    expect(progressOf('payment_failed', 'shipped')).toBe('conflict');
    expect(progressOf('delivered', 'cancelled')).toBe('conflict');
  });
});
