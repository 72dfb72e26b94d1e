/**
 * Realistic orders for the storefront driver: plausible names, addresses and baskets, all
 * invented. A small share carries bad input of the kinds storefronts really send (a missing
 * field, a typo'd property, a card number pasted where the token belongs), which checkout
 * must refuse with a 4xx and nothing stored.
 */
const FIRST = ['Ada', 'Grace', 'Alan', 'Mary', 'Tim', 'Hedy', 'Linus', 'Radia', 'Ken', 'Barbara'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Somerville', 'Berners-Lee', 'Lamarr', 'Perlman'];
const STREETS = ['High Street', 'Station Road', 'Church Lane', 'Victoria Road', 'Mill Lane'];
const TOWNS: readonly [string, string, string][] = [
  ['Bristol', 'Avon', 'BS1 4DJ'],
  ['Leeds', 'West Yorkshire', 'LS1 4AP'],
  ['Norwich', 'Norfolk', 'NR2 1TF'],
  ['Cardiff', 'South Glamorgan', 'CF10 1EP'],
  ['York', 'North Yorkshire', 'YO1 7HH'],
];
const CATALOGUE: readonly [string, number][] = [
  ['LAMP-DESK-BRASS', 4_999],
  ['BULB-E27-LED-8W', 499],
  ['SHADE-LINEN-30', 1_950],
  ['PENDANT-GLASS-S', 8_900],
  ['FLOOR-ARC-BLACK', 15_900],
];

export type OrderKind = 'approved' | 'declined' | 'bad-input';

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}

export function sampleOrder(
  sequence: number,
  cardToken: string,
  policyVersion: string,
  gateway: string,
): Record<string, unknown> {
  const first = pick(FIRST);
  const last = pick(LAST);
  const [city, region, postcode] = pick(TOWNS);
  const lines = 1 + Math.floor(Math.random() * 3);
  return {
    customer: {
      name: `${first} ${last}`,
      email: `${first}.${last}.${sequence}@example.com`.toLowerCase(),
      phone: `+44 7700 ${String(900000 + (sequence % 99999)).slice(0, 6)}`,
    },
    deliveryAddress: {
      recipientName: `${first} ${last}`,
      lines: [`${1 + (sequence % 180)} ${pick(STREETS)}`],
      city,
      region,
      postcode,
      country: 'GB',
    },
    items: Array.from({ length: lines }, () => {
      const [sku, price] = pick(CATALOGUE);
      return {
        sku,
        quantity: 1 + Math.floor(Math.random() * 3),
        unitPriceMinor: price,
        currency: 'GBP',
      };
    }),
    payment: { gateway, cardToken },
    privacyPolicyVersion: policyVersion,
  };
}

/** One of the mistakes storefronts make; each must be a 4xx that names the problem. */
export function spoil(order: Record<string, unknown>, sequence: number): Record<string, unknown> {
  switch (sequence % 3) {
    case 0:
      return { ...order, giftMessage: 'Happy birthday!' }; // unknown property: 400
    case 1: {
      const { customer: _customer, ...rest } = order;
      return rest; // missing customer: 400
    }
    default:
      // A card number pasted into a free-text field: 422, and the number goes nowhere.
      return {
        ...order,
        deliveryAddress: { ...(order.deliveryAddress as object), lines: ['4242 4242 4242 4242'] },
      };
  }
}
