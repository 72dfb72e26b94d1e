import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';

/**
 * Trace propagation through Kafka, done here rather than by the kafkajs auto-instrumentation:
 * the outbox stores the writer's trace context with the row and the relay publishes under
 * it, and consumers (which use eachBatch) make their span a child of the producer's. So one
 * order stays one trace across every hop, however late the relay publishes.
 */
export const tracer = trace.getTracer('lumen-messaging');

export type TraceCarrier = Record<string, string>;

/** The active trace context as W3C headers (empty when no span is active). */
export function captureTraceContext(): TraceCarrier {
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

export function contextFrom(carrier: Readonly<Record<string, string>>): Context {
  return propagation.extract(ROOT_CONTEXT, carrier);
}

/** Starts a producer span under `parent` and returns it with headers that carry it on. */
export function startPublishSpan(
  topic: string,
  parent: Context,
): { span: Span; headers: TraceCarrier } {
  const span = tracer.startSpan(
    `${topic} publish`,
    {
      kind: SpanKind.PRODUCER,
      attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': topic },
    },
    parent,
  );
  const headers: TraceCarrier = {};
  propagation.inject(trace.setSpan(parent, span), headers);
  return { span, headers };
}

/** Runs `work` inside a consumer span that is a child of the producer's span. */
export async function withProcessSpan<T>(
  topic: string,
  headers: Readonly<Record<string, string>>,
  attributes: Record<string, string | number>,
  work: () => Promise<T>,
): Promise<T> {
  const parent = contextFrom(headers);
  const span = tracer.startSpan(
    `${topic} process`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.destination.name': topic,
        ...attributes,
      },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), work);
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
    throw error;
  } finally {
    span.end();
  }
}
