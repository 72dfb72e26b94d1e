import { CheckoutException } from './checkout.exception';
import { priceOrder } from './order-pricing';

const line = (quantity: number, unitPriceMinor: number, currency = 'GBP') => ({
  sku: 'LAMP-1',
  quantity,
  unitPriceMinor,
  currency,
});

describe('priceOrder', () => {
  it('sums quantity times unit price in minor units', () => {
    expect(priceOrder([line(2, 1299), line(1, 450), line(3, 0)])).toEqual({
      currency: 'GBP',
      totalMinor: 3048,
    });
  });

  it('refuses mixed currencies, naming the first odd line', () => {
    expect(() => priceOrder([line(1, 100), line(1, 100), line(1, 100, 'EUR')])).toThrow(
      CheckoutException,
    );
    try {
      priceOrder([line(1, 100), line(1, 100, 'EUR')]);
    } catch (error) {
      expect((error as CheckoutException).fields).toEqual([
        { field: 'items[1].currency', expected: expect.any(String) as string },
      ]);
    }
  });

  it('refuses a total of zero and an empty order', () => {
    expect(() => priceOrder([line(2, 0)])).toThrow(/zero/);
    expect(() => priceOrder([])).toThrow(/items/);
  });

  it('refuses a total it cannot represent exactly', () => {
    expect(() => priceOrder([line(1_000_000, 9_007_199_254_741)])).toThrow(/too large/);
  });
});
