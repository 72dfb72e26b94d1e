import { isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * pino `mixin`: stamps each line with the active span's ids so a log line can be found from its
 * trace and the other way round. Lines written outside any span carry neither.
 */
export function traceContextMixin(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
