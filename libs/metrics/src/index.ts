/**
 * # @lumen/metrics
 *
 * Prometheus metrics and health endpoints for every service: one registry per process
 * (`metricsRegistry`), metric definitions that refuse names without the `lumen_` prefix and
 * labels that would carry a person or an order id, and a Nest module serving `GET /metrics`,
 * `GET /health/live` and `GET /health/ready` (PostgreSQL `SELECT 1`, Kafka admin, Redis `PING`,
 * each with a timeout, plus checks the app provides, such as its consumer's membership of its
 * group; 503 naming what failed).
 *
 * It is a lib of its own, not part of `#lumen/observability`, because `instrument.ts` imports
 * observability before tracing starts: whatever that entry loads (prom-client loads http; the
 * checks load pg, ioredis and kafkajs) would escape instrumentation.
 *
 * ```ts
 * MetricsModule.forRoot({
 *   service: 'payment',
 *   readinessChecks: [postgresCheck(c.databaseUrl), kafkaCheck(c.kafkaBrokers), redisCheck(c.redisUrl)],
 *   readinessCheckProviders: [ConsumerReadinessCheck], // from #lumen/messaging
 * });
 * const payments = defineCounter({ name: 'lumen_payments_total', help: '…', labelNames: ['outcome'] });
 * ```
 */
export {
  checkReadiness,
  type DependencyCheck,
  type DependencyStatus,
  type Readiness,
} from './health/dependency-check';
export { kafkaCheck, postgresCheck, redisCheck } from './health/dependency-checks';
export { MetricsModule } from './nest/metrics.module';
export type { MetricsModuleOptions } from './nest/metrics.options';
export { PeriodicReadingProvider } from './nest/periodic-reading.provider';
export {
  defineCounter,
  defineGauge,
  defineHistogram,
  LATENCY_BUCKETS_SECONDS,
  LIFETIME_BUCKETS_SECONDS,
  metricsRegistry,
  startProcessMetrics,
} from './registry/metrics.registry';
export {
  setStatusCounts,
  startPeriodicReading,
  type PeriodicReadingOptions,
} from './registry/periodic-reading';
