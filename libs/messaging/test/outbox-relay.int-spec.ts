import { Outbox, OutboxRelay, silentLogger } from '#lumen/messaging';
import {
  countRows,
  createHarness,
  DATABASE_URL,
  expectEventually,
  readTopic,
  type Harness,
} from './messaging-harness';

describe('outbox relay (real PostgreSQL and Kafka)', () => {
  let h: Harness;
  let outbox: Outbox<Harness['catalogue']>;
  beforeEach(async () => {
    h = await createHarness();
    outbox = new Outbox(h.catalogue, h.checkout.signer);
  });
  afterEach(() => h.close());

  const relay = (batchSize = 50) =>
    new OutboxRelay({
      databaseUrl: DATABASE_URL,
      schema: h.schema,
      broker: h.broker,
      logger: silentLogger,
      batchSize,
      pollIntervalMs: 200,
      standbyRetryMs: 100,
    });

  async function write(count: number, keys: number, from = 0): Promise<void> {
    for (let i = from; i < from + count; i += 1) {
      await h.dataSource.transaction((tx) =>
        outbox.add(tx, h.topic, `order-${i % keys}`, { sequence: i, note: 'n' }),
      );
    }
  }

  it('publishes nothing from a rolled-back transaction', async () => {
    await expect(
      h.dataSource.transaction(async (tx) => {
        await outbox.add(tx, h.topic, 'order-1', { sequence: 1, note: 'n' });
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(await countRows(h.dataSource, 'SELECT count(*) FROM outbox')).toBe(0);
  });

  it('refuses to publish outside a transaction or to a topic the service does not own', async () => {
    await expect(
      outbox.add(h.dataSource.manager, h.topic, 'k', { sequence: 1, note: 'n' }),
    ).rejects.toThrow(/inside the transaction/);
    const foreign = new Outbox(h.catalogue, h.payment.signer);
    await expect(
      h.dataSource.transaction((tx) => foreign.add(tx, h.topic, 'k', { sequence: 1, note: 'n' })),
    ).rejects.toThrow(/may not publish/);
  });

  it('loses nothing when the process dies between commit and publish', async () => {
    // Committed while no relay runs: exactly the state a crash right after COMMIT leaves.
    await write(120, 7);
    expect(
      await countRows(h.dataSource, 'SELECT count(*) FROM outbox WHERE published_at IS NULL'),
    ).toBe(120);

    const r = relay();
    r.start();
    const messages = await readTopic(h.kafka, h.topic, 120);
    await r.stop();
    const sequences = messages.map(
      (m) =>
        (JSON.parse(m.value!.toString()) as { payload: { sequence: number } }).payload.sequence,
    );
    expect(new Set(sequences).size).toBe(120);
    await expectEventually(
      async () =>
        (await countRows(
          h.dataSource,
          'SELECT count(*) FROM outbox WHERE published_at IS NULL',
        )) === 0,
      'every row marked published',
    );
  });

  it('lets one relay lead; concurrent relays publish each row once, in order per key', async () => {
    const relays = [relay(20), relay(20), relay(20)];
    for (const r of relays) r.start();
    const writing = write(300, 10);
    // Stop the leader part-way through: a standby must take over without repeating a row.
    await expectEventually(() => Promise.resolve(relays.some((r) => r.isLeader)), 'a relay leads');
    await expectEventually(
      async () =>
        (await countRows(
          h.dataSource,
          'SELECT count(*) FROM outbox WHERE published_at IS NOT NULL',
        )) > 50,
      'some rows published',
    );
    expect(relays.filter((r) => r.isLeader)).toHaveLength(1);
    await relays.find((r) => r.isLeader)!.stop();
    await writing;

    const messages = await readTopic(h.kafka, h.topic, 300);
    await Promise.all(relays.map((r) => r.stop()));
    const events = messages.map(
      (m) =>
        JSON.parse(m.value!.toString()) as {
          id: string;
          key: string;
          payload: { sequence: number };
        },
    );
    expect(new Set(events.map((e) => e.id)).size).toBe(300);
    expect(events).toHaveLength(300);
    const byKey = new Map<string, number[]>();
    for (const event of events)
      byKey.set(event.key, [...(byKey.get(event.key) ?? []), event.payload.sequence]);
    for (const sequences of byKey.values())
      expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
  });

  it('deletes published rows after their retention', async () => {
    await write(5, 1);
    const r = new OutboxRelay({
      databaseUrl: DATABASE_URL,
      schema: h.schema,
      broker: h.broker,
      logger: silentLogger,
      publishedRetentionMs: 0,
      pollIntervalMs: 100,
    });
    r.start();
    await expectEventually(
      async () => (await countRows(h.dataSource, 'SELECT count(*) FROM outbox')) === 0,
      'published rows deleted',
    );
    await r.stop();
  });
});
