/**
 * # @lumen/observability
 *
 * Traces and logs that cannot carry personal data: spans are stripped of client addresses, user
 * agents, query strings and SQL values before export, and every log line is redacted by key and by
 * pattern before it is written. See `PERSONAL_FIELD_NAMES` for the keys.
 *
 * ## Start tracing first
 *
 * Instrumentation works by patching modules as they load, so `startTelemetry` must run before
 * anything imports http, pg, ioredis or Nest. Each app keeps that in a tiny `instrument.ts` and
 * makes it the first import of `main.ts`:
 *
 * ```ts
 * // apps/checkout/src/instrument.ts
 * import { startTelemetry } from '#lumen/observability';
 *
 * export const telemetry = startTelemetry({ serviceName: 'checkout' });
 *
 * // apps/checkout/src/main.ts
 * import { telemetry } from './instrument'; // keep first: everything below is instrumented
 * import { NestFactory } from '@nestjs/core';
 * import { FastifyAdapter } from '@nestjs/platform-fastify';
 * import { createLogger, PinoNestLogger } from '#lumen/observability';
 * import { CheckoutAppModule } from './checkout-app.module';
 *
 * async function bootstrap(): Promise<void> {
 *   const logger = createLogger({ service: 'checkout' });
 *   const app = await NestFactory.create(CheckoutAppModule, new FastifyAdapter(), {
 *     logger: new PinoNestLogger(logger),
 *   });
 *   await app.listen({ port: 3000, host: '127.0.0.1' });
 *   process.once('SIGTERM', () => {
 *     // Close the app first so its last spans end, then flush them to the backend.
 *     void app.close().then(() => telemetry.shutdown());
 *   });
 * }
 * void bootstrap();
 * ```
 *
 * The exporter comes from the options, else OTEL_TRACES_EXPORTER (zipkin, otlp, console, none;
 * default zipkin at http://127.0.0.1:9411/api/v2/spans). Tests pass `exporter: 'memory'` and read
 * `await telemetry.finishedSpans()`.
 */
export { createLogger, type CreateLoggerOptions, type Logger } from './logging/logger.factory';
export { PinoNestLogger } from './logging/pino-nest.logger';
export { redactPersonalData } from './redaction/personal-data.redactor';
export { PERSONAL_FIELD_NAMES } from './redaction/personal-field-names.constant';
export {
  startTelemetry,
  type StartTelemetryOptions,
  type Telemetry,
} from './tracing/telemetry.bootstrap';
export type { TraceExporterName } from './tracing/trace-exporter.factory';
