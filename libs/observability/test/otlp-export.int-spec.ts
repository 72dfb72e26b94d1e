import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { startTelemetry } from '#lumen/observability';

interface Received {
  readonly path: string;
  readonly contentType: string;
  readonly body: string;
}

function restore(key: 'OTEL_TRACES_EXPORTER' | 'OTEL_EXPORTER_OTLP_ENDPOINT', value?: string) {
  if (value === undefined) {
    if (key === 'OTEL_TRACES_EXPORTER') delete process.env.OTEL_TRACES_EXPORTER;
    else delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  } else {
    process.env[key] = value;
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', reject);
  });
}

/**
 * For people who run Jaeger or an OpenTelemetry Collector instead of Zipkin: with only
 * OTEL_TRACES_EXPORTER=otlp and OTEL_EXPORTER_OTLP_ENDPOINT set, spans reach the collector's
 * OTLP/HTTP receiver (here a local server standing in for it) under /v1/traces.
 */
describe('OTLP export chosen by the environment', () => {
  let server: Server;
  const received: Received[] = [];
  const saved = {
    exporter: process.env['OTEL_TRACES_EXPORTER'],
    endpoint: process.env['OTEL_EXPORTER_OTLP_ENDPOINT'],
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      void readBody(request).then((body) => {
        received.push({
          path: request.url ?? '',
          contentType: request.headers['content-type'] ?? '',
          body,
        });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    restore('OTEL_TRACES_EXPORTER', saved.exporter);
    restore('OTEL_EXPORTER_OTLP_ENDPOINT', saved.endpoint);
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends spans to <endpoint>/v1/traces', async () => {
    const { port } = server.address() as AddressInfo;
    process.env['OTEL_TRACES_EXPORTER'] = 'otlp';
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = `http://127.0.0.1:${port}`;
    const telemetry = startTelemetry({ serviceName: 'otlp-spec' });

    trace.getTracer('otlp-spec').startActiveSpan('place order', (span) => {
      span.setAttribute('lumen.stage', 'checkout');
      span.end();
    });
    await telemetry.shutdown();

    expect(received).toHaveLength(1);
    expect(received[0]?.path).toBe('/v1/traces');
    expect(received[0]?.contentType).toMatch(/application\/(json|x-protobuf)/);
    expect(received[0]?.body).toContain('otlp-spec');
    expect(received[0]?.body).toContain('place order');
  });
});
