import { readFileSync, statSync } from 'node:fs';
import { CertifiedKey, type CertifiedKeyFile } from '#lumen/payment-gateway';

/**
 * The merchant's certified signing key, from a file. The file is re-read when it changes, so
 * a rotation is: enrol the new key, replace the file atomically (rename), then revoke the old
 * key once no request signed with it is in flight. No restart, no downtime.
 */
export class MerchantCredentials {
  private key: CertifiedKey;
  private loadedMtimeMs: number;
  private checkedAt = 0;

  constructor(
    private readonly path: string,
    private readonly checkEveryMs = 1_000,
  ) {
    this.loadedMtimeMs = statSync(path).mtimeMs;
    this.key = this.load();
  }

  current(): CertifiedKey {
    const now = Date.now();
    if (now - this.checkedAt >= this.checkEveryMs) {
      this.checkedAt = now;
      const mtimeMs = statSync(this.path).mtimeMs;
      if (mtimeMs !== this.loadedMtimeMs) {
        this.key = this.load();
        this.loadedMtimeMs = mtimeMs;
      }
    }
    return this.key;
  }

  private load(): CertifiedKey {
    return CertifiedKey.fromFile(JSON.parse(readFileSync(this.path, 'utf8')) as CertifiedKeyFile);
  }
}
