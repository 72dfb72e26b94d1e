import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { loadConfig } from '#lumen/config';
import { SERVICE_NAMES } from '#lumen/contracts';

/**
 * docker-compose.yml's first one-shot step (`docker/entrypoint.sh init-secrets`): on the first
 * `docker compose up` it creates every secret a one-machine installation needs, at random, in
 * the `secrets` volume; on later runs it keeps them. It then hands each container only what
 * it needs, one volume per consumer, so fulfilment never holds the master key and the database
 * server never holds a service's password. On Kubernetes these come from Secrets instead
 * (deploy/k8s/base/secrets.example.yaml, docs/deploy.md).
 */
const config = loadConfig(
  z.object({
    LUMEN_SECRETS_DIR: z.string().min(1).default('/var/lib/lumen/secrets'),
    /** `<dir>/<consumer>` exists for each consumer volume mounted into this container. */
    LUMEN_SECRETS_EXPORT_DIR: z.string().min(1).default('/var/lib/lumen/export'),
    POSTGRES_HOST: z.string().min(1).default('postgres'),
    POSTGRES_PORT: z.coerce.number().int().min(1).max(65_535).default(5432),
    POSTGRES_DB: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/)
      .default('lumen'),
  }),
);

const base64Key = () => randomBytes(32).toString('base64');
// URL-safe without escaping: it goes inside postgres:// URLs.
const password = () => randomBytes(24).toString('base64url');

/** Reads `name` from the secrets folder, creating it first with `make()` if missing. */
function secret(name: string, make: () => string): string {
  const file = join(config.LUMEN_SECRETS_DIR, name);
  if (!existsSync(file)) {
    mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
    writeAtomically(file, make(), 0o400);
    console.log(`  created    ${name}`);
  }
  return readFileSync(file, 'utf8').trim();
}

function writeAtomically(file: string, value: string, mode: number): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${value}\n`, { mode });
  renameSync(temporary, file);
}

function databaseUrl(user: string, userPassword: string): string {
  const url = new URL(`postgres://${config.POSTGRES_HOST}:${config.POSTGRES_PORT}`);
  url.username = user;
  url.password = userPassword;
  url.pathname = `/${config.POSTGRES_DB}`;
  return url.toString();
}

function main(): void {
  const adminPassword = secret('postgres-password', password);
  secret('database-url', () => databaseUrl('postgres', adminPassword));
  const roleUrls = Object.fromEntries(
    SERVICE_NAMES.map((service) => [
      service,
      databaseUrl(`lumen_${service}`, secret(join('database-passwords', service), password)),
    ]),
  );
  const exports: Record<string, Record<string, string>> = {
    // Read by the postgres image's own entrypoint as its user, not as ours: world-readable in
    // a volume only that container mounts.
    postgres: { 'postgres-password': adminPassword },
    privacy: {
      'database-url': roleUrls.privacy ?? '',
      'master-key': secret('master-key', base64Key),
    },
    checkout: {
      'database-url': roleUrls.checkout ?? '',
      'index-secret': secret('checkout-index-secret', base64Key),
    },
    payment: { 'database-url': roleUrls.payment ?? '' },
    fulfilment: { 'database-url': roleUrls.fulfilment ?? '' },
    'carrier-simulator': { 'control-token': secret('carrier-control-token', password) },
  };
  for (const [consumer, files] of Object.entries(exports)) {
    const dir = join(config.LUMEN_SECRETS_EXPORT_DIR, consumer);
    if (!existsSync(dir)) continue; // that consumer's volume is not mounted here
    for (const [name, value] of Object.entries(files)) {
      writeAtomically(join(dir, name), value, consumer === 'postgres' ? 0o444 : 0o400);
    }
    console.log(`  exported   ${consumer}: ${Object.keys(files).join(', ')}`);
  }
}

main();
