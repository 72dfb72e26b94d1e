import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { AssignerProtocol, Kafka, logLevel, type Admin } from 'kafkajs';
import { findRoot } from '../../scripts/pipeline/start-pipeline';
import { FINAL_STATUSES, StorefrontClient } from '../../scripts/pipeline/storefront-client';
import { sampleOrder } from '../../scripts/driver/sample-orders';

/**
 * Scaling out: two instances of each consumer service (checkout, payment, fulfilment) run
 * against the local broker, as two pods of each would in a cluster. The broker splits each
 * consumer group's partitions between the two; this shows that both instances took work and
 * that no event was applied twice, by evidence outside the services' own tables: the
 * gateway's charge journal, the carrier's shipment book and the events on Kafka.
 *
 * Run under `flock /tmp/lumen-pipeline.lock` (it uses the shared consumer groups).
 */
const ROOT = findRoot();
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const ORDERS = 30;
// The carrier simulator's control endpoints need a bearer token; this run sets its own.
const CARRIER_CONTROL_TOKEN = `scale-out-${randomBytes(24).toString('hex')}`;
const SCALED = ['checkout', 'payment', 'fulfilment'] as const;
type Scaled = (typeof SCALED)[number];
// Each service's consumer group (its default) and the topic whose partitions show its share.
const GROUP: Record<Scaled, { group: string; topic: string }> = {
  checkout: { group: 'checkout', topic: 'payment.payment.confirmed.v1' },
  payment: { group: 'payment', topic: 'checkout.order.placed.v1' },
  fulfilment: { group: 'fulfilment', topic: 'checkout.order.placed.v1' },
};

interface Instance {
  readonly app: string;
  readonly port: number;
  readonly child: ChildProcess;
  output: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function runToEnd(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${args.join(' ')} exited ${String(code)}:\n${output.slice(-3_000)}`));
    });
  });
}

/** Partitions assigned to each member of a group: memberId → partitions of `topic`. */
async function assignments(admin: Admin, group: string, topic: string) {
  const { groups } = await admin.describeGroups([group]);
  const described = groups[0];
  if (described?.state !== 'Stable') return undefined;
  return new Map(
    described.members.map((member) => {
      const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
      return [member.memberId, [...(decoded?.assignment[topic] ?? [])].sort((a, b) => a - b)];
    }),
  );
}

async function committedOffsets(admin: Admin, group: string, topic: string) {
  const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return new Map(
    (offsets?.partitions ?? []).map((p) => [p.partition, Math.max(0, Number(p.offset))]),
  );
}

async function endOffsets(admin: Admin, topic: string) {
  return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
}

/** Every event on `topic` between two snapshots of its end offsets: orderId per event. */
async function orderIdsOn(
  kafka: Kafka,
  topic: string,
  from: Map<number, number>,
  to: Map<number, number>,
): Promise<string[]> {
  const expected = [...to].reduce((n, [p, high]) => n + high - (from.get(p) ?? 0), 0);
  const orderIds: string[] = [];
  if (expected === 0) return orderIds;
  const consumer = kafka.consumer({ groupId: `scale-out-reader-${process.pid}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  let seen = 0;
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: ({ partition, message }) => {
        const offset = Number(message.offset);
        if (offset >= (from.get(partition) ?? 0) && offset < (to.get(partition) ?? 0)) {
          const envelope = JSON.parse(message.value?.toString() ?? '{}') as {
            payload?: { orderId?: string };
          };
          orderIds.push(envelope.payload?.orderId ?? '');
          seen += 1;
          if (seen === expected) resolve();
        }
        return Promise.resolve();
      },
    });
  });
  for (const [partition, offset] of from) {
    consumer.seek({ topic, partition, offset: String(offset) });
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      done,
      new Promise((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`read ${String(seen)} of ${String(expected)} on ${topic}`));
        }, 60_000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
  await consumer.disconnect();
  return orderIds;
}

const countOf = (ids: readonly string[], id: string) => ids.filter((x) => x === id).length;

