import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource, migrate } from '#lumen/database';
import { PRIVACY_MIGRATIONS } from '../src/database/privacy-migrations';
import { TypeOrmSubjectRightsRepository } from '../src/subject-rights/infrastructure/type-orm-subject-rights.repository';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/lumen';
const DAY_MS = 86_400_000;

/**
 * The subject-rights repository's retention deletes against the real migrations: what the daily
 * RetentionJob counts is what PostgreSQL removed.
 */
describe('subject-rights retention (real PostgreSQL)', () => {
  const schema = `privret_${randomBytes(6).toString('hex')}`;
  let dataSource: DataSource;
  let repository: TypeOrmSubjectRightsRepository;

  beforeAll(async () => {
    dataSource = createDataSource({
      url: DATABASE_URL,
      schema,
      applicationName: 'subject-rights-retention-test',
      migrations: [...PRIVACY_MIGRATIONS],
    });
    await dataSource.initialize();
    await migrate(dataSource);
    repository = new TypeOrmSubjectRightsRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await dataSource.destroy();
  });

  async function customerWithOrders(placedAt: Date[]): Promise<string> {
    const customerId = randomUUID();
    const orderIds = placedAt.map(() => randomUUID());
    const newest = Math.max(...placedAt.map((at) => at.getTime()));
    await dataSource.query(
      `INSERT INTO customer_directory (customer_id, sealed_email, email_order_id, email_placed_at)
       VALUES ($1, 'sealed', $2, $3)`,
      [customerId, orderIds[placedAt.findIndex((at) => at.getTime() === newest)], new Date(newest)],
    );
    for (const [i, at] of placedAt.entries()) {
      await dataSource.query(
        `INSERT INTO customer_orders (order_id, customer_id, placed_at, policy_version)
         VALUES ($1, $2, $3, '1')`,
        [orderIds[i], customerId, at],
      );
    }
    return customerId;
  }

  const ordersOf = async (customerId: string): Promise<number> => {
    const [row] = await dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM customer_orders WHERE customer_id = $1`,
      [customerId],
    );
    return row?.n ?? -1;
  };
  const inDirectory = async (customerId: string): Promise<boolean> => {
    const rows = await dataSource.query<unknown[]>(
      `SELECT 1 FROM customer_directory WHERE customer_id = $1`,
      [customerId],
    );
    return rows.length === 1;
  };

  it('deletes the directory entry and the order list of customers past the period, and counts them', async () => {
    const now = Date.now();
    const cutoff = new Date(now - 30 * DAY_MS);
    const old = (days: number) => new Date(now - days * DAY_MS);
    // Three customers past the period (three, so a count stuck at the driver's pair's length
    // cannot pass), one still active through a recent order, one with only recent orders.
    const stale = [
      await customerWithOrders([old(400), old(200)]),
      await customerWithOrders([old(90)]),
      await customerWithOrders([old(45), old(40), old(31)]),
    ];
    const activeAgain = await customerWithOrders([old(300), old(2)]);
    const recent = await customerWithOrders([old(1)]);

    expect(await repository.deleteCustomersWithoutOrdersSince(cutoff)).toBe(3);

    for (const customerId of stale) {
      expect(await inDirectory(customerId)).toBe(false);
      expect(await ordersOf(customerId)).toBe(0);
    }
    expect(await inDirectory(activeAgain)).toBe(true);
    expect(await ordersOf(activeAgain)).toBe(2);
    expect(await inDirectory(recent)).toBe(true);
    expect(await ordersOf(recent)).toBe(1);

    // A second run the same day finds nothing more to delete.
    expect(await repository.deleteCustomersWithoutOrdersSince(cutoff)).toBe(0);
  });
});
