import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { trustedKeyToFile, generateSigningKey, EventSigner, KeyRing } from '#lumen/crypto';
import { EventConsumer, Outbox, OutboxRelay, silentLogger } from '#lumen/messaging';
import {
  BROKERS,
  countRows,
  createHarness,
  DATABASE_URL,
  expectEventually,
  readTopic,
  type Harness,
} from './messaging-harness';

/**
 * Real crashes: the relay and the consumer run in processes of their own and are killed
 * with SIGKILL in the middle of their work. Nothing committed may be lost; nothing may be
 * applied twice.
 */
const WORKER = join(__dirname, 'fixtures', 'messaging-worker.cjs');
const COMPILED = join(__dirname, '../../../dist/libs/messaging/src/index.js');

describe('crash recovery with SIGKILL (real PostgreSQL and Kafka)', () => {
  let h: Harness;
  const workers: ChildProcess[] = [];

  beforeAll(() => {
    if (!existsSync(COMPILED)) throw new Error('Run `npm run build` first (npm test does it)');
  });
  beforeEach(async () => (h = await createHarness()));
  afterEach(async () => {
    for (const worker of workers.splice(0)) worker.kill('SIGKILL');
    await h.close();
  });

  function startWorker(
    role: 'relay' | 'consumer',
    extra: Record<string, string> = {},
  ): Promise<ChildProcess> {
    const worker = fork(WORKER, [], {
      env: {
        ...process.env,
        KAFKA_BROKERS: BROKERS.join(','),
        DATABASE_URL,
        WORKER_ROLE: role,
        WORKER_SCHEMA: h.schema,
        WORKER_TOPIC: h.topic,
        ...extra,
      },
      execArgv: ['--disable-warning=TimeoutNegativeWarning'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    workers.push(worker);
    return new Promise((resolve, reject) => {
      worker.once('message', () => {
        resolve(worker);
      });
      worker.once('exit', (code) => {
        reject(new Error(`${role} worker exited with ${String(code)} before it was ready`));
      });
    });
  }

  async function writeEvents(outbox: Outbox<Harness['catalogue']>, count: number): Promise<void> {
    for (let i = 0; i < count; i += 50) {
      await h.dataSource.transaction(async (tx) => {
        for (let j = i; j < Math.min(i + 50, count); j += 1) {
          await outbox.add(tx, h.topic, `order-${j % 13}`, { sequence: j, note: 'n' });
        }
      });
    }
  }

  it('loses nothing when the relay process is killed between commit and publish', async () => {
    const outbox = new Outbox(h.catalogue, h.checkout.signer);
    await writeEvents(outbox, 1_500);
    const relay = await startWorker('relay');
    await expectEventually(
      async () =>
        (await countRows(
          h.dataSource,
          'SELECT count(*) FROM outbox WHERE published_at IS NOT NULL',
        )) >= 100,
      'the relay process publishing',
    );
    relay.kill('SIGKILL'); // mid-stream: some rows sent, maybe sent but not marked, most not sent
    const leftBehind = await countRows(
      h.dataSource,
      'SELECT count(*) FROM outbox WHERE published_at IS NULL',
    );
    expect(leftBehind).toBeGreaterThan(0);

    // The standby in this process takes the leader lock the dead one's connection held.
    const survivor = new OutboxRelay({
      databaseUrl: DATABASE_URL,
      schema: h.schema,
      broker: h.broker,
      logger: silentLogger,
    });
    survivor.start();
    await expectEventually(
      async () =>
        (await countRows(
          h.dataSource,
          'SELECT count(*) FROM outbox WHERE published_at IS NULL',
        )) === 0,
      'the survivor publishing the rest',
    );
    await survivor.stop();
    // A batch sent but not marked before the kill is sent again: read everything on the topic.
    const admin = h.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(h.topic);
    await admin.disconnect();
    const onTopic = offsets.reduce((sum, p) => sum + Number(p.high), 0);
    expect(onTopic).toBeGreaterThanOrEqual(1_500);
    const messages = await readTopic(h.kafka, h.topic, onTopic);
    const sequences = new Set(
      messages.map(
        (m) => (JSON.parse(String(m.value)) as { payload: { sequence: number } }).payload.sequence,
      ),
    );
    expect(sequences.size).toBe(1_500);
  });

  it('applies every event exactly once when the consumer process is killed mid-batch', async () => {
    const key = generateSigningKey('checkout');
    const outbox = new Outbox(h.catalogue, new EventSigner(key.signing));
    const group = `crash-${h.schema}`;
    const env = {
      WORKER_GROUP: group,
      WORKER_TRUSTED_KEY: JSON.stringify(trustedKeyToFile(key.trusted)),
    };
    await writeEvents(outbox, 1_500);
    const relay = new OutboxRelay({
      databaseUrl: DATABASE_URL,
      schema: h.schema,
      broker: h.broker,
      logger: silentLogger,
    });
    relay.start();

    const first = await startWorker('consumer', env);
    await expectEventually(
      async () => (await countRows(h.dataSource, 'SELECT count(*) FROM effects')) >= 200,
      'the consumer applying',
    );
    first.kill('SIGKILL');

    // A second consumer in the same group resumes from the last committed offsets; events
    // applied but not yet committed arrive again and the inbox drops them.
    const second = new EventConsumer({
      groupId: group,
      catalogue: h.catalogue,
      subscriptions: [
        {
          topic: h.topic,
          handle: async (event, tx) => {
            await tx.query(
              'INSERT INTO effects (event_id, message_key, sequence) VALUES ($1, $2, $3)',
              [event.id, event.key, (event.payload as { sequence: number }).sequence],
            );
          },
        },
      ],
      broker: h.broker,
      keyRing: new KeyRing([key.trusted]),
      dataSource: h.dataSource,
      logger: silentLogger,
    });
    await second.start();
    await expectEventually(
      async () =>
        (await countRows(h.dataSource, 'SELECT count(DISTINCT event_id) FROM effects')) === 1_500,
      'every event applied',
      60_000,
    );
    await second.stop();
    await relay.stop();
    expect(await countRows(h.dataSource, 'SELECT count(*) FROM effects')).toBe(1_500);
  });
});
