import { trace } from '@opentelemetry/api';
import { startTelemetry, type Telemetry } from '../tracing/telemetry.bootstrap';
import { createLogger } from './logger.factory';

function captureLines(): { lines: () => Record<string, unknown>[]; write: (line: string) => void } {
  const written: string[] = [];
  return {
    write: (line) => written.push(line),
    lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  let telemetry: Telemetry;

  beforeAll(() => {
    telemetry = startTelemetry({ serviceName: 'logger-spec', exporter: 'memory' });
  });

  afterAll(async () => {
    await telemetry.shutdown();
  });

  it('writes JSON with the service name and redacted personal fields', () => {
    const out = captureLines();
    const logger = createLogger({ service: 'checkout', destination: out });

    logger.info(
      { orderId: 'ord_1', customer: { Email: 'jane@example.com', phone: '+44 20' } },
      'placed',
    );

    expect(out.lines()[0]).toMatchObject({
      level: 30,
      service: 'checkout',
      msg: 'placed',
      orderId: 'ord_1',
      customer: { Email: '[redacted]', phone: '[redacted]' },
    });
  });

  it('redacts the message, printf arguments and child bindings', () => {
    const out = captureLines();
    const logger = createLogger({ service: 'checkout', destination: out });

    logger.info('receipt for jane@example.com');
    logger.info('charged card %s for %s', '4111 1111 1111 1111', 'bob@example.com');
    logger.info('created %o', { customerId: 'cus_1', phone: '+44 20 7946 0958' });
    const child = logger.child({ email: 'jane@example.com', orderId: 'ord_1' });
    child.info('child line');
    child.child({ city: 'Leeds' }).info('grandchild line');

    const [plain, printf, object, childLine, grandchildLine] = out.lines();
    expect(plain?.['msg']).toBe('receipt for [redacted]');
    expect(printf?.['msg']).toBe('charged card [redacted] for [redacted]');
    expect(object?.['msg']).toBe('created {"customerId":"cus_1","phone":"[redacted]"}');
    expect(childLine).toMatchObject({ email: '[redacted]', orderId: 'ord_1', msg: 'child line' });
    expect(grandchildLine).toMatchObject({ email: '[redacted]', city: '[redacted]' });
  });

  it('redacts an error, including the message pino copies from it', () => {
    const out = captureLines();
    const logger = createLogger({ service: 'checkout', destination: out });

    logger.error(new Error('no customer jane@example.com'));
    logger.error({ err: new Error('no customer bob@example.com'), orderId: 'ord_1' });

    const [alone, inObject] = out.lines();
    expect(alone).toMatchObject({
      msg: 'no customer [redacted]',
      err: { type: 'Error', message: 'no customer [redacted]' },
    });
    expect(inObject).toMatchObject({
      msg: 'no customer [redacted]',
      orderId: 'ord_1',
      err: { type: 'Error', message: 'no customer [redacted]' },
    });
    expect(JSON.stringify(out.lines())).not.toContain('@example.com');
  });

  it('respects the level', () => {
    const out = captureLines();
    const logger = createLogger({ service: 'checkout', level: 'warn', destination: out });

    logger.info('hidden');
    logger.warn('shown');

    expect(out.lines().map((line) => line['msg'])).toEqual(['shown']);
  });

  it('adds trace_id and span_id while a span is active, and neither outside one', () => {
    const out = captureLines();
    const logger = createLogger({ service: 'checkout', destination: out });

    const spanContext = trace.getTracer('spec').startActiveSpan('handle', (span) => {
      logger.info('inside');
      span.end();
      return span.spanContext();
    });
    logger.info('outside');

    const [inside, outside] = out.lines();
    expect(inside).toMatchObject({ trace_id: spanContext.traceId, span_id: spanContext.spanId });
    expect(inside?.['trace_id']).toMatch(/^[0-9a-f]{32}$/);
    expect(outside).not.toHaveProperty('trace_id');
    expect(outside).not.toHaveProperty('span_id');
  });
});
