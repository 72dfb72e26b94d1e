import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The control token when none is configured: generated once into `<keysDir>/control-token`
 * (mode 0600) and read from there after, like the gateway simulator's operator token. Tests
 * and operators on this machine read the file; nobody else can drive the simulator.
 */
export function controlTokenFile(keysDir: string): string {
  return join(keysDir, 'control-token');
}

export function ensureControlToken(keysDir: string): string {
  const path = controlTokenFile(keysDir);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  writeFileSync(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return token;
}
