import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';

/**
 * The auto-instrumentations for http, pg, ioredis and the rest, minus the ones that would create
 * wrong or noisy spans, and configured so database spans carry no values.
 *
 * Request spans come from the http instrumentation. This set has no fastify instrumentation
 * (upstream moved it to `@fastify/otel`), and the nestjs-core one in it declares support for
 * `@nestjs/core` below 12 only, so neither adds spans or `http.route` to a Nest 12 app today.
 */
export function createInstrumentations(): ReturnType<typeof getNodeAutoInstrumentations> {
  return getNodeAutoInstrumentations({
    // The messaging lib carries trace context itself, in the outbox row and the Kafka headers, so
    // a message relayed later and a consumer using eachBatch continue the producer's trace.
    // kafkajs' own spans would start a second, disconnected trace (or only link to the first).
    '@opentelemetry/instrumentation-kafkajs': { enabled: false },
    // One span per syscall: noise that buries the spans that matter.
    '@opentelemetry/instrumentation-fs': { enabled: false },
    '@opentelemetry/instrumentation-dns': { enabled: false },
    '@opentelemetry/instrumentation-net': { enabled: false },
    // createLogger stamps trace ids itself; this one would also copy every log line into the
    // OpenTelemetry logs pipeline.
    '@opentelemetry/instrumentation-pino': { enabled: false },
    // Off by default already; stated because turning it on puts the values of $1..$n on spans.
    '@opentelemetry/instrumentation-pg': { enhancedDatabaseReporting: false },
    // The default serializer keeps the arguments of GET, HGET, EVAL and others: keys and values
    // can name a person. The command name is enough to read a trace.
    '@opentelemetry/instrumentation-ioredis': { dbStatementSerializer: (command) => command },
    // Prometheus, the operations page and orchestrators poll these every few seconds; a trace per
    // poll would bury the orders' traces (and fill Zipkin's in-memory store).
    '@opentelemetry/instrumentation-http': {
      ignoreIncomingRequestHook: (request) => isProbePath(request.url),
      ignoreOutgoingRequestHook: (options) => isProbePath(options.path),
    },
    // fetch() goes through undici, not http: the operations app scrapes every service with it.
    '@opentelemetry/instrumentation-undici': {
      ignoreRequestHook: (request) => isProbePath(request.path),
    },
  });
}

const PROBE_PATH = /^\/(metrics|health\/(live|ready))(\?|$)|^\/api\/operations\//;

function isProbePath(path: string | null | undefined): boolean {
  return typeof path === 'string' && PROBE_PATH.test(path);
}
