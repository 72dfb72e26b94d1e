import { Global, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource, type EntityManager } from 'typeorm';
import {
  HandleEvent,
  MessagingModule,
  Outbox,
  silentLogger,
  type ReceivedEvent,
} from '#lumen/messaging';
import {
  BROKERS,
  countRows,
  createHarness,
  DATABASE_URL,
  expectEventually,
  testCatalogue,
  type Harness,
  type OrderEvent,
} from './messaging-harness';

/**
 * The way a service uses the library: an ordinary Nest provider with a `@HandleEvent`
 * method, and a use case that writes its state change and its event in one transaction.
 */
describe('MessagingModule in a Nest app (real PostgreSQL and Kafka)', () => {
  let h: Harness;
  beforeEach(async () => (h = await createHarness()));
  afterEach(() => h.close());

  it('publishes through the outbox and delivers to @HandleEvent methods', async () => {
    const topic = h.topic;

    @Injectable()
    class PlaceOrder {
      constructor(
        private readonly dataSource: DataSource,
        private readonly outbox: Outbox<ReturnType<typeof testCatalogue>>,
      ) {}
      execute(sequence: number): Promise<unknown> {
        return this.dataSource.transaction((tx) =>
          this.outbox.add(tx, topic, `order-${sequence}`, { sequence, note: 'placed' }),
        );
      }
    }

    @Injectable()
    class OrderProjection {
      @HandleEvent(topic)
      async onPlaced(event: ReceivedEvent<OrderEvent>, tx: EntityManager): Promise<void> {
        await tx.query(
          'INSERT INTO effects (event_id, message_key, sequence) VALUES ($1, $2, $3)',
          [event.id, event.key, event.payload.sequence],
        );
      }
    }

    // Stands in for TypeOrmModule, whose DataSource is global in a real app.
    @Global()
    @Module({ providers: [{ provide: DataSource, useValue: h.dataSource }], exports: [DataSource] })
    class DatabaseModule {}

    @Module({
      imports: [
        DatabaseModule,
        MessagingModule.forRootAsync({
          useFactory: () => ({
            catalogue: h.catalogue,
            brokers: BROKERS,
            groupId: `nest-${h.schema}`,
            signer: h.checkout.signer,
            keyRing: h.keyRing,
            databaseUrl: DATABASE_URL,
            schema: h.schema,
            logger: silentLogger,
          }),
        }),
      ],
      providers: [PlaceOrder, OrderProjection],
    })
    class TestAppModule {}

    const app = await Test.createTestingModule({ imports: [TestAppModule] }).compile();
    app.useLogger(false);
    await app.init();
    try {
      const placeOrder = app.get(PlaceOrder);
      for (let i = 1; i <= 5; i += 1) await placeOrder.execute(i);
      await expectEventually(
        async () => (await countRows(h.dataSource, 'SELECT count(*) FROM effects')) === 5,
        'five events handled',
      );
    } finally {
      await app.close();
    }
    expect(
      await countRows(h.dataSource, 'SELECT count(*) FROM outbox WHERE published_at IS NULL'),
    ).toBe(0);
  });
});
