import { Global, Injectable, Module, type NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  defineCounter,
  kafkaCheck,
  MetricsModule,
  postgresCheck,
  redisCheck,
  type DependencyCheck,
} from '#lumen/metrics';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/lumen';
const KAFKA_BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
// Nothing listens on port 1 of this machine: a dependency that is down.
const DOWN_PORT = 1;

/** State only the app knows, as a provider: whether its consumer has joined its group, say. */
@Injectable()
class JoinedCheck implements DependencyCheck {
  readonly name = 'joined';
  joined = false;
  check(): Promise<void> {
    return this.joined ? Promise.resolve() : Promise.reject(new Error('not joined yet'));
  }
}

// Elsewhere in the app, as MessagingModule provides ConsumerReadinessCheck.
@Global()
@Module({ providers: [JoinedCheck], exports: [JoinedCheck] })
class JoinedModule {}

async function serve(
  readinessChecks: DependencyCheck[],
  withJoinedCheck = false,
): Promise<NestFastifyApplication> {
  @Module({
    imports: [
      ...(withJoinedCheck ? [JoinedModule] : []),
      MetricsModule.forRoot({
        service: 'health-spec',
        readinessChecks,
        ...(withJoinedCheck && { readinessCheckProviders: [JoinedCheck] }),
      }),
    ],
  })
  class HealthSpecModule {}
  // Nest declares its options as a class but documents and reads plain objects.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const options: NestApplicationOptions = { logger: false };
  const app = await NestFactory.create<NestFastifyApplication>(
    HealthSpecModule,
    new FastifyAdapter(),
    options,
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app;
}

interface ReadyBody {
  service: string;
  ready: boolean;
  dependencies: { name: string; ok: boolean; error?: string }[];
}

/** The health and metrics endpoints against the real PostgreSQL, Kafka and Redis. */
describe('MetricsModule endpoints', () => {
  it('is live and ready when PostgreSQL, Kafka and Redis answer', async () => {
    const app = await serve([
      postgresCheck(DATABASE_URL),
      kafkaCheck(KAFKA_BROKERS),
      redisCheck(REDIS_URL),
    ]);
    try {
      const url = await app.getUrl();
      const live = await fetch(`${url}/health/live`);
      expect(live.status).toBe(200);
      expect(await live.json()).toEqual({ status: 'live', service: 'health-spec' });

      const ready = await fetch(`${url}/health/ready`);
      const body = (await ready.json()) as ReadyBody;
      expect({ status: ready.status, body }).toMatchObject({
        status: 200,
        body: {
          ready: true,
          dependencies: [
            { name: 'postgres', ok: true },
            { name: 'kafka', ok: true },
            { name: 'redis', ok: true },
          ],
        },
      });
    } finally {
      await app.close();
    }
  });

  it('answers 503 naming each dependency that is down, within the timeout', async () => {
    const app = await serve([
      postgresCheck(`postgres://postgres:secret-pw@127.0.0.1:${DOWN_PORT}/lumen`, 1_000),
      kafkaCheck([`127.0.0.1:${DOWN_PORT}`], 1_000),
      redisCheck(`redis://127.0.0.1:${DOWN_PORT}`, 1_000),
    ]);
    try {
      const started = Date.now();
      const ready = await fetch(`${await app.getUrl()}/health/ready`);
      expect(Date.now() - started).toBeLessThan(5_000);
      const text = await ready.text();
      expect(ready.status).toBe(503);
      expect(text).not.toContain('secret-pw');
      const body = JSON.parse(text) as ReadyBody;
      expect(body.ready).toBe(false);
      expect(body.dependencies.map((d) => [d.name, d.ok])).toEqual([
        ['postgres', false],
        ['kafka', false],
        ['redis', false],
      ]);
      for (const dependency of body.dependencies) expect(dependency.error).toBeTruthy();
    } finally {
      await app.close();
    }
  });

  it('runs the checks the app provides after the dependencies, and follows their state', async () => {
    const app = await serve([postgresCheck(DATABASE_URL)], true);
    try {
      const ready = async () => {
        const response = await fetch(`${await app.getUrl()}/health/ready`);
        return { status: response.status, body: (await response.json()) as ReadyBody };
      };
      expect(await ready()).toMatchObject({
        status: 503,
        body: {
          ready: false,
          dependencies: [
            { name: 'postgres', ok: true },
            { name: 'joined', ok: false, error: 'Error: not joined yet' },
          ],
        },
      });
      app.get(JoinedCheck).joined = true;
      // One round of checks answers every probe for a second (ReadinessProbe): poll until the
      // new state shows, as an orchestrator's probe would.
      let answer = await ready();
      for (let tries = 0; answer.status !== 200 && tries < 30; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        answer = await ready();
      }
      expect(answer).toMatchObject({
        status: 200,
        body: { ready: true, dependencies: [{ name: 'postgres' }, { name: 'joined', ok: true }] },
      });
    } finally {
      await app.close();
    }
  });

  it('serves the registry in Prometheus text format, with process metrics and the service label', async () => {
    const app = await serve([]);
    try {
      defineCounter({ name: 'lumen_health_spec_total', help: 'spec' }).inc();
      const response = await fetch(`${await app.getUrl()}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(text).toContain('# TYPE lumen_health_spec_total counter');
      expect(text).toContain('lumen_health_spec_total{service="health-spec"} 1');
      expect(text).toMatch(/^lumen_process_cpu_seconds_total\{service="health-spec"\} /m);
      expect(await (await fetch(`${await app.getUrl()}/health/ready`)).json()).toMatchObject({
        ready: true,
        dependencies: [],
      });
    } finally {
      await app.close();
    }
  });
});
