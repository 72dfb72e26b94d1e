import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { createTraceExporter, traceExporterNameFromEnv } from './trace-exporter.factory';

describe('traceExporterNameFromEnv', () => {
  it('defaults to zipkin, the backend that runs here', () => {
    expect(traceExporterNameFromEnv({})).toBe('zipkin');
    expect(traceExporterNameFromEnv({ OTEL_TRACES_EXPORTER: '' })).toBe('zipkin');
  });

  it.each(['zipkin', 'otlp', 'console', 'none'] as const)('accepts %s', (name) => {
    expect(traceExporterNameFromEnv({ OTEL_TRACES_EXPORTER: ` ${name} ` })).toBe(name);
  });

  it.each(['jaeger', 'memory', 'otlp,zipkin'])('fails fast on %s', (value) => {
    expect(() => traceExporterNameFromEnv({ OTEL_TRACES_EXPORTER: value })).toThrow(
      /OTEL_TRACES_EXPORTER must be one of zipkin, otlp, console, none/,
    );
  });
});

describe('createTraceExporter', () => {
  it("creates no exporter for 'none' and an in-memory one for 'memory'", () => {
    expect(createTraceExporter('none', {}, {})).toBeUndefined();
    expect(createTraceExporter('memory', {}, {})).toBeInstanceOf(InMemorySpanExporter);
  });
});
