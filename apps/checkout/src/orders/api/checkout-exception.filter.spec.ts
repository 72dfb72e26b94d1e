import { CheckoutErrorCode } from '../domain/checkout.exception';
import { httpStatusOf } from './checkout-exception.filter';

describe('checkout errors over HTTP', () => {
  it.each([
    [CheckoutErrorCode.InvalidRequest, 400],
    [CheckoutErrorCode.UnknownPolicyVersion, 400],
    [CheckoutErrorCode.Unauthenticated, 401],
    [CheckoutErrorCode.OrderNotFound, 404],
    [CheckoutErrorCode.PolicyVersionNotFound, 404],
    [CheckoutErrorCode.IdempotencyKeyReused, 409],
    [CheckoutErrorCode.IllegalTransition, 409],
    [CheckoutErrorCode.CardNumberSubmitted, 422],
    [CheckoutErrorCode.KeyServiceUnavailable, 503],
  ])('%s is %i', (code, status) => {
    expect(httpStatusOf(code)).toBe(status);
  });

  it('maps every code', () => {
    for (const code of Object.values(CheckoutErrorCode)) {
      expect(httpStatusOf(code)).toBeGreaterThanOrEqual(400);
    }
  });
});
