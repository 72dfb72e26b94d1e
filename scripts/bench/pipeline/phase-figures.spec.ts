import { phaseFigures } from './phase-figures';
import type { OrderStages } from './stage-times';

const T0 = 1_000_000;

/** `count` orders accepted evenly over `seconds`, each paid and handed over `lagMs` later. */
function orders(count: number, seconds: number, lagMs: number | undefined): OrderStages[] {
  return Array.from({ length: count }, (_, i) => {
    const acceptedAt = T0 + (i * seconds * 1000) / count;
    return lagMs === undefined
      ? { acceptedAt }
      : { acceptedAt, paidAt: acceptedAt + lagMs / 2, handedOverAt: acceptedAt + lagMs };
  });
}

function figures(own: OrderStages[], others: OrderStages[] = [], failedPosts = 0) {
  return phaseFigures({
    name: 'step',
    offeredPerSecond: 100,
    windowStart: T0,
    windowEnd: T0 + 10_000,
    posted: 1_000,
    refusedOrFailedPosts: failedPosts,
    postLatenciesMs: [5, 10, 20],
    orders: own,
    allOrders: [...own, ...others],
    saturationShare: 0.9,
  });
}

describe('phaseFigures', () => {
  it('keeps up when every stage moves at the offered rate and its own orders get through', () => {
    const f = figures(orders(1_000, 10, 200));
    expect(f.perSecond.accepted).toBeCloseTo(100);
    expect(f.perSecond.handedOver).toBeGreaterThan(95);
    expect(f.acceptToHandOverMs.p99).toBe(200);
    expect(f.saturated).toBe(false);
  });

  it('is saturated when a stage falls behind the offered rate', () => {
    const own = orders(1_000, 10, undefined).map((order, i) =>
      i % 2 === 0
        ? { ...order, paidAt: order.acceptedAt + 10, handedOverAt: order.acceptedAt + 20 }
        : order,
    );
    const f = figures(own);
    expect(f.perSecond.handedOver).toBeCloseTo(50, 0);
    expect(f.saturated).toBe(true);
  });

  it('is saturated when an earlier backlog drains in the window but its own orders do not get through', () => {
    const backlog = orders(1_000, 10, undefined).map((order) => ({
      acceptedAt: order.acceptedAt - 60_000,
      paidAt: order.acceptedAt + 1,
      handedOverAt: order.acceptedAt + 2,
    }));
    const f = figures(orders(1_000, 10, undefined), backlog);
    expect(f.perSecond.handedOver).toBeCloseTo(100);
    expect(f.handedOver).toBe(0);
    expect(f.saturated).toBe(true);
  });

  it('is saturated when more than 1% of posts failed', () => {
    expect(figures(orders(1_000, 10, 200), [], 11).saturated).toBe(true);
    expect(figures(orders(1_000, 10, 200), [], 10).saturated).toBe(false);
  });
});