describe('scaling out: two instances of each consumer service', () => {
  const instances: Instance[] = [];
  const kafka = new Kafka({
    clientId: 'scale-out-e2e',
    brokers: BROKERS,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  let ports: Record<string, number> = {};
  let storefronts: StorefrontClient[] = [];

  function start(app: string, port: number, extraEnv: Record<string, string> = {}): Instance {
    const portEnv = Object.fromEntries(
      Object.entries(ports).map(([name, p]) => [
        `LUMEN_${name.toUpperCase().replaceAll('-', '_')}_PORT`,
        String(p),
      ]),
    );
    const child = spawn(
      process.execPath,
      [
        '--disable-warning=TimeoutNegativeWarning',
        join(ROOT, 'dist', 'apps', app, 'src', 'main.js'),
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          ...portEnv,
          PORT: String(port),
          OTEL_TRACES_EXPORTER: 'none',
          LOG_LEVEL: 'warn',
          ...extraEnv,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const instance: Instance = { app, port, child, output: '' };
    child.stdout.on('data', (d: Buffer) => (instance.output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (instance.output += d.toString()));
    instances.push(instance);
    return instance;
  }

  async function waitListening(instance: Instance): Promise<void> {
    await eventually(`${instance.app} on ${instance.port}`, async () => {
      if (instance.child.exitCode !== null) {
        throw new Error(`${instance.app} exited:\n${instance.output.slice(-3_000)}`);
      }
      return (await listening(instance.port)) ? true : undefined;
    });
  }

  beforeAll(async () => {
    // The build and the provisioning `npm start` runs first (database, keys, topics).
    await runToEnd(process.execPath, [join(ROOT, 'scripts', 'lumen.mjs'), 'setup'], {
      ...process.env,
      LUMEN_DEPS_CHECKED: '1',
    });
    const names = ['privacy', 'gateway-simulator', 'carrier-simulator', 'checkout', 'fulfilment'];
    ports = Object.fromEntries(
      await Promise.all(names.map(async (n) => [n, await freePort()] as const)),
    );
    const outside = ['privacy', 'gateway-simulator', 'carrier-simulator'].map((app) =>
      start(app, ports[app]!, {
        CARRIER_DISPATCH_DELAY_MS: '200',
        CARRIER_DELIVERY_DELAY_MS: '200',
        CARRIER_SIMULATOR_CONTROL_TOKEN: CARRIER_CONTROL_TOKEN,
      }),
    );
    await Promise.all(outside.map(waitListening));
    const scaled: Instance[] = [];
    for (const app of SCALED) {
      // The first instance of checkout and fulfilment takes the port the others were told.
      const first = ports[app] ?? (await freePort());
      scaled.push(start(app, first), start(app, await freePort()));
    }
    await Promise.all(scaled.map(waitListening));
    await admin.connect();
    for (const app of SCALED) {
      const { group, topic } = GROUP[app];
      await eventually(`${group} to settle with two members`, async () => {
        const members = await assignments(admin, group, topic);
        return members?.size === 2 ? members : undefined;
      });
    }
    const key = StorefrontClient.devKey(ROOT);
    const gateway = `http://127.0.0.1:${String(ports['gateway-simulator'])}`;
    storefronts = instances
      .filter((i) => i.app === 'checkout')
      .map((i) => new StorefrontClient(`http://127.0.0.1:${String(i.port)}`, gateway, key));
  });

  afterAll(async () => {
    await admin.disconnect();
    await Promise.all(
      instances.map(
        (instance) =>
          new Promise<void>((resolve) => {
            if (instance.child.exitCode !== null) {
              resolve();
              return;
            }
            instance.child.once('exit', () => {
              resolve();
            });
            instance.child.kill('SIGTERM');
            setTimeout(() => instance.child.kill('SIGKILL'), 15_000).unref();
          }),
      ),
    );
  });

  it('shares the work by partition and applies every event once', async () => {
    // Who holds which partitions, and where each group stood, before the orders.
    const before = new Map<
      Scaled,
      { members: Map<string, number[]>; offsets: Map<number, number> }
    >();
    for (const app of SCALED) {
      const { group, topic } = GROUP[app];
      const members = (await assignments(admin, group, topic))!;
      // Two members, disjoint, together covering every partition of the topic.
      const all = [...members.values()].flat().sort((a, b) => a - b);
      const partitionCount = (await admin.fetchTopicOffsets(topic)).length;
      expect({ app, partitions: all }).toEqual({
        app,
        partitions: Array.from({ length: partitionCount }, (_, p) => p),
      });
      for (const owned of members.values()) expect(owned.length).toBeGreaterThan(0);
      before.set(app, { members, offsets: await committedOffsets(admin, group, topic) });
    }
    const confirmedBefore = await endOffsets(admin, 'payment.payment.confirmed.v1');
    const createdBefore = await endOffsets(admin, 'fulfilment.shipment.created.v1');

    // Orders with random ids land on every partition; half go to each checkout instance.
    const policy = await storefronts[0]!.policyVersion();
    const orderIds: string[] = [];
    for (let i = 0; i < ORDERS; i += 1) {
      const storefront = storefronts[i % 2]!;
      const token = await storefront.cardToken('approved');
      const posted = await storefront.placeOrder(sampleOrder(i, token, policy, 'simulator'));
      expect(posted.status).toBe(202);
      orderIds.push(posted.orderId!);
    }
    for (const orderId of orderIds) {
      const status = await storefronts[1]!.waitForStatus(orderId, ['delivered'], 120_000);
      expect({ orderId, status: status.status }).toEqual({ orderId, status: 'delivered' });
      expect(FINAL_STATUSES.has(status.status)).toBe(true);
    }

    // Each instance of each service committed progress on its own partitions.
    for (const app of SCALED) {
      const { group, topic } = GROUP[app];
      const { members, offsets } = before.get(app)!;
      const after = await committedOffsets(admin, group, topic);
      // The same two members throughout, so progress on a partition is its owner's work.
      expect(await assignments(admin, group, topic)).toEqual(members);
      const work = [...members.values()].map((owned) =>
        owned.reduce((n, p) => n + (after.get(p) ?? 0) - (offsets.get(p) ?? 0), 0),
      );
      // The figures behind the claim, for whoever reads the run.
      console.log(`${app}: events applied per instance on ${topic}: ${work.join(' + ')}`);
      expect({ app, eachInstanceWorked: work.every((n) => n > 0) }).toEqual({
        app,
        eachInstanceWorked: true,
      });
      expect(work.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(ORDERS);
    }

    // Once each: one charge at the gateway, one shipment at the carrier, one event of each.
    const gateway = `http://127.0.0.1:${String(ports['gateway-simulator'])}`;
    const operatorToken = readFileSync(
      join(ROOT, '.lumen', 'gateway', 'operator-token'),
      'utf8',
    ).trim();
    const carrier = `http://127.0.0.1:${String(ports['carrier-simulator'])}`;
    const book = await fetch(`${carrier}/_test/shipments`, {
      headers: { authorization: `Bearer ${CARRIER_CONTROL_TOKEN}` },
    });
    expect(book.status).toBe(200);
    const { shipments } = (await book.json()) as { shipments: { shipmentReference: string }[] };
    const confirmed = await orderIdsOn(
      kafka,
      'payment.payment.confirmed.v1',
      confirmedBefore,
      await endOffsets(admin, 'payment.payment.confirmed.v1'),
    );
    const created = await orderIdsOn(
      kafka,
      'fulfilment.shipment.created.v1',
      createdBefore,
      await endOffsets(admin, 'fulfilment.shipment.created.v1'),
    );
    expect(shipments.length).toBe(ORDERS);
    expect(new Set(shipments.map((s) => s.shipmentReference)).size).toBe(ORDERS);
    for (const orderId of orderIds) {
      const journal = (await (
        await fetch(`${gateway}/test/journal?merchantReference=${orderId}`, {
          headers: { authorization: `Bearer ${operatorToken}` },
        })
      ).json()) as { charges: number };
      expect({ orderId, charges: journal.charges }).toEqual({ orderId, charges: 1 });
      expect({ orderId, confirmed: countOf(confirmed, orderId) }).toEqual({
        orderId,
        confirmed: 1,
      });
      expect({ orderId, created: countOf(created, orderId) }).toEqual({ orderId, created: 1 });
    }
  });
});
