import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { EventConsumer, Outbox, OutboxRelay, silentLogger } from '#lumen/messaging';
import {
  countRows,
  createHarness,
  DATABASE_URL,
  expectEventually,
  type Harness,
} from './messaging-harness';

describe('trace context through the outbox (real PostgreSQL and Kafka)', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  let h: Harness;

  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });
  beforeEach(async () => (h = await createHarness()));
  afterEach(() => h.close());

  it('keeps one trace from the writer, through the relay, to the consumer', async () => {
    const outbox = new Outbox(h.catalogue, h.checkout.signer);
    const request = trace.getTracer('test').startSpan('POST /orders');
    await context.with(trace.setSpan(context.active(), request), () =>
      h.dataSource.transaction((tx) =>
        outbox.add(tx, h.topic, 'order-1', { sequence: 1, note: 'n' }),
      ),
    );
    request.end();

    // The relay runs later, in its own context, as it would after a restart.
    const relay = new OutboxRelay({
      databaseUrl: DATABASE_URL,
      schema: h.schema,
      broker: h.broker,
      logger: silentLogger,
    });
    relay.start();
    const consumer = new EventConsumer({
      groupId: `group-${h.schema}`,
      catalogue: h.catalogue,
      subscriptions: [
        {
          topic: h.topic,
          handle: async (_event, tx) => {
            await tx.query('INSERT INTO effects VALUES (gen_random_uuid(), $1, 1)', ['order-1']);
          },
        },
      ],
      broker: h.broker,
      keyRing: h.keyRing,
      dataSource: h.dataSource,
      logger: silentLogger,
    });
    await consumer.start();
    await expectEventually(
      async () => (await countRows(h.dataSource, 'SELECT count(*) FROM effects')) === 1,
      'event consumed',
    );
    await consumer.stop();
    await relay.stop();

    const spans = exporter.getFinishedSpans();
    const publish = spans.find((s) => s.name === `${h.topic} publish`)!;
    const process = spans.find((s) => s.name === `${h.topic} process`)!;
    const traceId = request.spanContext().traceId;
    expect(publish.spanContext().traceId).toBe(traceId);
    expect(publish.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(process.spanContext().traceId).toBe(traceId);
    expect(process.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
  });
});
