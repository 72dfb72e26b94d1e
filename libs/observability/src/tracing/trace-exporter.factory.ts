import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import {
  ConsoleSpanExporter,
  InMemorySpanExporter,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';

/** 'memory' keeps finished spans in the process, for tests. */
export type TraceExporterName = 'zipkin' | 'otlp' | 'console' | 'none' | 'memory';

export interface TraceExporterOptions {
  zipkinEndpoint?: string;
  otlpEndpoint?: string;
}

const DEFAULT_ZIPKIN_ENDPOINT = 'http://127.0.0.1:9411/api/v2/spans';

// 'memory' is left out on purpose: set by mistake in production, it would hold every span forever.
const EXPORTERS_FROM_ENV: readonly TraceExporterName[] = ['zipkin', 'otlp', 'console', 'none'];

/**
 * Reads OTEL_TRACES_EXPORTER (one value; default 'zipkin', the backend that runs here) and fails
 * fast on anything else, so a typo does not silently turn tracing off.
 */
export function traceExporterNameFromEnv(env: NodeJS.ProcessEnv): TraceExporterName {
  const value = env['OTEL_TRACES_EXPORTER']?.trim() || 'zipkin';
  const name = EXPORTERS_FROM_ENV.find((candidate) => candidate === value);
  if (name === undefined) {
    throw new Error(
      `OTEL_TRACES_EXPORTER must be one of ${EXPORTERS_FROM_ENV.join(', ')}; got "${value}"`,
    );
  }
  return name;
}

/** Returns undefined for 'none': no exporter, so the SDK registers no tracer provider. */
export function createTraceExporter(
  name: TraceExporterName,
  options: TraceExporterOptions,
  env: NodeJS.ProcessEnv,
): SpanExporter | undefined {
  switch (name) {
    case 'zipkin':
      return new ZipkinExporter({
        // The exporter's own default says "localhost", which Node may resolve to ::1 while the
        // Zipkin server listens on IPv4.
        url:
          options.zipkinEndpoint ?? env['OTEL_EXPORTER_ZIPKIN_ENDPOINT'] ?? DEFAULT_ZIPKIN_ENDPOINT,
      });
    case 'otlp':
      // Without a url the exporter reads OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or
      // OTEL_EXPORTER_OTLP_ENDPOINT (appending /v1/traces) itself.
      return new OTLPTraceExporter(
        options.otlpEndpoint === undefined ? {} : { url: options.otlpEndpoint },
      );
    case 'console':
      return new ConsoleSpanExporter();
    case 'memory':
      return new InMemorySpanExporter();
    case 'none':
      return undefined;
  }
}
