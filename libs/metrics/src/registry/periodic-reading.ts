import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

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
