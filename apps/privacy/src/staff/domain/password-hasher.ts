import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt with a per-user salt (node:crypto, no dependency). N=2^15, r=8, p=1 costs 32 MiB and
 * some tens of milliseconds per attempt: slow for a guesser, fine for a login. The parameters
 * travel with the hash, so they can be raised later and old hashes still verify.
 *
 * Format: `scrypt$<log2 N>$<r>$<p>$<salt base64>$<hash base64>`.
 */
const DEFAULT_COST = { log2N: 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const HASH_BYTES = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, HASH_BYTES, options, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

function scryptOptions(log2N: number, r: number, p: number): ScryptOptions {
  const N = 2 ** log2N;
  // Node refuses by default above 32 MiB; allow what these parameters need, and a margin.
  return { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
}

export class PasswordHasher {
  constructor(private readonly cost: { log2N: number; r: number; p: number } = DEFAULT_COST) {
    if (cost.log2N < 15) throw new Error('scrypt cost below N=2^15 is not allowed');
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const { log2N, r, p } = this.cost;
    const key = await derive(password, salt, scryptOptions(log2N, r, p));
    return ['scrypt', log2N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const parts = stored.split('$');
    if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
    const [log2N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
    const salt = Buffer.from(parts[4] ?? '', 'base64');
    const expected = Buffer.from(parts[5] ?? '', 'base64');
    if (![log2N, r, p].every(Number.isSafeInteger) || expected.length !== HASH_BYTES) return false;
    const actual = await derive(password, salt, scryptOptions(log2N, r, p));
    return timingSafeEqual(actual, expected);
  }

  /** Spends the same work as a real check, so an unknown login name takes as long as a known one. */
  async burn(password: string): Promise<void> {
    const { log2N, r, p } = this.cost;
    await derive(password, randomBytes(SALT_BYTES), scryptOptions(log2N, r, p));
  }
}
