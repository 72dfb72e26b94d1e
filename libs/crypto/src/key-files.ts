import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { EventSigner } from './event-signer';
import { KeyRing } from './key-ring';
import {
  generateSigningKey,
  signingKeyFromFile,
  signingKeyToFile,
  trustedKeyFromFile,
  trustedKeyToFile,
  type SigningKeyFile,
  type TrustedKeyFile,
} from './signing-key';

/**
 * Service signing keys on disk, for one machine: `<dir>/<service>.signing-key.json` (private,
 * mode 0600, read only by that service) and `<dir>/trusted-keys.json` (public keys of every
 * service, read by all). In a cluster the same files come from secrets (docs/deploy.md).
 */
const TRUSTED_FILE = 'trusted-keys.json';

function signingFileOf(dir: string, service: string): string {
  return join(dir, `${service}.signing-key.json`);
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function writeJsonAtomically(path: string, value: unknown, mode: number): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(value, null, 2) + '\n', { mode });
  renameSync(temporary, path);
}

/** Creates a signing key for each service that has none, and trusts it. Idempotent. */
export function ensureServiceKeys(dir: string, services: readonly string[]): string[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const trustedPath = join(dir, TRUSTED_FILE);
  const trusted = existsSync(trustedPath) ? (readJson(trustedPath) as TrustedKeyFile[]) : [];
  const created: string[] = [];
  for (const service of services) {
    if (existsSync(signingFileOf(dir, service))) continue;
    const { signing, trusted: publicKey } = generateSigningKey(service);
    writeJsonAtomically(signingFileOf(dir, service), signingKeyToFile(signing), 0o600);
    trusted.push(trustedKeyToFile(publicKey));
    created.push(signing.keyId);
  }
  if (created.length > 0 || !existsSync(trustedPath)) {
    writeJsonAtomically(trustedPath, trusted, 0o644);
  }
  return created;
}

export function loadEventSigner(dir: string, service: string): EventSigner {
  const path = signingFileOf(dir, service);
  if (!existsSync(path)) {
    throw new Error(`No signing key for ${service} in ${dir}: run \`npm run setup\` first.`);
  }
  return new EventSigner(signingKeyFromFile(readJson(path) as SigningKeyFile));
}

export function loadKeyRing(dir: string): KeyRing {
  const path = join(dir, TRUSTED_FILE);
  if (!existsSync(path)) {
    throw new Error(`No trusted keys in ${dir}: run \`npm run setup\` first.`);
  }
  return new KeyRing((readJson(path) as TrustedKeyFile[]).map(trustedKeyFromFile));
}
