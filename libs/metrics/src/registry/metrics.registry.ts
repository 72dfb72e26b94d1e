import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';

/**
 * The process's one registry: every metric a service exposes on `GET /metrics` lives here, so a
 * lib (messaging) and the app that uses it end up on the same page without passing it around.
 */
export const metricsRegistry = new Registry();

const METRIC_NAME = /^lumen_[a-z][a-z0-9_]*$/;
// Labels that would carry a person or one series per order; refused at definition time, since a
// metric series once exported cannot be taken back.
const FORBIDDEN_LABELS = /(^|_)(id|email|name|phone|address|card|token|customer|ip)$/;

function checkDefinition(name: string, labelNames: readonly string[] = []): void {
  if (!METRIC_NAME.test(name)) {
    throw new Error(`Metric ${name}: names start with lumen_ and use a-z, 0-9 and _`);
  }
  for (const label of labelNames) {
    if (FORBIDDEN_LABELS.test(label)) {
      throw new Error(
        `Metric ${name}: label "${label}" would carry personal data or an id with one series per value`,
      );
    }
  }
}

type MetricClass<M> = abstract new (...args: never[]) => M;

/**
 * Defining a metric twice (two Nest apps in one test process, a module imported by two apps)
 * returns the first definition instead of throwing, as long as it is the same kind of metric.
 */
function existing<M>(name: string, kind: MetricClass<M>): M | undefined {
  const found = metricsRegistry.getSingleMetric(name);
  if (found === undefined) return undefined;
  if (!(found instanceof kind)) {
    throw new Error(`Metric ${name} is already defined as another kind of metric`);
  }
  return found;
}

export function defineCounter<L extends string>(
  config: Omit<CounterConfiguration<L>, 'registers'>,
): Counter<L> {
  checkDefinition(config.name, config.labelNames);
  return (
    existing<Counter<L>>(config.name, Counter) ??
    new Counter({ ...config, registers: [metricsRegistry] })
  );
}

export function defineGauge<L extends string>(
  config: Omit<GaugeConfiguration<L>, 'registers'>,
): Gauge<L> {
  checkDefinition(config.name, config.labelNames);
  return (
    existing<Gauge<L>>(config.name, Gauge) ?? new Gauge({ ...config, registers: [metricsRegistry] })
  );
}

export function defineHistogram<L extends string>(
  config: Omit<HistogramConfiguration<L>, 'registers'>,
): Histogram<L> {
  checkDefinition(config.name, config.labelNames);
  return (
    existing<Histogram<L>>(config.name, Histogram) ??
    new Histogram({ ...config, registers: [metricsRegistry] })
  );
}

let defaultMetricsStarted = false;

/**
 * Process metrics (CPU, memory, event-loop lag, GC) under `lumen_`, and a `service` label on every
 * series so one Prometheus job per service is not needed to tell them apart.
 */
export function startProcessMetrics(service: string): void {
  metricsRegistry.setDefaultLabels({ service });
  if (defaultMetricsStarted) return;
  defaultMetricsStarted = true;
  collectDefaultMetrics({ register: metricsRegistry, prefix: 'lumen_' });
}

/** Latency buckets in seconds, from a fast local call to a slow third party. */
export const LATENCY_BUCKETS_SECONDS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
] as const;

/** Buckets for things measured in minutes to days (an order's stages, a token's lifetime). */
export const LIFETIME_BUCKETS_SECONDS = [
  0.1,
  0.5,
  1,
  2,
  5,
  10,
  30,
  60,
  300,
  900,
  3600,
  4 * 3600,
  24 * 3600,
  7 * 24 * 3600,
] as const;
