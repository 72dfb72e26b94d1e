import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ensureRolesAndSchemas, runMigrations } from '../../scripts/provision/service-databases';
import { SERVICE_DATABASES, serviceDatabaseUrl } from '../../scripts/provision/service-registry';

/**
 * Least privilege in the database: provisioning (the real code, on a fresh database) gives
 * each service a role that reaches its own schema and nothing else. Every pair is tried.
 */
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lumen';

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function asRole<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function errorCodeOf(client: Client, sql: string): Promise<string | undefined> {
  try {
    await client.query(sql);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('database roles', () => {
  const database = `lumen_iso_${randomBytes(5).toString('hex')}`;
  const url = withDatabase(ADMIN_URL, database);
  const tablesOf = new Map<string, string[]>();

  beforeAll(async () => {
    await asRole(withDatabase(ADMIN_URL, 'postgres'), (c) =>
      c.query(`CREATE DATABASE ${database}`),
    );
    await ensureRolesAndSchemas(url);
    await runMigrations(url);
    await asRole(url, async (admin) => {
      for (const { schema } of SERVICE_DATABASES) {
        const { rows } = await admin.query<{ tablename: string }>(
          `SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`,
          [schema],
        );
        tablesOf.set(
          schema,
          rows.map((row) => row.tablename),
        );
      }
    });
  });

  afterAll(async () => {
    await asRole(withDatabase(ADMIN_URL, 'postgres'), (c) =>
      c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
    );
  });

  it('gives every service tables of its own, which its role can read', async () => {
    for (const { role, schema } of SERVICE_DATABASES) {
      const tables = tablesOf.get(schema) ?? [];
      expect(tables.length).toBeGreaterThan(0);
      await asRole(serviceDatabaseUrl(url, role), async (client) => {
        for (const table of tables) {
          expect(
            await errorCodeOf(client, `SELECT * FROM ${schema}.${table} LIMIT 1`),
          ).toBeUndefined();
        }
      });
    }
  });

  it.each(SERVICE_DATABASES.map((s) => [s.role, s.schema] as const))(
    '%s cannot read, write or create in any other service schema',
    async (role) => {
      await asRole(serviceDatabaseUrl(url, role), async (client) => {
        const { rows } = await client.query<{ rolsuper: boolean; rolcreaterole: boolean }>(
          `SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user`,
        );
        expect(rows[0]).toEqual({ rolsuper: false, rolcreaterole: false });
        for (const other of SERVICE_DATABASES.filter((s) => s.role !== role)) {
          const tables = tablesOf.get(other.schema) ?? [];
          for (const table of tables) {
            // 42501: insufficient_privilege (permission denied for schema).
            expect([
              table,
              await errorCodeOf(client, `SELECT * FROM ${other.schema}.${table} LIMIT 1`),
            ]).toEqual([table, '42501']);
          }
          expect(await errorCodeOf(client, `DELETE FROM ${other.schema}.${tables[0] ?? 'x'}`)).toBe(
            '42501',
          );
          expect(await errorCodeOf(client, `CREATE TABLE ${other.schema}.intruder (x int)`)).toBe(
            '42501',
          );
        }
        expect(await errorCodeOf(client, `CREATE TABLE public.intruder (x int)`)).toBe('42501');
      });
    },
  );
});
