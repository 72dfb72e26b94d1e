import { KeyServiceErrorCode, KeyServiceException } from './key-service.exception';

/**
 * What the key service knows about one data key. The key bytes exist here only wrapped by
 * the master key; once destroyed, not at all.
 */
export interface KeyRecord {
  readonly keyId: string;
  readonly subject: string;
  readonly purpose: string;
  readonly allowedServices: readonly string[];
  readonly createdBy: string;
  readonly wrappedKey: Buffer | null;
  readonly masterKeyId: string;
  readonly createdAt: Date;
  readonly destroyedAt: Date | null;
  readonly destroyReason: string | null;
}

/**
 * Who may destroy a key: `privacy` (it answers erasure requests), the key's users (payment
 * destroys the card token once it is used), and its creator (checkout cleans up the key of
 * an order it never committed). Destroying only ever removes access, so this is generous.
 */
const ERASER = 'privacy';

export function mayUse(record: KeyRecord, service: string): boolean {
  return record.allowedServices.includes(service);
}

export function mayDestroy(record: KeyRecord, service: string): boolean {
  return service === ERASER || mayUse(record, service) || record.createdBy === service;
}

export function sameServices(a: readonly string[], b: readonly string[]): boolean {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((service, i) => service === right[i]);
}

/** The wrapped bytes of a live key; destroyed keys have none, whoever asks. */
export function liveWrappedKey(record: KeyRecord): Buffer {
  if (record.destroyedAt !== null || record.wrappedKey === null) {
    throw new KeyServiceException(
      KeyServiceErrorCode.KeyDestroyed,
      `Key ${record.keyId} was destroyed at ${record.destroyedAt?.toISOString() ?? 'an unknown time'}`,
    );
  }
  return record.wrappedKey;
}
