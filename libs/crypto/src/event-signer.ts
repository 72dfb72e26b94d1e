import { sign } from 'node:crypto';
import type { SigningKey } from './signing-key';

/** Signs bytes with a service's Ed25519 key. */
export class EventSigner {
  constructor(private readonly key: SigningKey) {}

  get keyId(): string {
    return this.key.keyId;
  }

  get service(): string {
    return this.key.service;
  }

  sign(data: Buffer): Buffer {
    // Ed25519 hashes internally, so the digest argument must be null.
    return sign(null, data, this.key.privateKey);
  }
}
