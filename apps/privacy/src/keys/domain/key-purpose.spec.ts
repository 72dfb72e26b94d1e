import { assertMayCreate, KEY_PURPOSES } from './key-purpose';
import { KeyServiceErrorCode, KeyServiceException } from './key-service.exception';

function codeOf(work: () => unknown): KeyServiceErrorCode | undefined {
  try {
    work();
  } catch (error) {
    if (error instanceof KeyServiceException) return error.code;
    throw error;
  }
  return undefined;
}

describe('key purposes', () => {
  it('lets checkout create a card-token key for payment alone', () => {
    expect(assertMayCreate('card-token', 'checkout', ['payment'])).toBe('card-token');
    expect(codeOf(() => assertMayCreate('card-token', 'checkout', ['payment', 'checkout']))).toBe(
      KeyServiceErrorCode.ServicesNotPermittedForPurpose,
    );
  });

  it('refuses creators not listed, and purposes nobody wrote down', () => {
    expect(codeOf(() => assertMayCreate('customer-contact', 'payment', ['checkout']))).toBe(
      KeyServiceErrorCode.PurposeNotCreatableByCaller,
    );
    expect(codeOf(() => assertMayCreate('toString', 'checkout', ['checkout']))).toBe(
      KeyServiceErrorCode.UnknownPurpose,
    );
  });

  it("shares a service's subject-access answer with that service and privacy only", () => {
    expect(assertMayCreate('subject-access', 'checkout', ['checkout', 'privacy'])).toBe(
      'subject-access',
    );
    expect(assertMayCreate('subject-access', 'fulfilment', ['fulfilment', 'privacy'])).toBe(
      'subject-access',
    );
    expect(
      codeOf(() => assertMayCreate('subject-access', 'checkout', ['payment', 'privacy'])),
    ).toBe(KeyServiceErrorCode.ServicesNotPermittedForPurpose);
    expect(codeOf(() => assertMayCreate('subject-access', 'privacy', ['privacy']))).toBe(
      KeyServiceErrorCode.PurposeNotCreatableByCaller,
    );
  });

  it('never lets anyone but payment read a card token', () => {
    expect(KEY_PURPOSES['card-token'].permittedServices).toEqual(['payment']);
  });
});
