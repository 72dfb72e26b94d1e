import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { findRoot, startPipeline, type Pipeline } from '../../scripts/pipeline/start-pipeline';
import { StorefrontClient, TEST_CARDS } from '../../scripts/pipeline/storefront-client';

/** One span as the Zipkin v2 JSON API receives it (the fields this test reads). */
interface ZipkinSpan {
  readonly traceId: string;
  readonly id: string;
  readonly parentId?: string;
  readonly name?: string;
  readonly kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  readonly localEndpoint?: { readonly serviceName?: string };
  readonly remoteEndpoint?: Record<string, unknown>;
  readonly tags?: Readonly<Record<string, string>>;
  readonly annotations?: readonly { readonly value: string }[];
}

/**
 * A Zipkin-compatible collector in the test process: every service exports to it exactly as it
 * would to a Zipkin server (POST /api/v2/spans, a JSON array per batch), and it keeps the spans.
 */
class SpanCollector {
  readonly spans: ZipkinSpan[] = [];
  private readonly server: Server = createServer((request, response) => {
    void this.receive(request).then(
      (status) => response.writeHead(status).end(),
      () => response.writeHead(400).end(),
    );
  });

  get endpoint(): string {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return `http://127.0.0.1:${address.port}/api/v2/spans`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async receive(request: IncomingMessage): Promise<number> {
    if (request.method !== 'POST' || request.url !== '/api/v2/spans') return 404;
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
    this.spans.push(...(JSON.parse(body.toString('utf8')) as ZipkinSpan[]));
    return 202;
  }
}

const serviceOf = (span: ZipkinSpan) => span.localEndpoint?.serviceName ?? '';
const tag = (span: ZipkinSpan, key: string) => span.tags?.[key];
/** The request path of an HTTP span, whichever semantic-convention attribute carries it. */
const pathOf = (span: ZipkinSpan) =>
  tag(span, 'url.path') ??
  tag(span, 'http.target') ??
  (tag(span, 'url.full') ?? tag(span, 'http.url'))?.replace(/^https?:\/\/[^/]+/, '');

/** Attributes that would say who the client is (a person's IP address or browser). */
const CLIENT_IDENTITY_TAGS = [
  'client.address',
  'http.client_ip',
  'net.peer.ip',
  'net.sock.peer.addr',
  'network.peer.address',
  'user_agent.original',
  'http.user_agent',
];

function letters(length: number): string {
  return [...randomBytes(length)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('');
}

/**
 * One order, followed through its spans: the whole pipeline started as `npm start` starts it,
 * every service exporting to a collector this test runs. The order must be one trace from the
 * storefront's request through checkout, the key service, payment and the gateway, fulfilment
 * and the carrier (and the carrier's tracking callbacks), every outbox relay and consumer, with
 * no broken link and no personal value of the order in any span.
 */
describe('trace continuity', () => {
  const root = findRoot();
  const collector = new SpanCollector();
  let pipeline: Pipeline;
  let storefront: StorefrontClient;

  beforeAll(async () => {
    await collector.start();
    pipeline = await startPipeline({
      LUMEN_DRIVER: 'off',
      OTEL_TRACES_EXPORTER: 'zipkin',
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: collector.endpoint,
    });
    storefront = new StorefrontClient(
      pipeline.urls.checkout ?? '',
      pipeline.urls['gateway-simulator'] ?? '',
      StorefrontClient.devKey(root),
      // A client address a proxy would pass on: it must not reach any span.
      { 'x-forwarded-for': '203.0.113.77', 'user-agent': 'TraceContinuityBrowser/1.0' },
    );
    const switches = await fetch(`${pipeline.urls['carrier-simulator'] ?? ''}/_test/switches`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/json',
        ...StorefrontClient.carrierControlHeaders(root),
      },
      body: JSON.stringify({ dispatchDelayMs: 200, deliveryDelayMs: 200 }),
    });
    expect(switches.status).toBe(200);
  });

  afterAll(async () => {
    await pipeline.stop();
    await collector.stop();
  });

  it('follows one order as one connected trace through every service, with no personal data', async () => {
    const tag8 = letters(8);
    const personal = {
      name: `Ada ${tag8.charAt(0).toUpperCase()}${tag8.slice(1)}`,
      email: `${letters(10)}@example.com`,
      phone: `+44 7700 900${String(100 + (randomBytes(1)[0] ?? 0))}`,
      line1: `${String(10 + (randomBytes(1)[0] ?? 0))} ${letters(7)} Street`,
      line2: `Flat ${letters(5)}`,
      city: `Town${letters(6)}`,
      postcode: 'SW1Y 4JH',
    };
    const cardToken = await storefront.cardToken('approved');
    const policyVersion = await storefront.policyVersion();
    const startedAt = collector.spans.length;

    const posted = await storefront.placeOrder({
      customer: { name: personal.name, email: personal.email, phone: personal.phone },
      deliveryAddress: {
        recipientName: personal.name,
        lines: [personal.line1, personal.line2],
        city: personal.city,
        postcode: personal.postcode,
        country: 'GB',
      },
      items: [{ sku: 'LAMP-DESK-BRASS', quantity: 1, unitPriceMinor: 4_999, currency: 'GBP' }],
      payment: { gateway: 'simulator', cardToken },
      privacyPolicyVersion: policyVersion,
    });
    expect(posted.status).toBe(202);
    const orderId = posted.orderId ?? '';
    const done = await storefront.waitForStatus(orderId, ['delivered'], 120_000);
    expect(done.status).toBe('delivered');

    const spansSince = () => collector.spans.slice(startedAt);
    const orderRequest = () =>
      spansSince().find(
        (span) =>
          serviceOf(span) === 'checkout' &&
          span.kind === 'SERVER' &&
          tag(span, 'http.request.method') === 'POST' &&
          pathOf(span) === '/orders',
      );
    const lifecycle = [
      ['checkout', 'PRODUCER', 'checkout.order.placed.v1 publish'],
      ['payment', 'CONSUMER', 'checkout.order.placed.v1 process'],
      ['fulfilment', 'CONSUMER', 'checkout.order.placed.v1 process'],
      ['payment', 'PRODUCER', 'payment.payment.confirmed.v1 publish'],
      ['checkout', 'CONSUMER', 'payment.payment.confirmed.v1 process'],
      ['fulfilment', 'CONSUMER', 'payment.payment.confirmed.v1 process'],
      ['fulfilment', 'PRODUCER', 'fulfilment.shipment.dispatched.v1 publish'],
      ['checkout', 'CONSUMER', 'fulfilment.shipment.dispatched.v1 process'],
      ['fulfilment', 'PRODUCER', 'fulfilment.shipment.delivered.v1 publish'],
      ['checkout', 'CONSUMER', 'fulfilment.shipment.delivered.v1 process'],
      // Payment over, the card token's key is destroyed: that too belongs to the order.
      ['payment', 'PRODUCER', 'payment.card-token.destroyed.v1 publish'],
      ['privacy', 'PRODUCER', 'privacy.key.destroyed.v1 publish'],
      ['checkout', 'CONSUMER', 'privacy.key.destroyed.v1 process'],
      ['fulfilment', 'CONSUMER', 'privacy.key.destroyed.v1 process'],
    ] as const;
    const serverCalls = [
      ['privacy', 'POST', '/keys'],
      ['privacy', 'GET', '/keys/'],
      ['privacy', 'DELETE', '/keys/'],
      ['gateway-simulator', 'POST', '/v1/authorisations'],
      ['payment', 'POST', '/gateway/notifications'],
      ['carrier-simulator', 'POST', '/v1/shipments'],
      ['fulfilment', 'POST', '/carrier/v1/tracking-events'],
    ] as const;
    const hasName = (spans: readonly ZipkinSpan[], [service, kind, name]: readonly string[]) =>
      spans.some((s) => serviceOf(s) === service && s.kind === kind && s.name === name);
    const hasServerCall = (
      spans: readonly ZipkinSpan[],
      [service, method, path]: readonly string[],
    ) =>
      spans.some(
        (s) =>
          serviceOf(s) === service &&
          s.kind === 'SERVER' &&
          tag(s, 'http.request.method') === method &&
          (pathOf(s) ?? '').startsWith(path ?? ''),
      );

    // Exporters batch (every few seconds); wait until the order's whole path has arrived.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const request = orderRequest();
      const trace = request ? spansSince().filter((s) => s.traceId === request.traceId) : [];
      if (
        lifecycle.every((expected) => hasName(trace, expected)) &&
        serverCalls.every((expected) => hasServerCall(trace, expected))
      )
        break;
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // Late spans of the same batches (parents end after their children).
    await new Promise((resolve) => setTimeout(resolve, 6_000));

    const request = orderRequest();
    expect(request).toBeDefined();
    const traceId = request?.traceId ?? '';
    const trace = spansSince().filter((span) => span.traceId === traceId);
    const outline = trace.map((s) => `${serviceOf(s)} ${s.kind ?? 'INTERNAL'} ${s.name ?? ''}`);

    // Every hop of the order is in the one trace.
    for (const expected of lifecycle) {
      expect({ expected, found: hasName(trace, expected) }).toEqual({ expected, found: true });
    }
    for (const expected of serverCalls) {
      expect({ expected, found: hasServerCall(trace, expected) }).toEqual({
        expected,
        found: true,
      });
    }
    expect(new Set(trace.map(serviceOf))).toEqual(
      new Set([
        'checkout',
        'privacy',
        'payment',
        'gateway-simulator',
        'fulfilment',
        'carrier-simulator',
      ]),
    );

    // No hop of the order's path started a trace of its own: no trace begun in this run (one
    // with its root here) other than the order's holds a publish or consume of the order's
    // topics or a gateway or carrier call (this is the only order of the run). Traces begun
    // elsewhere are left out: the consumer groups are shared, so events an earlier run left
    // unconsumed arrive here in their producers' traces. Key destruction and gateway
    // notifications are left out too: a sweep or a retry of an earlier run may do them.
    const startedHere = new Set(
      spansSince()
        .filter((span) => span.parentId === undefined)
        .map((span) => span.traceId),
    );
    const orderHops = lifecycle.slice(0, 10).map(([, , name]) => name as string);
    const outsideCalls = serverCalls.filter(
      ([service]) => service !== 'privacy' && service !== 'payment',
    );
    const elsewhere = spansSince().filter(
      (span) =>
        span.traceId !== traceId &&
        startedHere.has(span.traceId) &&
        (orderHops.includes(span.name ?? '') ||
          outsideCalls.some((call) => hasServerCall([span], call))),
    );
    expect(elsewhere.map((s) => `${serviceOf(s)} ${s.name ?? ''} ${pathOf(s) ?? ''}`)).toEqual([]);

    // Connected: the storefront's request is the only root; every other span's parent is here.
    const ids = new Set(trace.map((span) => span.id));
    const roots = trace.filter((span) => span.parentId === undefined);
    expect(roots.map((s) => s.id)).toEqual([request?.id]);
    const orphans = trace.filter((s) => s.parentId !== undefined && !ids.has(s.parentId));
    expect(orphans.map((s) => `${serviceOf(s)} ${s.name ?? ''}`)).toEqual([]);
    expect(outline.length).toBeGreaterThan(lifecycle.length + serverCalls.length);

    // Nothing personal, nothing about the client, anywhere in the trace.
    const text = JSON.stringify(trace);
    const forbidden = [
      ...Object.values(personal),
      personal.email.split('@')[0] ?? '',
      cardToken,
      TEST_CARDS.approved,
      '203.0.113.77',
      'TraceContinuityBrowser',
    ];
    expect(forbidden.filter((value) => value !== '' && text.includes(value))).toEqual([]);
    const identityTags = trace.flatMap((span) =>
      Object.keys(span.tags ?? {}).filter((key) => CLIENT_IDENTITY_TAGS.includes(key)),
    );
    expect(identityTags).toEqual([]);
  });
});
