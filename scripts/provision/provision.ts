import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { z } from 'zod';
import { envFields, loadConfig } from '#lumen/config';
import { LUMEN_TOPICS, SERVICE_NAMES, topicSpecsOf } from '#lumen/contracts';
import { ensureServiceKeys } from '#lumen/crypto';
import { assertIdentifier } from '#lumen/database';
import { KafkaJsBroker, silentLogger } from '#lumen/messaging';
import {
  generateStorefrontApiKey,
  hashStorefrontApiKey,
  isWellFormedApiKey,
} from '../../apps/checkout/src/storefronts/domain/storefront-api-key';
import { SERVICE_DATABASES, serviceDatabaseUrl } from './service-registry';
import { ensureRolesAndSchemas, runMigrations } from './service-databases';

/**
 * Brings a machine to the state the services expect, idempotently: the database, one role
 * and schema per service, their migrations, the service signing keys and the Kafka topics
 * from the catalogue. `npm start` and `npm test` run it on every start; a second run
 * changes nothing.
 */
const config = loadConfig(
  z.object({
    DATABASE_URL: envFields.databaseUrl,
    KAFKA_BROKERS: envFields.kafkaBrokers,
    LUMEN_KEYS_DIR: envFields.keysDir,
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  }),
);

async function timed<T>(
  step: string,
  work: () => Promise<T>,
  summary: (result: T) => string,
): Promise<T> {
  const started = Date.now();
  const result = await work();
  console.log(`  ${step.padEnd(10)} ${summary(result)} (${Date.now() - started} ms)`);
  return result;
}

/** Connects to the server's maintenance database to create the application database. */
async function ensureDatabase(adminUrl: string): Promise<string> {
  const url = new URL(adminUrl);
  const name = assertIdentifier(url.pathname.slice(1) || 'lumen');
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
    return exists.rowCount === 0 ? `created ${name}` : `${name} exists`;
  } finally {
    await client.end();
  }
}

/**
 * A storefront for trying the API on this machine: its key is written to
 * `.lumen/storefront-dev.key` (mode 0600, git-ignored) and only the key's hash goes to the
 * database. Each keys folder gets its own storefront (`dev-<hash prefix>`), so several clones
 * or worktrees sharing one database each keep a working key. Delete the file to get a new key.
 * Never in production.
 */
async function ensureDevStorefront(adminUrl: string): Promise<string> {
  if (config.NODE_ENV === 'production') return 'skipped (production)';
  const keyFile = join(dirname(config.LUMEN_KEYS_DIR), 'storefront-dev.key');
  const existing = existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined;
  const key = existing !== undefined && isWellFormedApiKey(existing) ? existing : undefined;
  const apiKey = key ?? generateStorefrontApiKey();
  if (key === undefined) {
    mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
    writeFileSync(keyFile, `${apiKey}\n`, { mode: 0o600 });
  }
  chmodSync(keyFile, 0o600);
  const hash = hashStorefrontApiKey(apiKey);
  const storefrontId = `dev-${hash.toString('hex').slice(0, 12)}`;
  const checkout = SERVICE_DATABASES.find((s) => s.service === 'checkout');
  if (checkout === undefined) throw new Error('checkout is not in the service registry');
  const client = new Client({ connectionString: serviceDatabaseUrl(adminUrl, checkout.role) });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO ${assertIdentifier(checkout.schema)}.storefronts
         (storefront_id, display_name, api_key_hash)
       VALUES ($1, 'Development storefront', $2)
       ON CONFLICT DO NOTHING`,
      [storefrontId, hash],
    );
  } finally {
    await client.end();
  }
  return `${storefrontId}, key in ${keyFile}${key === undefined ? ' (new)' : ''}`;
}

async function ensureTopics(): Promise<string> {
  const broker = new KafkaJsBroker({
    clientId: 'provision',
    brokers: config.KAFKA_BROKERS,
    logger: silentLogger,
  });
  try {
    const specs = topicSpecsOf(LUMEN_TOPICS);
    const { created } = await broker.ensureTopics(specs);
    return `${specs.length} topics, ${created.length} created`;
  } finally {
    await broker.disconnect();
  }
}

async function main(): Promise<void> {
  await timed(
    'database',
    () => ensureDatabase(config.DATABASE_URL),
    (r) => r,
  );
  await timed(
    'roles',
    () => ensureRolesAndSchemas(config.DATABASE_URL),
    (r) => r,
  );
  await timed(
    'migrations',
    () => runMigrations(config.DATABASE_URL),
    (r) => r,
  );
  await timed(
    'keys',
    () => Promise.resolve(ensureServiceKeys(config.LUMEN_KEYS_DIR, SERVICE_NAMES)),
    (created) => (created.length === 0 ? 'present' : `created ${created.join(', ')}`),
  );
  await timed(
    'storefront',
    () => ensureDevStorefront(config.DATABASE_URL),
    (r) => r,
  );
  await timed('topics', ensureTopics, (r) => r);
}

main().catch((error: unknown) => {
  console.error(`Provisioning failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
