import { findContactData } from '#lumen/carrier';

describe('contact data screen', () => {
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
