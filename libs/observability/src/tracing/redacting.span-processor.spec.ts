import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { startTelemetry, type Telemetry } from './telemetry.bootstrap';

// Through the whole pipeline startTelemetry builds (NodeSDK, batch processor, memory exporter), so
// the spec proves what an exporter would actually receive.
describe('RedactingSpanProcessor', () => {
  let telemetry: Telemetry;

  beforeAll(() => {
    telemetry = startTelemetry({ serviceName: 'span-spec', exporter: 'memory' });
  });

  afterAll(async () => {
    await telemetry.shutdown();
  });

  async function finishedSpan(
    name: string,
  ): Promise<Awaited<ReturnType<Telemetry['finishedSpans']>>[number]> {
    const span = (await telemetry.finishedSpans()).find((candidate) => candidate.name === name);
    if (span === undefined) throw new Error(`no finished span named ${name}`);
    return span;
  }

  it('drops client identity, user agents, query strings and bodies from an HTTP span', async () => {
    const span = trace.getTracer('spec').startSpan('GET /orders/:id', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/orders/:id',
        'http.response.status_code': 200,
        'url.path': '/orders/ord_1',
        'url.query': 'email=jane@example.com',
        'url.full': 'https://shop.example/orders/ord_1?email=jane%40example.com#top',
        'http.target': '/orders/ord_1?email=jane%40example.com',
        'client.address': '203.0.113.7',
        'http.client_ip': '203.0.113.7',
        'net.peer.ip': '203.0.113.7',
        'network.peer.address': '203.0.113.7',
        'user_agent.original': 'Mozilla/5.0',
        'http.user_agent': 'Mozilla/5.0',
        'http.request.body': '{"email":"jane@example.com"}',
        'http.response.body.size': 12,
        'http.request.header.cookie': ['sid=1'],
      },
    });
    span.end();

    expect((await finishedSpan('GET /orders/:id')).attributes).toEqual({
      'http.request.method': 'GET',
      'http.route': '/orders/:id',
      'http.response.status_code': 200,
      'url.path': '/orders/ord_1',
      'url.full': 'https://shop.example/orders/ord_1',
      'http.target': '/orders/ord_1',
    });
  });

  it('keeps SQL placeholders but no values on a database span', async () => {
    const span = trace.getTracer('spec').startSpan('SELECT lumen', {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': 'postgresql',
        'db.query.text': 'SELECT id FROM customer WHERE email = $1 AND status = $2',
        'db.statement':
          "UPDATE customer SET email = 'jane@example.com', note = 'it''s' WHERE id = 7",
        'db.postgresql.values': ['jane@example.com', 'active'],
      },
    });
    span.end();

    expect((await finishedSpan('SELECT lumen')).attributes).toEqual({
      'db.system.name': 'postgresql',
      'db.query.text': 'SELECT id FROM customer WHERE email = $1 AND status = $2',
      'db.statement': "UPDATE customer SET email = '?', note = '?' WHERE id = 7",
    });
  });

  it('redacts e-mails and card numbers from other attributes, exceptions and the status', async () => {
    const span = trace.getTracer('spec').startSpan('capture payment');
    span.setAttribute('lumen.note', 'card 4111 1111 1111 1111 for jane@example.com');
    span.setAttribute('lumen.tags', ['jane@example.com', 'vip']);
    // API 1.10 allows maps as attribute values; personal keys inside them are found too.
    span.setAttribute('lumen.customer', { id: 'cus_1', phone: '+44 20 7946 0958' });
    span.setAttribute('email', 'jane@example.com');
    const error = new Error('Key (email)=(jane@example.com) already exists.');
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    span.end();

    const finished = await finishedSpan('capture payment');
    expect(finished.attributes).toEqual({
      'lumen.note': 'card [redacted] for [redacted]',
      'lumen.tags': ['[redacted]', 'vip'],
      'lumen.customer': { id: 'cus_1', phone: '[redacted]' },
      email: '[redacted]',
    });
    expect(finished.events[0]?.attributes?.['exception.message']).toBe(
      'Key (email)=([redacted]) already exists.',
    );
    expect(finished.status.message).toBe('Key (email)=([redacted]) already exists.');
    expect(JSON.stringify(finished.events)).not.toContain('@example.com');
  });

  it('names the service on the resource', async () => {
    const span = trace.getTracer('spec').startSpan('resource check');
    span.end();

    expect((await finishedSpan('resource check')).resource.attributes['service.name']).toBe(
      'span-spec',
    );
  });
});
