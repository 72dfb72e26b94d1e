import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { SERVICE_NAMES } from '#lumen/contracts';
import { ROOT } from './support/deploy-files';

/**
 * The two one-shot steps a deployment runs (docker/entrypoint.sh `init-secrets`, `migrate`),
 * run for real from the build as the image runs them: init-secrets into temporary folders,
 * migrate against the local PostgreSQL and Kafka, in a database of its own.
 */
const run = promisify(execFile);
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lumen';
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

function built(script: string): string {
  const path = join(ROOT, 'dist', 'scripts', 'deploy', `${script}.js`);
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build first`);
  return path;
}

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('init-secrets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lumen-init-secrets-'));
  const secrets = join(dir, 'secrets');
  const exportDir = join(dir, 'export');
  const consumers = [
    'postgres',
    'privacy',
    'checkout',
    'payment',
    'fulfilment',
    'carrier-simulator',
  ];
  const env = {
    PATH: process.env.PATH,
    LUMEN_SECRETS_DIR: secrets,
    LUMEN_SECRETS_EXPORT_DIR: exportDir,
    POSTGRES_HOST: 'db.internal',
  };
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates every secret once and gives each consumer only its own', async () => {
    for (const consumer of consumers) mkdirSync(join(exportDir, consumer), { recursive: true });
    await run(process.execPath, [built('init-secrets')], { env });
    const read = (consumer: string, name: string) =>
      readFileSync(join(exportDir, consumer, name), 'utf8').trim();

    expect(Buffer.from(read('privacy', 'master-key'), 'base64')).toHaveLength(32);
    expect(Buffer.from(read('checkout', 'index-secret'), 'base64')).toHaveLength(32);
    for (const service of SERVICE_NAMES) {
      const url = new URL(read(service, 'database-url'));
      expect(url.username).toBe(`lumen_${service}`);
      expect(url.host).toBe('db.internal:5432');
      expect(url.pathname).toBe('/lumen');
      expect(url.password.length).toBeGreaterThanOrEqual(24);
      expect(decodeURIComponent(url.password)).toBe(
        readFileSync(join(secrets, 'database-passwords', service), 'utf8').trim(),
      );
    }
    // Least privilege: what each consumer's volume holds, and nothing more.
    expect(readdirSync(join(exportDir, 'fulfilment'))).toEqual(['database-url']);
    expect(readdirSync(join(exportDir, 'postgres'))).toEqual(['postgres-password']);
    expect(readdirSync(join(exportDir, 'privacy')).sort()).toEqual(['database-url', 'master-key']);
    // The database image reads its password as its own user; everything else is owner-only.
    expect(modeOf(join(exportDir, 'postgres', 'postgres-password'))).toBe(0o444);
    expect(modeOf(join(exportDir, 'privacy', 'master-key'))).toBe(0o400);
    expect(modeOf(join(secrets, 'master-key'))).toBe(0o400);
  });

  it('keeps the secrets it made on a second run', async () => {
    const before = readFileSync(join(secrets, 'master-key'), 'utf8');
    await run(process.execPath, [built('init-secrets')], { env });
    expect(readFileSync(join(secrets, 'master-key'), 'utf8')).toBe(before);
    expect(readFileSync(join(exportDir, 'privacy', 'master-key'), 'utf8')).toBe(before);
  });
});

describe('migrate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lumen-migrate-'));
  const database = `lumen_migrate_${process.pid}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const admin = () => {
    const maintenance = new URL(ADMIN_URL);
    maintenance.pathname = '/postgres';
    return new Client({ connectionString: maintenance.toString() });
  };

  afterAll(async () => {
    const client = admin();
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      // The roles are the machine's shared development roles: leave them as found (trust auth,
      // no password).
      for (const service of SERVICE_NAMES) {
        await client.query(`ALTER ROLE lumen_${service} PASSWORD NULL`);
      }
    } finally {
      await client.end();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('sets role passwords, migrates a fresh database and hands each service only its own key', async () => {
    const passwords = join(dir, 'passwords');
    mkdirSync(passwords);
    for (const service of SERVICE_NAMES) {
      writeFileSync(join(passwords, service), `password-of-${service}-${process.pid}\n`);
    }
    const exportDir = join(dir, 'export');
    for (const service of ['checkout', 'payment'])
      mkdirSync(join(exportDir, service), { recursive: true });
    const { stdout } = await run(process.execPath, [built('migrate')], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        DATABASE_URL: url.toString(),
        KAFKA_BROKERS: BROKERS,
        LUMEN_DATABASE_PASSWORDS_DIR: passwords,
        LUMEN_KEYS_DIR: join(dir, 'keys'),
        LUMEN_KEYS_EXPORT_DIR: exportDir,
      },
    });
    expect(stdout).toContain('passwords set for lumen_checkout, lumen_payment');
    expect(stdout).toContain('exported to checkout, payment');

    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const roles = await client.query<{ rolname: string; scram: boolean }>(
        `SELECT rolname, rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid
          WHERE rolname LIKE 'lumen\\_%' ORDER BY rolname`,
      );
      for (const service of SERVICE_NAMES) {
        expect(roles.rows).toContainEqual({ rolname: `lumen_${service}`, scram: true });
      }
      // Every service's tables exist, owned by its own role.
      const owners = await client.query<{ schemaname: string; tableowner: string }>(
        `SELECT DISTINCT schemaname, tableowner FROM pg_tables
          WHERE tablename = 'inbox' ORDER BY schemaname`,
      );
      expect(owners.rows).toEqual(
        [...SERVICE_NAMES].sort().map((s) => ({ schemaname: s, tableowner: `lumen_${s}` })),
      );
    } finally {
      await client.end();
    }
    // A service's folder holds its own private key and the public keys, no other private key.
    expect(readdirSync(join(exportDir, 'checkout', 'keys')).sort()).toEqual([
      'checkout.signing-key.json',
      'trusted-keys.json',
    ]);
    expect(existsSync(join(exportDir, 'fulfilment'))).toBe(false);
  });

  it('refuses to start with a missing or short password', async () => {
    const passwords = join(dir, 'short');
    mkdirSync(passwords);
    for (const service of SERVICE_NAMES) writeFileSync(join(passwords, service), 'short\n');
    const failure = await run(process.execPath, [built('migrate')], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: url.toString(),
        LUMEN_DATABASE_PASSWORDS_DIR: passwords,
      },
    }).then(
      () => undefined,
      (error: unknown) => error as { stderr: string },
    );
    expect(failure?.stderr).toContain('at least 16 characters');
  });
});
