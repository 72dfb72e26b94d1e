import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource, migrate } from '#lumen/database';
import { PRIVACY_MIGRATIONS } from '../src/database/privacy-migrations';
import { PrivacyFiguresReading } from '../src/metrics/privacy-figures.reading';
import { privacyMetrics } from '../src/metrics/privacy.metrics';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/lumen';

async function valueOf(
  metric: { get(): Promise<{ values: { value: number; labels: Record<string, unknown> }[] }> },
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const { values } = await metric.get();
  return values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value;
}

/**
 * Privacy's periodic figures against the real migrations: live data keys by purpose, and the
 * deadlines of the privacy requests kept in `subject_requests`.
 */
describe('privacy figures (real PostgreSQL)', () => {
  const schema = `privfig_${[...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('')}`;
  let dataSource: DataSource;
  let reading: PrivacyFiguresReading;

  beforeAll(async () => {
    dataSource = createDataSource({
      url: DATABASE_URL,
      schema,
      applicationName: 'privacy-figures-test',
      migrations: [...PRIVACY_MIGRATIONS],
    });
    await dataSource.initialize();
    await migrate(dataSource);
    reading = new PrivacyFiguresReading(dataSource);
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await dataSource.destroy();
  });

  it('counts open and overdue requests by kind and the time to the nearest deadline', async () => {
    const add = (kind: string, status: string, dueInDays: number) =>
      dataSource.query(
        `INSERT INTO subject_requests
           (request_id, kind, customer_id, received_at, status, code_expires_at, code_sent, due_on)
         VALUES ($1, $2, 'c', now(), $3, now(), false, (now() AT TIME ZONE 'UTC')::date + $4::int)`,
        [randomUUID(), kind, status, dueInDays],
      );
    await add('access', 'gathering', 20);
    await add('access', 'gathering', -2); // overdue
    await add('access', 'completed', -40); // answered: not open, not overdue
    await add('access', 'awaiting-identity', -5); // the clock waits for identity
    await add('erasure', 'erasing', 3);

    await reading.read();

    expect(await valueOf(privacyMetrics.privacyRequestTracking)).toBe(1);
    expect(await valueOf(privacyMetrics.privacyRequestsOpen, { kind: 'access' })).toBe(2);
    expect(await valueOf(privacyMetrics.privacyRequestsOverdue, { kind: 'access' })).toBe(1);
    expect(await valueOf(privacyMetrics.privacyRequestsOpen, { kind: 'erasure' })).toBe(1);
    expect(await valueOf(privacyMetrics.privacyRequestsOverdue, { kind: 'erasure' })).toBe(0);
    // Overdue since the end of the day two days ago: between one and two days late.
    const accessNearest = await valueOf(privacyMetrics.privacyRequestNearestDeadline, {
      kind: 'access',
    });
    expect(accessNearest).toBeLessThan(-86_400);
    expect(accessNearest).toBeGreaterThan(-2 * 86_400);
    const erasureNearest = await valueOf(privacyMetrics.privacyRequestNearestDeadline, {
      kind: 'erasure',
    });
    expect(erasureNearest).toBeGreaterThan(3 * 86_400);
    expect(erasureNearest).toBeLessThanOrEqual(4 * 86_400);
  });

  it('counts live data keys by purpose, never by key or subject', async () => {
    const key = (subject: string, purpose: string, destroyed: boolean) =>
      dataSource.query(
        `INSERT INTO data_keys (key_id, subject, purpose, allowed_services, created_by,
                                wrapped_key, master_key_id, destroyed_at, destroy_reason)
         VALUES ($1, $2, $3, '{payment}', 'checkout', $4, 'm1', $5, $6)`,
        [
          randomUUID(),
          subject,
          purpose,
          destroyed ? null : Buffer.from('wrapped'),
          destroyed ? new Date() : null,
          destroyed ? 'payment ended' : null,
        ],
      );
    await key('order:1', 'card-token', false);
    await key('order:2', 'card-token', false);
    await key('order:3', 'card-token', true);
    await key('order:1', 'delivery-address', false);

    await reading.read();

    expect(await valueOf(privacyMetrics.liveKeys, { purpose: 'card-token' })).toBe(2);
    expect(await valueOf(privacyMetrics.liveKeys, { purpose: 'delivery-address' })).toBe(1);
    const { values } = await privacyMetrics.liveKeys.get();
    for (const value of values) expect(Object.keys(value.labels)).toEqual(['purpose']);
  });

  it('ends a due day at London midnight: 23:00 UTC in summer', async () => {
    await dataSource.query('DELETE FROM subject_requests');
    await dataSource.query(
      `INSERT INTO subject_requests
         (request_id, kind, customer_id, received_at, status, code_expires_at, code_sent, due_on)
       VALUES ($1, 'access', 'c', now(), 'gathering', now(), false, '2026-07-01')`,
      [randomUUID()],
    );

    await reading.read(new Date('2026-07-01T22:30:00Z')); // 23:30 in London: still due today
    expect(await valueOf(privacyMetrics.privacyRequestsOverdue, { kind: 'access' })).toBe(0);
    expect(
      await valueOf(privacyMetrics.privacyRequestNearestDeadline, { kind: 'access' }),
    ).toBeCloseTo(1_800, 3);

    await reading.read(new Date('2026-07-01T23:30:00Z')); // 00:30 on 2 July in London
    expect(await valueOf(privacyMetrics.privacyRequestsOverdue, { kind: 'access' })).toBe(1);
    expect(
      await valueOf(privacyMetrics.privacyRequestNearestDeadline, { kind: 'access' }),
    ).toBeCloseTo(-1_800, 3);
  });

  it('says so when there is no request table to read deadlines from', async () => {
    await dataSource.query('DROP TABLE subject_requests CASCADE');
    await reading.read();
    expect(await valueOf(privacyMetrics.privacyRequestTracking)).toBe(0);
  });
});
