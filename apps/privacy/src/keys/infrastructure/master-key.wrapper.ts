import { Inject, Injectable } from '@nestjs/common';
import { unwrapDataKey, wrapDataKey, type DataKey } from '#lumen/crypto';
import { PRIVACY_CONFIG, type PrivacyConfig } from '../../config/privacy.config';
import { KeyWrapper } from '../application/key-wrapper';
import { KeyServiceErrorCode, KeyServiceException } from '../domain/key-service.exception';

/** Wraps data keys under the master key from configuration (LUMEN_MASTER_KEY). */
@Injectable()
export class MasterKeyWrapper extends KeyWrapper {
  constructor(@Inject(PRIVACY_CONFIG) private readonly config: PrivacyConfig) {
    super();
  }

  get masterKeyId(): string {
    return this.config.masterKey.id;
  }

  wrap(key: DataKey): Buffer {
    return wrapDataKey(key, this.config.masterKey);
  }

  unwrap(wrapped: Buffer, keyId: string, masterKeyId: string): DataKey {
    if (masterKeyId !== this.config.masterKey.id) {
      throw new KeyServiceException(
        KeyServiceErrorCode.KeyUnwrapFailed,
        `Key ${keyId} is wrapped under master key ${masterKeyId}, but this service runs with ${this.config.masterKey.id}`,
      );
    }
    try {
      return unwrapDataKey(wrapped, keyId, this.config.masterKey);
    } catch {
      throw new KeyServiceException(
        KeyServiceErrorCode.KeyUnwrapFailed,
        `Key ${keyId} does not unwrap`,
      );
    }
  }
}
