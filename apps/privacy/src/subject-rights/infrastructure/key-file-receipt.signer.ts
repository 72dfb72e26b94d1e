import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEventSigner, type EventSigner, type TrustedKeyFile } from '#lumen/crypto';
import { ReceiptSigner } from '../application/receipt-signer';

/**
 * The privacy service's own Ed25519 key (the one it signs its events with), from
 * LUMEN_KEYS_DIR; the public half is the one every service already trusts.
 */
export class KeyFileReceiptSigner extends ReceiptSigner {
  private readonly signer: EventSigner;
  readonly publicKeyPem: string;

  constructor(keysDir: string) {
    super();
    this.signer = loadEventSigner(keysDir, 'privacy');
    const trusted = JSON.parse(
      readFileSync(join(keysDir, 'trusted-keys.json'), 'utf8'),
    ) as TrustedKeyFile[];
    const own = trusted.find((key) => key.keyId === this.signer.keyId);
    if (own === undefined) {
      throw new Error(`The privacy signing key ${this.signer.keyId} is not in trusted-keys.json`);
    }
    this.publicKeyPem = own.publicKeyPem;
  }

  get keyId(): string {
    return this.signer.keyId;
  }

  sign(bytes: Buffer): Buffer {
    return this.signer.sign(bytes);
  }
}
