import { CheckoutErrorCode, CheckoutException } from './checkout.exception';

export interface PricedLine {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
  readonly currency: string;
}

export interface OrderTotal {
  readonly currency: string;
  readonly totalMinor: number;
}

/**
 * The order's total in integer minor units, computed here and never taken from the request.
 * One currency per order: payment charges one amount in one currency. The caller's limits on
 * quantity and unit price keep the sum far below 2^53; this checks it anyway.
 */
export function priceOrder(lines: readonly PricedLine[]): OrderTotal {
  const first = lines[0];
  if (first === undefined) {
    throw new CheckoutException(CheckoutErrorCode.InvalidRequest, 'An order needs items', [
      { field: 'items', expected: 'at least one item' },
    ]);
  }
  let total = 0n;
  lines.forEach((line, index) => {
    if (line.currency !== first.currency) {
      throw new CheckoutException(CheckoutErrorCode.InvalidRequest, 'One currency per order', [
        {
          field: `items[${index}].currency`,
          expected: 'the same currency as items[0]: an order is charged in one currency',
        },
      ]);
    }
    total += BigInt(line.quantity) * BigInt(line.unitPriceMinor);
  });
  if (total <= 0n) {
    throw new CheckoutException(CheckoutErrorCode.InvalidRequest, 'The order total is zero', [
      { field: 'items', expected: 'a total above zero: at least one item with a price' },
    ]);
  }
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new CheckoutException(CheckoutErrorCode.InvalidRequest, 'The order total is too large', [
      { field: 'items', expected: 'a total below 2^53 minor units' },
    ]);
  }
  return { currency: first.currency, totalMinor: Number(total) };
}
