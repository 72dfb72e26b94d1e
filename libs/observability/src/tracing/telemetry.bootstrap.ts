import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';
import { createInstrumentations } from './auto-instrumentations.factory';
import { RedactingSpanProcessor } from './redacting.span-processor';
import {
  createTraceExporter,
  traceExporterNameFromEnv,
  type TraceExporterName,
} from './trace-exporter.factory';

export interface StartTelemetryOptions {
  /** The `service.name` resource attribute. */
  serviceName: string;
  /** Defaults to OTEL_TRACES_EXPORTER, else 'zipkin'. */
  exporter?: TraceExporterName;
  /** Defaults to OTEL_EXPORTER_ZIPKIN_ENDPOINT, else http://127.0.0.1:9411/api/v2/spans. */
  zipkinEndpoint?: string;
  /**
   * The full traces URL (…/v1/traces). Defaults to what the exporter derives from
   * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT.
   */
  otlpEndpoint?: string;
}

export interface Telemetry {
  /** Exports what is still buffered, then stops. Await it before the process exits. */
  shutdown(): Promise<void>;
  /** With the 'memory' exporter: flushes and returns every span ended so far. */
  finishedSpans(): Promise<ReadableSpan[]>;
}

/**
 * Starts tracing for the process. The instrumentations patch modules as they are loaded, so this
 * must run before anything requires http, pg, ioredis or Nest: see the instrument.ts pattern in
 * the package documentation (index.ts).
 *
 * This is the one place outside an app's config schema that reads the environment: it runs before
 * that schema is parsed, and OTEL_* variables are the standard contract the SDK reads anyway.
 */
export function startTelemetry(options: StartTelemetryOptions): Telemetry {
  const exporterName = options.exporter ?? traceExporterNameFromEnv(process.env);
  const exporter = createTraceExporter(exporterName, options, process.env);
  const processor =
    exporter === undefined
      ? undefined
      : new RedactingSpanProcessor(new BatchSpanProcessor({ exporter }));

  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    // The default detectors add the host name, the process's command line and the OS user; none
    // of that helps read a trace, and a command line can hold secrets.
    autoDetectResources: false,
    // Trace context only: W3C baggage would forward whatever a caller put in it to every service.
    textMapPropagator: new W3CTraceContextPropagator(),
    instrumentations: createInstrumentations(),
    spanProcessors: processor === undefined ? [] : [processor],
    // Traces only. Left unset, metrics and logs would each default to an OTLP exporter pushing to
    // localhost.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();

  return {
    shutdown: () => sdk.shutdown(),
    finishedSpans: async () => {
      if (!(exporter instanceof InMemorySpanExporter) || processor === undefined) {
        throw new Error(`finishedSpans() needs the 'memory' exporter, not '${exporterName}'`);
      }
      await processor.forceFlush();
      return exporter.getFinishedSpans();
    },
  };
}
