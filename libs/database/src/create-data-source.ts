import { DataSource, type EntitySchema, type MixedList } from 'typeorm';

export interface DatabaseOptions {
  /** postgres:// URL; in production each service has its own role (docs/deploy.md). */
  readonly url: string;
  /** The service's own schema: every table it owns lives there and nowhere else. */
  readonly schema: string;
  /** Shown in pg_stat_activity, so operators see which service holds a connection. */
  readonly applicationName: string;
  // TypeORM's own option types; entity classes are plain constructors.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities?: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly migrations?: MixedList<Function | string>;
  readonly poolSize?: number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema and role names are interpolated into DDL, so only plain identifiers are allowed. */
export function assertIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`${name} is not a plain SQL identifier`);
  return name;
}

/**
 * A TypeORM data source bound to one service schema. `search_path` is set per connection,
 * so raw SQL (the outbox relay, migrations) needs no schema prefix and cannot wander into
 * another service's tables by accident. `synchronize` is never on: migrations run
 * explicitly, from `scripts/provision`.
 */
export function createDataSource(options: DatabaseOptions): DataSource {
  const schema = assertIdentifier(options.schema);
  return new DataSource({
    type: 'postgres',
    url: options.url,
    schema,
    entities: options.entities ?? [],
    migrations: options.migrations ?? [],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    extra: {
      max: options.poolSize ?? 10,
      application_name: options.applicationName,
      options: `-c search_path=${schema}`,
    },
  });
}

/** Creates the schema if needed and runs pending migrations; returns the names it ran. */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const schema = assertIdentifier((dataSource.options as { schema?: string }).schema ?? 'public');
  // Checked first: a service role may own its schema without the right to create schemas.
  const present: unknown[] = await dataSource.query(
    'SELECT 1 FROM pg_namespace WHERE nspname = $1',
    [schema],
  );
  if (present.length === 0) await dataSource.query(`CREATE SCHEMA ${schema}`);
  const ran = await dataSource.runMigrations({ transaction: 'each' });
  return ran.map((migration) => migration.name);
}
