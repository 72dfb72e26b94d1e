import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { MasterKey } from '#lumen/crypto';
import { TotpSecretCipher } from '../application/totp-secret.cipher';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM under the master key, with the account id as associated data. */
export class MasterKeyTotpCipher extends TotpSecretCipher {
  constructor(private readonly master: MasterKey) {
    super();
  }

  private aad(principalId: string): Buffer {
    return Buffer.from(`lumen:totp:v${VERSION}:${principalId}`, 'utf8');
  }

  override seal(secret: Buffer, principalId: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.master.secret, iv, {
      authTagLength: TAG_BYTES,
    });
    cipher.setAAD(this.aad(principalId));
    const body = Buffer.concat([cipher.update(secret), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, body, cipher.getAuthTag()]);
  }

  override open(sealed: Buffer, principalId: string): Buffer {
    if (sealed[0] !== VERSION) throw new Error('unknown TOTP secret format');
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const body = sealed.subarray(1 + IV_BYTES, sealed.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.master.secret, iv, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(this.aad(principalId));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body), decipher.final()]);
  }
}
