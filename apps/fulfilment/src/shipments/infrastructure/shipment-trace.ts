import { context, propagation, ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('lumen-fulfilment');

/**
 * Runs worker `work` for a shipment as a span in the order's trace (the context stored when the
 * shipment started), so the handover, the carrier call and the events it publishes join the
 * trace of the order they belong to, however much later the worker gets to them.
 */
export async function inShipmentTrace<T>(
  name: string,
  traceContext: Readonly<Record<string, string>>,
  attributes: Record<string, string | number>,
  work: () => Promise<T>,
): Promise<T> {
  const parent = propagation.extract(ROOT_CONTEXT, traceContext);
  const span = tracer.startSpan(name, { attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), work);
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
    throw error;
  } finally {
    span.end();
  }
}
