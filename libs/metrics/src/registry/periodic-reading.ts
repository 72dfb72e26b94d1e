import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { Gauge } from 'prom-client';

export interface PeriodicReadingOptions {
  /** Reads the figures and sets gauges; a failure is reported to `onError` and retried next tick. */
  readonly read: () => Promise<void>;
  readonly onError: (error: unknown) => void;
  readonly intervalMs?: number;
}

/**
 * Runs `read` now and then every interval (default 5 s), one reading at a time, with tracing
 * suppressed (a poll would otherwise start a trace of its own every few seconds). Gauges keep the
 * last reading, so a scrape never waits on the database. Returns `stop`, which waits for a
 * reading in flight.
 */
export function startPeriodicReading(options: PeriodicReadingOptions): () => Promise<void> {
  let reading: Promise<void> | undefined;
  const tick = (): void => {
    reading ??= context
      .with(suppressTracing(context.active()), options.read)
      .catch(options.onError)
      .finally(() => {
        reading = undefined;
      });
  };
  tick();
  const timer = setInterval(tick, options.intervalMs ?? 5_000);
  // Metrics must never keep a process alive that is otherwise done.
  timer.unref();
  return async () => {
    clearInterval(timer);
    await reading;
  };
}

/**
 * Sets a gauge labelled by status to counts read with `GROUP BY status`. Every known status gets
 * a value, 0 where no row counts it: a status that empties must fall to 0 rather than keep its
 * last count, and one the table has never held still shows as 0 on the dashboards.
 */
export function setStatusCounts(
  gauge: Gauge<'status'>,
  statuses: readonly string[],
  rows: readonly { readonly status: string; readonly count: number }[],
): void {
  const counts = new Map(rows.map((row) => [row.status, row.count]));
  for (const status of statuses) gauge.set({ status }, counts.get(status) ?? 0);
}
