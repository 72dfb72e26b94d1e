import {
  defineCounter,
  defineGauge,
  defineHistogram,
  LATENCY_BUCKETS_SECONDS,
  LIFETIME_BUCKETS_SECONDS,
} from '#lumen/metrics';

/** Fulfilment's series. Operations and outcomes are fixed, short lists. */
export const fulfilmentMetrics = {
  shipmentsByStatus: defineGauge({
    name: 'lumen_shipments_by_status',
    help: 'Shipments by status (pending, handed_over, dispatched, delivered, failed)',
    labelNames: ['status'],
  }),
  carrierRequests: defineCounter({
    name: 'lumen_carrier_requests_total',
    help: 'Requests to the carrier by operation and outcome (ok, refused, rejected, unavailable, error)',
    labelNames: ['operation', 'outcome'],
  }),
  carrierRequestSeconds: defineHistogram({
    name: 'lumen_carrier_request_duration_seconds',
    help: 'Time for the carrier to answer, by operation',
    labelNames: ['operation'],
    buckets: [...LATENCY_BUCKETS_SECONDS],
  }),
  handoverLatency: defineHistogram({
    name: 'lumen_shipment_handover_seconds',
    help: 'From fulfilment accepting a shipment to the carrier accepting the hand-off',
    buckets: [...LIFETIME_BUCKETS_SECONDS],
  }),
} as const;

/** Observed by the hand-over use case once the hand-off is recorded. */
export function recordHandover(acceptedAt: Date, handedOverAt: Date): void {
  fulfilmentMetrics.handoverLatency.observe(
    Math.max(0, (handedOverAt.getTime() - acceptedAt.getTime()) / 1000),
  );
}
