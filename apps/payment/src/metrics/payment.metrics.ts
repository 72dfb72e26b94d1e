import {
  defineCounter,
  defineGauge,
  defineHistogram,
  LATENCY_BUCKETS_SECONDS,
  LIFETIME_BUCKETS_SECONDS,
} from '#lumen/metrics';

/** Payment's series. Outcomes and triggers are fixed, short lists. */
export const paymentMetrics = {
  paymentsByStatus: defineGauge({
    name: 'lumen_payments_by_status',
    help: 'Payments by status (authorising, authorised, confirmed, failed)',
    labelNames: ['status'],
  }),
  gatewayRequests: defineCounter({
    name: 'lumen_gateway_requests_total',
    help: 'Requests to the payment gateway by operation and outcome (ok, declined, unavailable, unverified, rejected, error)',
    labelNames: ['operation', 'outcome'],
  }),
  gatewayRequestSeconds: defineHistogram({
    name: 'lumen_gateway_request_duration_seconds',
    help: 'Time for the payment gateway to answer, by operation',
    labelNames: ['operation'],
    buckets: [...LATENCY_BUCKETS_SECONDS],
  }),
  cardTokenLifetime: defineHistogram({
    name: 'lumen_card_token_lifetime_seconds',
    help: "From the order's confirmation (placement with its card token) to the token key's destruction, by trigger",
    labelNames: ['trigger'],
    buckets: [...LIFETIME_BUCKETS_SECONDS],
  }),
  cardTokenDestructionDelay: defineHistogram({
    name: 'lumen_card_token_destruction_delay_seconds',
    help: 'From a token key becoming due (payment outcome or expiry) to its destruction, by trigger',
    labelNames: ['trigger'],
    buckets: [...LIFETIME_BUCKETS_SECONDS],
  }),
  cardTokensLive: defineGauge({
    name: 'lumen_card_tokens_live',
    help: 'Card token keys not destroyed yet',
  }),
  cardTokenOldestLiveAge: defineGauge({
    name: 'lumen_card_token_oldest_live_age_seconds',
    help: 'Age of the oldest card token key not destroyed yet (0 when there is none)',
  }),
} as const;
