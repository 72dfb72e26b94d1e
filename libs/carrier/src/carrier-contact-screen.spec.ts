import {
  carrierShipmentV1Schema,
  carrierIdempotencyKeyOf,
  newShipmentReference,
} from '#lumen/carrier';

/** The screen as the carrier payload applies it (the detector itself is #lumen/personal-data). */
function findContactData(line: string): 'email' | 'phone' | undefined {
  const shipmentReference = newShipmentReference();
  const result = carrierShipmentV1Schema.safeParse({
    shipmentReference,
    idempotencyKey: carrierIdempotencyKeyOf(shipmentReference),
    recipientName: 'Ada Lovelace',
    address: { lines: [line], city: 'London', country: 'GB' },
    parcel: { weightGrams: 1, dimensionsMm: { length: 1, width: 1, height: 1 }, itemCount: 1 },
  });
  if (result.success) return undefined;
  const message = result.error.issues.map((issue) => issue.message).join(' ');
  if (message.includes('e-mail address')) return 'email';
  if (message.includes('phone number')) return 'phone';
  throw new Error(`refused for another reason: ${message}`);
}

describe('contact-data screen on address lines', () => {
  it.each([
    ['ada@example.com', 'email'],
    ['c/o a.lovelace@mail.example.org', 'email'],
    ['tel 07700 900123', 'phone'],
    ['+44 (0)20 7946-0000', 'phone'],
    ['call 555.123.4567', 'phone'],
    ['4111 1111 1111 1111', 'phone'],
  ])('finds contact data in %j', (text, kind) => {
    expect(findContactData(text)).toBe(kind);
  });

  it.each([
    '12 St James’s Square',
    'Flat 3, 221B Baker Street',
    'Rua Augusta 1500, 01310-100',
    '1-2-3 Shibuya, Shibuya-ku',
    'PO Box 12345',
    'Unit 4 @ The Old Mill',
    'Apt 12 34 56',
  ])('lets an address line through: %j', (text) => {
    expect(findContactData(text)).toBeUndefined();
  });
});

describe('contact-data screen on the postcode', () => {
  function postcodeAccepted(postcode: string): boolean {
    const shipmentReference = newShipmentReference();
    return carrierShipmentV1Schema.safeParse({
      shipmentReference,
      idempotencyKey: carrierIdempotencyKeyOf(shipmentReference),
      recipientName: 'Ada Lovelace',
      address: { lines: ['1 Main Street'], city: 'Springfield', postcode, country: 'US' },
      parcel: { weightGrams: 1, dimensionsMm: { length: 1, width: 1, height: 1 }, itemCount: 1 },
    }).success;
  }

  it('accepts a US ZIP+4 code, which has nine digits in a row', () => {
    expect(postcodeAccepted('62704-1234')).toBe(true);
  });

  it('still refuses a phone number typed into the postcode', () => {
    expect(postcodeAccepted('07700 900123')).toBe(false);
  });
});
