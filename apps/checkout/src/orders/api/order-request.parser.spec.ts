import { CheckoutException } from '../domain/checkout.exception';
import { parseIdempotencyKey, parseOrderRequest } from './order-request.parser';
import { placeOrderRequestSchema } from './place-order.request';

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

describe('parseOrderRequest: the delivery address holds no contact data', () => {
  const schema = placeOrderRequestSchema(['simulator']);
  const order = (deliveryAddress: Record<string, unknown>) => ({
    customer: { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+44 20 7946 0000' },
    deliveryAddress: {
      recipientName: 'Ada Lovelace',
      lines: ['12 St James’s Square'],
      city: 'London',
      country: 'GB',
      ...deliveryAddress,
    },
    items: [{ sku: 'tea-1', quantity: 1, unitPriceMinor: 500, currency: 'GBP' }],
    payment: { gateway: 'simulator', cardToken: 'tok_abcdefgh' },
    privacyPolicyVersion: '2026-01',
  });
  function refusedFields(body: unknown): string[] {
    try {
      parseOrderRequest(schema, body);
      return [];
    } catch (error) {
      return (error as CheckoutException).fields.map((problem) => problem.field);
    }
  }

  it.each([
    ['lines', { lines: ['12 St James’s Square', 'call 07700 900123'] }, 'deliveryAddress.lines[1]'],
    ['recipientName', { recipientName: 'ada@example.com' }, 'deliveryAddress.recipientName'],
    ['city', { city: 'London +44 20 7946 0000' }, 'deliveryAddress.city'],
  ])('refuses contact data in %s before anything is charged', (_, address, field) => {
    expect(refusedFields(order(address))).toEqual([field]);
  });

  it('accepts an ordinary address and a US ZIP+4 postcode', () => {
    expect(refusedFields(order({}))).toEqual([]);
    expect(refusedFields(order({ country: 'US', postcode: '62704-1234' }))).toEqual([]);
  });
});
