import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  DATABASE_URL,
  KAFKA_BROKERS,
  randomLetters,
  startHarness,
  type Harness,
} from './checkout-harness';

const ROOT = join(__dirname, '..', '..', '..');
const MAIN = join(ROOT, 'dist', 'apps', 'checkout', 'src', 'main.js');
const GROUP_MEMBER = join(__dirname, 'fixtures', 'group-member.cjs');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

interface Process {
  readonly child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function run(env: Record<string, string>): Process {
  let output = '';
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output: () => output, exited };
}

/** An order a storefront would place; `tag` makes its personal values findable in output. */
function orderFor(tag: string) {
  return {
    customer: {
      name: `Ada ${tag}`,
      email: `ada.${tag}@example.com`,
      phone: '+44 20 7946 0456',
    },
    deliveryAddress: {
      recipientName: `Ada ${tag}`,
      lines: [`${tag} House`],
      city: 'London',
      postcode: 'SW1Y 4JH',
      country: 'GB',
    },
    items: [{ sku: 'LAMP', quantity: 1, unitPriceMinor: 999, currency: 'GBP' }],
    payment: { gateway: 'simulator', cardToken: `tok_${tag}_once` },
    privacyPolicyVersion: '2026-11-25',
  };
}

/** Polls `probe` every 200 ms until it returns true; throws with `failure()` after `timeoutMs`. */
async function until(probe: () => Promise<boolean>, timeoutMs: number, failure: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(failure());
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Forks a member of `group` and resolves once it has joined. */
function joinedGroupMember(group: string): Promise<ChildProcess> {
  const member = fork(GROUP_MEMBER, [], {
    env: {
      ...process.env,
      KAFKA_BROKERS,
      MEMBER_GROUP: group,
      MEMBER_TOPIC: 'payment.payment.confirmed.v1',
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    member.once('message', () => {
      resolve(member);
    });
    member.once('exit', (code) => {
      reject(new Error(`the group member exited with ${String(code)} before joining`));
    });
  });
}

/**
 * The compiled service as `npm start` runs it (main.ts: telemetry first, then the app), with
 * spans printed by the console exporter: the one place the auto-instrumented HTTP and database
 * spans exist (jest's module loader bypasses the instrumentation's hooks). Everything the
 * process prints, logs and spans together, is searched for the values it was sent.
 */
describe('the checkout process (compiled, real PostgreSQL, Kafka and key service)', () => {
  let h: Harness;

  beforeAll(async () => {
    // `npm test` builds first; a stale build would test yesterday's code, so refuse one.
    const newestSource = Math.max(
      ...[join(ROOT, 'apps', 'checkout', 'src'), join(ROOT, 'libs')].flatMap((dir) =>
        readdirSync(dir, { recursive: true, withFileTypes: true })
          .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
          .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs),
      ),
    );
    if (!existsSync(MAIN) || statSync(MAIN).mtimeMs < newestSource) {
      throw new Error(
        'dist/ is missing or older than the sources: run `npm run build` first (npm test does it)',
      );
    }
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const baseEnv = () => ({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    DATABASE_URL,
    DATABASE_SCHEMA: h.config.databaseSchema,
    KAFKA_BROKERS,
    LUMEN_KEYS_DIR: h.keysDir,
    KEY_SERVICE_URL: h.config.keyServiceUrl,
    CHECKOUT_INDEX_SECRET: randomBytes(32).toString('base64'),
    CHECKOUT_CONSUMER_GROUP: `checkout-process-${randomLetters()}`,
  });

  it('starts telemetry first and traces requests without a card number or a personal value in any span', async () => {
    const port = await freePort();
    const service = run({
      ...baseEnv(),
      PORT: String(port),
      LOG_LEVEL: 'debug',
      OTEL_TRACES_EXPORTER: 'console',
    });
    const url = `http://127.0.0.1:${port}`;
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const up = await fetch(`${url}/openapi.json`).then(
          (response) => response.ok,
          () => false,
        );
        if (up) break;
        if (Date.now() > deadline) throw new Error(`checkout did not start:\n${service.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const tag = randomLetters(8);
      const pan = '5555 5555 5555 4444';
      const order = orderFor(tag);
      const post = (body: unknown) =>
        fetch(`${url}/orders?ref=${encodeURIComponent(pan)}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${h.apiKeys.a}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      expect((await post({ ...order, payment: { ...order.payment, cardToken: pan } })).status).toBe(
        422,
      );
      expect((await post({ ...order, note: { card: pan } })).status).toBe(422);
      const placed = await post(order);
      expect(placed.status).toBe(202);
      const { orderId } = (await placed.json()) as { orderId: string };
      const read = await fetch(`${url}/orders/${orderId}`, {
        headers: { 'x-api-key': h.apiKeys.a },
      });
      expect(read.status).toBe(200);
    } finally {
      // SIGTERM: the app closes, then telemetry flushes the last spans.
      service.child.kill('SIGTERM');
      const timer = setTimeout(() => service.child.kill('SIGKILL'), 15_000);
      await service.exited;
      clearTimeout(timer);
    }
    const output = service.output();
    // The spans are there: the console exporter printed the HTTP server spans of the requests.
    expect(output).toMatch(/traceId/);
    expect(output).toContain("'url.path': '/orders'");
    expect(output).toContain("'http.response.status_code': 422");
    expect(output).toContain("'http.response.status_code': 202");
    expect(output).toContain("name: 'pg.query:INSERT lumen'");
    expect(output).toContain('checkout listening');
    for (const value of ['5555 5555 5555 4444', '5555555555554444', '5555-5555']) {
      expect(output).not.toContain(value);
    }
    for (const value of ['@example.com', 'House', 'tok_', 'Ada ']) {
      expect(output).not.toContain(value);
    }
  }, 120_000);

  it('takes orders before its consumer has joined its group, and says so in /health/ready', async () => {
    const env = baseEnv();
    // A member that stops answering is, to the broker, what a SIGKILLed checkout is until its
    // session ends (five minutes for this one): the group cannot take checkout in meanwhile.
    const member = await joinedGroupMember(env.CHECKOUT_CONSUMER_GROUP);
    member.kill('SIGSTOP');
    const port = await freePort();
    const service = run({ ...env, PORT: String(port), OTEL_TRACES_EXPORTER: 'none' });
    const url = `http://127.0.0.1:${String(port)}`;
    const readiness = async () => {
      const response = await fetch(`${url}/health/ready`);
      const body = (await response.json()) as { dependencies: { name: string; ok: boolean }[] };
      return { status: response.status, body };
    };
    try {
      await until(
        () =>
          fetch(`${url}/health/live`).then(
            (r) => r.ok,
            () => false,
          ),
        60_000,
        () => `checkout did not answer /health/live:\n${service.output()}`,
      );
      const waiting = await readiness();
      expect(waiting.status).toBe(503);
      expect(waiting.body.dependencies).toContainEqual(
        expect.objectContaining({ name: 'consumer-group', ok: false }),
      );

      const placed = await fetch(`${url}/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.apiKeys.a}`, 'content-type': 'application/json' },
        body: JSON.stringify(orderFor(randomLetters(8))),
      });
      expect(placed.status).toBe(202);

      // The member answers again: the rebalance completes with checkout in the group.
      member.kill('SIGCONT');
      await until(
        async () => (await readiness()).status === 200,
        120_000,
        () => `checkout never became ready:\n${service.output()}`,
      );
      expect((await readiness()).body.dependencies).toContainEqual(
        expect.objectContaining({ name: 'consumer-group', ok: true }),
      );
    } finally {
      member.kill('SIGCONT');
      member.kill('SIGTERM'); // it leaves the group
      service.child.kill('SIGTERM');
      const timer = setTimeout(() => service.child.kill('SIGKILL'), 15_000);
      await service.exited;
      clearTimeout(timer);
    }
  }, 240_000);

  it('refuses to start on a bad configuration, naming the variable and not its value', async () => {
    const secret = 'too-short-secret';
    const service = run({
      ...baseEnv(),
      PORT: String(await freePort()),
      CHECKOUT_INDEX_SECRET: secret,
      OTEL_TRACES_EXPORTER: 'none',
    });
    expect(await service.exited).toBe(1);
    expect(service.output()).toContain('CHECKOUT_INDEX_SECRET');
    expect(service.output()).not.toContain(secret);
  });

  it('stops with one clear line when its signing key is missing', async () => {
    const service = run({
      ...baseEnv(),
      PORT: String(await freePort()),
      LUMEN_KEYS_DIR: join(h.keysDir, 'missing'),
      OTEL_TRACES_EXPORTER: 'none',
    });
    expect(await service.exited).toBe(1);
    const fatal = service
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg?: string; err?: { message: string } })
      .filter((line) => line.level === 60);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]!.msg).toBe('checkout could not start');
    expect(fatal[0]!.err?.message).toMatch(
      /^No signing key for checkout in .*: run `npm run setup` first\.$/,
    );
  });
});
