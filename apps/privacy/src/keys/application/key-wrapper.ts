import type { DataKey } from '#lumen/crypto';

/**
 * Wraps data keys under the master key. A port, so the master key can move into an HSM or a
 * cloud KMS without touching the use cases.
 */
export abstract class KeyWrapper {
  /** The master key wrapping new keys, stored beside each wrapped key. */
  abstract readonly masterKeyId: string;
  abstract wrap(key: DataKey): Buffer;
  abstract unwrap(wrapped: Buffer, keyId: string, masterKeyId: string): DataKey;
}
