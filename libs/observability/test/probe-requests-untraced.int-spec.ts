import { get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTelemetry, type Telemetry } from '#lumen/observability';

function httpGet(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, (response) => {
      response.resume();
      response.on('end', () => {
        resolve(response.statusCode ?? 0);
      });
    }).on('error', reject);
  });
}

/**
 * Prometheus, the operations page and orchestrators poll /metrics and /health every few seconds:
 * those requests start no trace, in the service (incoming) or in the poller (outgoing, over http
 * or fetch), while every other request still does.
 */
describe('probe requests are not traced', () => {
  let telemetry: Telemetry;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    telemetry = startTelemetry({ serviceName: 'probe-spec', exporter: 'memory' });
    // Loaded after tracing started, as main.ts loads everything after instrument.ts.
    const http = await import('node:http');
    server = http.createServer((_, response) => response.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await telemetry.shutdown();
  });

  it('traces an order request and skips /metrics, /health/live, /health/ready and the operations API', async () => {
    for (const path of ['/metrics', '/health/live', '/health/ready', '/api/operations/overview']) {
      expect(await httpGet(`${base}${path}`)).toBe(200);
      expect((await fetch(`${base}${path}`)).status).toBe(200);
    }
    expect(await httpGet(`${base}/orders/1`)).toBe(200);
    expect((await fetch(`${base}/orders/2`)).status).toBe(200);

    const spans = await telemetry.finishedSpans();
    const urls = spans.map((span) => {
      const path = span.attributes['url.path'] ?? span.attributes['http.target'] ?? span.name;
      return typeof path === 'string' ? path : span.name;
    });
    expect(urls.some((url) => url.includes('/metrics') || url.includes('/health'))).toBe(false);
    expect(urls.some((url) => url.includes('/orders'))).toBe(true);
  });
});
