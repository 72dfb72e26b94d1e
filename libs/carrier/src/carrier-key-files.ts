import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  EventSigner,
  generateSigningKey,
  KeyRing,
  signingKeyFromFile,
  signingKeyToFile,
  trustedKeyFromFile,
  trustedKeyToFile,
  type SigningKeyFile,
  type TrustedKeyFile,
} from '#lumen/crypto';
import { createPublicKey } from 'node:crypto';

/**
 * The two parties of the carrier wire and the service names their keys carry. A real
 * carrier's public key is registered under `carrier` in the merchant's key ring for that
 * carrier, whatever the carrier calls itself.
 */
export const CARRIER_WIRE_PARTIES = ['merchant', 'carrier'] as const;
export type CarrierWireParty = (typeof CARRIER_WIRE_PARTIES)[number];

/** Development keys live here unless configured otherwise (ignored by git). */
export const DEFAULT_CARRIER_KEYS_DIR = '.lumen/carrier';

/** `<dir>/<party>.signing-key.json`: the private key, mode 0600, for that party only. */
export function carrierSigningKeyPath(dir: string, party: CarrierWireParty): string {
  return join(dir, `${party}.signing-key.json`);
}

/** `<dir>/<party>.trusted-key.json`: the public key, for the other party. */
export function carrierTrustedKeyPath(dir: string, party: CarrierWireParty): string {
  return join(dir, `${party}.trusted-key.json`);
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * Creates the development key pairs of both parties once, for a machine where the merchant
 * (fulfilment) and the carrier simulator run side by side. Safe when both start at the same
 * moment: a private key file is created with an atomic hard link that fails if it exists, so
 * there is exactly one key per party, and each public file is derived from the winner.
 * Returns the key ids it created. Production never calls this: keys come from secrets.
 */
export function ensureCarrierDevKeys(dir: string = DEFAULT_CARRIER_KEYS_DIR): string[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const created: string[] = [];
  for (const party of CARRIER_WIRE_PARTIES) {
    const signingPath = carrierSigningKeyPath(dir, party);
    if (!existsSync(signingPath)) {
      const { signing } = generateSigningKey(party);
      const temporary = `${signingPath}.${process.pid}.${Date.now()}.tmp`;
      writeFileSync(temporary, JSON.stringify(signingKeyToFile(signing), null, 2) + '\n', {
        mode: 0o600,
      });
      try {
        linkSync(temporary, signingPath);
        created.push(signing.keyId);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      } finally {
        rmSync(temporary, { force: true });
      }
    }
    const signing = signingKeyFromFile(readJson(signingPath) as SigningKeyFile);
    const trusted = trustedKeyToFile({
      keyId: signing.keyId,
      service: signing.service,
      publicKey: createPublicKey(signing.privateKey),
    });
    const trustedPath = carrierTrustedKeyPath(dir, party);
    const current = existsSync(trustedPath) ? readFileSync(trustedPath, 'utf8') : undefined;
    const text = JSON.stringify(trusted, null, 2) + '\n';
    if (current !== text) {
      const temporary = `${trustedPath}.${process.pid}.tmp`;
      writeFileSync(temporary, text, { mode: 0o644 });
      renameSync(temporary, trustedPath);
    }
  }
  return created;
}

/** Loads a party's signing key from its key file (`<party>.signing-key.json`). */
export function loadCarrierSigner(path: string, party: CarrierWireParty): EventSigner {
  if (!existsSync(path)) throw new Error(`No ${party} signing key at ${path}`);
  const key = signingKeyFromFile(readJson(path) as SigningKeyFile);
  if (key.service !== party) {
    throw new Error(`${path} holds a key of ${key.service}, expected one of ${party}`);
  }
  return new EventSigner(key);
}

/**
 * Loads the public keys trusted for a party: a file holding one key or an array of keys (an
 * array is how a key is rotated: trust old and new, switch the signer, drop the old one).
 */
export function loadCarrierKeyRing(path: string, party: CarrierWireParty): KeyRing {
  if (!existsSync(path)) throw new Error(`No trusted ${party} key at ${path}`);
  const content = readJson(path);
  const files = (Array.isArray(content) ? content : [content]) as TrustedKeyFile[];
  const keys = files.map(trustedKeyFromFile);
  const stranger = keys.find((key) => key.service !== party);
  if (stranger) {
    throw new Error(`${path} holds a key of ${stranger.service}, expected keys of ${party}`);
  }
  if (keys.length === 0) throw new Error(`${path} holds no key`);
  return new KeyRing(keys);
}
