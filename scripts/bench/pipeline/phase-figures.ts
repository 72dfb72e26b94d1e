import { summarise, type LatencySummary } from '../bench-stats';
import type { OrderStages } from './stage-times';

/** What one load phase measured, from the stage times the services recorded. */
export interface PhaseFigures {
  readonly name: string;
  readonly offeredPerSecond: number;
  readonly seconds: number;
  readonly posted: number;
  readonly refusedOrFailedPosts: number;
  /** Orders per second reaching each stage inside the phase's window. */
  readonly perSecond: { accepted: number; paid: number; handedOver: number };
  /** Acceptance to carrier hand-off, for this phase's orders that were handed over. */
  readonly acceptToHandOverMs: LatencySummary;
  /** Payment confirmed to card-token key destroyed. */
  readonly paidToTokenDestroyedMs: LatencySummary;
  /** The storefront's view: POST /orders until its 202. */
  readonly postOrderMs: LatencySummary;
  readonly handedOver: number;
  readonly paymentFailed: number;
  readonly saturated: boolean;
}

export function phaseFigures(options: {
  name: string;
  offeredPerSecond: number;
  windowStart: number;
  windowEnd: number;
  posted: number;
  refusedOrFailedPosts: number;
  postLatenciesMs: readonly number[];
  orders: readonly OrderStages[];
  /** Every benchmark order so far: stage rates count whatever reached a stage in the window. */
  allOrders: Iterable<OrderStages>;
  saturationShare: number;
}): PhaseFigures {
  const { windowStart, windowEnd } = options;
  const seconds = Math.max(0.001, (windowEnd - windowStart) / 1000);
  const inWindow = (at: number | undefined) =>
    at !== undefined && at >= windowStart && at < windowEnd;
  let accepted = 0;
  let paid = 0;
  let handedOver = 0;
  for (const order of options.allOrders) {
    if (inWindow(order.acceptedAt)) accepted += 1;
    if (inWindow(order.paidAt)) paid += 1;
    if (inWindow(order.handedOverAt)) handedOver += 1;
  }
  const perSecond = {
    accepted: accepted / seconds,
    paid: paid / seconds,
    handedOver: handedOver / seconds,
  };
  const floor = options.offeredPerSecond * options.saturationShare;
  const endToEnd: number[] = [];
  const tokenDestruction: number[] = [];
  let handed = 0;
  let failed = 0;
  for (const order of options.orders) {
    if (order.handedOverAt !== undefined) {
      handed += 1;
      endToEnd.push(order.handedOverAt - order.acceptedAt);
    }
    if (order.paymentFailed) failed += 1;
    if (order.paidAt !== undefined && order.tokenDestroyedAt !== undefined) {
      tokenDestruction.push(order.tokenDestroyedAt - order.paidAt);
    }
  }
  return {
    name: options.name,
    offeredPerSecond: options.offeredPerSecond,
    seconds,
    posted: options.posted,
    refusedOrFailedPosts: options.refusedOrFailedPosts,
    perSecond,
    acceptToHandOverMs: summarise(endToEnd),
    paidToTokenDestroyedMs: summarise(tokenDestruction),
    postOrderMs: summarise(options.postLatenciesMs),
    handedOver: handed,
    paymentFailed: failed,
    // Kept up: few failed posts, every stage as fast as the offer, and the phase's own orders
    // through (stage rates alone would count an earlier backlog draining as keeping up).
    saturated:
      options.refusedOrFailedPosts > options.posted * 0.01 ||
      handed < options.orders.length * options.saturationShare ||
      Math.min(perSecond.accepted, perSecond.paid, perSecond.handedOver) < floor,
  };
}
