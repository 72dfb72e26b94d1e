import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { z } from 'zod';
import { envFields, loadConfig } from '#lumen/config';
import { SERVICE_DATABASES } from '../provision/service-registry';

/**
 * The one-shot step a deployment runs before (re)starting services: the Kubernetes migration
 * Job and docker-compose's `migrate` service (`docker/entrypoint.sh migrate`).
 *
 * On a shared PostgreSQL each service role needs a password, which `scripts/provision` (written
 * for the trust-auth development server) does not set. So this step first creates or updates
 * every `lumen_<service>` role with the password from LUMEN_DATABASE_PASSWORDS_DIR/<service>,
 * hands provisioning those passwords through a private pgpass file (its migrations connect as
 * each role), then runs provisioning unchanged: schemas, migrations, signing keys, topics.
 * Re-running it with new password files is how role passwords are rotated.
 */
const config = loadConfig(
  z.object({
    DATABASE_URL: envFields.databaseUrl,
    LUMEN_KEYS_DIR: envFields.keysDir,
    /** One file per service, named after it, holding the role's password. Unset: no passwords. */
    LUMEN_DATABASE_PASSWORDS_DIR: z.string().min(1).optional(),
    /**
     * Where each service's copy of its keys goes: `<dir>/<service>/keys/` receives the service's
     * own signing key and the trusted public keys, never another service's private key.
     */
    LUMEN_KEYS_EXPORT_DIR: z.string().min(1).optional(),
  }),
);

function passwordsOf(dir: string): Map<string, string> {
  const passwords = new Map<string, string>();
  for (const { service } of SERVICE_DATABASES) {
    const file = join(dir, service);
    if (!existsSync(file)) throw new Error(`no password file for ${service}: ${file}`);
    const password = readFileSync(file, 'utf8').trim();
    if (password.length < 16) throw new Error(`${file}: expected at least 16 characters`);
    passwords.set(service, password);
  }
  return passwords;
}

async function ensureRolePasswords(passwords: ReadonlyMap<string, string>): Promise<string> {
  const client = new Client({ connectionString: config.DATABASE_URL });
  await client.connect();
  try {
    for (const { service, role } of SERVICE_DATABASES) {
      const password = client.escapeLiteral(passwords.get(service) ?? '');
      const identifier = client.escapeIdentifier(role);
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      // Utility statements take no bind parameters: the password goes in as an escaped literal.
      await client.query(
        exists.rowCount === 0
          ? `CREATE ROLE ${identifier} LOGIN PASSWORD ${password}`
          : `ALTER ROLE ${identifier} WITH LOGIN PASSWORD ${password}`,
      );
    }
    return SERVICE_DATABASES.map((s) => s.role).join(', ');
  } finally {
    await client.end();
  }
}

/** A pgpass file (mode 0600, as libpq and node-postgres require) with one line per role. */
function writePgpass(passwords: ReadonlyMap<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lumen-migrate-'));
  const file = join(dir, 'pgpass');
  const escape = (value: string) => value.replaceAll('\\', '\\\\').replaceAll(':', '\\:');
  const lines = SERVICE_DATABASES.map(
    ({ service, role }) => `*:*:*:${escape(role)}:${escape(passwords.get(service) ?? '')}`,
  );
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  return file;
}

function runProvision(env: NodeJS.ProcessEnv): Promise<number> {
  const provision = join(__dirname, '..', 'provision', 'provision.js');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, provision], {
      env,
      stdio: 'inherit',
    });
    child.on('exit', (code, signal) => {
      resolve(code ?? (signal === null ? 1 : 128));
    });
  });
}

function exportKeys(exportDir: string): string {
  const exported: string[] = [];
  for (const { service } of SERVICE_DATABASES) {
    const target = join(exportDir, service);
    if (!existsSync(target)) continue;
    const keys = join(target, 'keys');
    mkdirSync(keys, { recursive: true, mode: 0o700 });
    for (const file of [`${service}.signing-key.json`, 'trusted-keys.json']) {
      copyFileSync(join(config.LUMEN_KEYS_DIR, file), join(keys, file));
    }
    exported.push(service);
  }
  return exported.length === 0 ? 'none' : exported.join(', ');
}

async function main(): Promise<void> {
  const passwordsDir = config.LUMEN_DATABASE_PASSWORDS_DIR;
  let pgpass: string | undefined;
  if (passwordsDir !== undefined) {
    const passwords = passwordsOf(passwordsDir);
    console.log(`  roles      passwords set for ${await ensureRolePasswords(passwords)}`);
    pgpass = writePgpass(passwords);
  }
  try {
    const code = await runProvision({
      ...process.env,
      ...(pgpass !== undefined && { PGPASSFILE: pgpass }),
    });
    if (code !== 0) throw new Error(`provisioning failed (exit ${code})`);
  } finally {
    if (pgpass !== undefined) rmSync(join(pgpass, '..'), { recursive: true, force: true });
  }
  if (config.LUMEN_KEYS_EXPORT_DIR !== undefined) {
    console.log(`  keys       exported to ${exportKeys(config.LUMEN_KEYS_EXPORT_DIR)}`);
  }
}

main().catch((error: unknown) => {
  console.error(`migrate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
