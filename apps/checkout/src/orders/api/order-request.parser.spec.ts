import { CheckoutException } from '../domain/checkout.exception';
import { parseIdempotencyKey } from './order-request.parser';

describe('parseIdempotencyKey', () => {
  it('accepts a UUID whose digit groups happen to pass the Luhn check', () => {
    // "77811249-1984" reads as a 12+ digit grouped run; it is an identifier, not a card.
    const key = '77811249-1984-4b4e-be98-5062938dd8ab';
    expect(parseIdempotencyKey(key)).toBe(key);
  });

  it('still refuses a card number sent as a key', () => {
    expect(() => parseIdempotencyKey('4242-4242-4242-4242')).toThrow(CheckoutException);
  });
});
