import { Client } from 'pg';
import { assertIdentifier, createDataSource, migrate } from '#lumen/database';
import { SERVICE_DATABASES, serviceDatabaseUrl } from './service-registry';

/**
 * One role and one schema per service (docs/adr/0003): the role owns its schema, nobody else
 * (not PUBLIC, not another service's role) may use it, and the migrations run as the role so
 * every table belongs to it. `test/database/role-isolation.int-spec.ts` proves it.
 */
export async function ensureRolesAndSchemas(adminUrl: string): Promise<string> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const { role, schema } of SERVICE_DATABASES) {
      assertIdentifier(role);
      assertIdentifier(schema);
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      if (exists.rowCount === 0) await client.query(`CREATE ROLE ${role} LOGIN`);
      // A service role is never more than a login that owns one schema.
      await client.query(`ALTER ROLE ${role} NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS`);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${role}`);
      // Nobody else gets in: not PUBLIC, not the other services' roles.
      await client.query(`REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`);
    }
    await client.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    return SERVICE_DATABASES.map((s) => s.role).join(', ');
  } finally {
    await client.end();
  }
}

export async function runMigrations(adminUrl: string): Promise<string> {
  const ran: string[] = [];
  for (const { service, schema, role, migrations } of SERVICE_DATABASES) {
    // Migrations run as the service's own role, so the tables belong to it.
    const dataSource = createDataSource({
      url: serviceDatabaseUrl(adminUrl, role),
      schema,
      applicationName: `provision:${service}`,
      migrations: [...migrations],
      poolSize: 1,
    });
    await dataSource.initialize();
    try {
      ran.push(...(await migrate(dataSource)).map((name) => `${service}/${name}`));
    } finally {
      await dataSource.destroy();
    }
  }
  return ran.length === 0 ? 'up to date' : `ran ${ran.join(', ')}`;
}
