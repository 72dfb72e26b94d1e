import { mayDestroy, mayUse, sameServices, liveWrappedKey, type KeyRecord } from './key-record';
import { KeyServiceErrorCode, KeyServiceException } from './key-service.exception';

const record: KeyRecord = {
  keyId: 'dk_1',
  subject: 'order:1',
  purpose: 'card-token',
  allowedServices: ['payment'],
  createdBy: 'checkout',
  wrappedKey: Buffer.alloc(61),
  masterKeyId: 'mk_1',
  createdAt: new Date(),
  destroyedAt: null,
  destroyReason: null,
};

describe('key record rules', () => {
  it('lets only the allowed services use a key', () => {
    expect(mayUse(record, 'payment')).toBe(true);
    expect(mayUse(record, 'checkout')).toBe(false);
    expect(mayUse(record, 'privacy')).toBe(false);
  });

  it('lets users, the creator and the privacy service destroy a key, nobody else', () => {
    expect(mayDestroy(record, 'payment')).toBe(true);
    expect(mayDestroy(record, 'checkout')).toBe(true);
    expect(mayDestroy(record, 'privacy')).toBe(true);
    expect(mayDestroy(record, 'fulfilment')).toBe(false);
  });

  it('compares service lists as sets', () => {
    expect(sameServices(['a', 'b'], ['b', 'a'])).toBe(true);
    expect(sameServices(['a'], ['a', 'b'])).toBe(false);
  });

  it('has no key bytes once destroyed', () => {
    expect(liveWrappedKey(record)).toBe(record.wrappedKey);
    const destroyed = {
      ...record,
      wrappedKey: null,
      destroyedAt: new Date(),
      destroyReason: 'used',
    };
    expect(() => liveWrappedKey(destroyed)).toThrow(KeyServiceException);
    try {
      liveWrappedKey(destroyed);
    } catch (error) {
      expect((error as KeyServiceException).code).toBe(KeyServiceErrorCode.KeyDestroyed);
    }
  });
});
