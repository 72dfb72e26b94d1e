import {
  defineCounter,
  defineGauge,
  defineHistogram,
  LIFETIME_BUCKETS_SECONDS,
} from '#lumen/metrics';

/** Checkout's series. Reasons are `CheckoutErrorCode` values: a fixed, short list. */
export const checkoutMetrics = {
  orderRequests: defineCounter({
    name: 'lumen_checkout_order_requests_total',
    help: 'Order requests by outcome (accepted, replayed, refused) and refusal reason',
    labelNames: ['outcome', 'reason'],
  }),
  ordersByStatus: defineGauge({
    name: 'lumen_orders_by_status',
    help: "Orders in checkout's read model, by status",
    labelNames: ['status'],
  }),
  timeToStage: defineHistogram({
    name: 'lumen_order_time_to_stage_seconds',
    help: 'From placing an order to it reaching a stage (payment_confirmed, payment_failed, shipped, delivered, cancelled)',
    labelNames: ['stage'],
    buckets: [...LIFETIME_BUCKETS_SECONDS],
  }),
} as const;
