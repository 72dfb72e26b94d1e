import fc from 'fast-check';
import {
  containsCardNumber,
  findCardNumbers,
  findContactData,
  findContactDataInPostcode,
  findEmails,
  findPhoneLikeRuns,
  holdsCardNumber,
  isLuhnValid,
} from '#lumen/personal-data';

describe('card numbers', () => {
  it.each([
    ['4242424242424242', 'plain'],
    ['4242 4242 4242 4242', 'spaces'],
    ['4242-4242-4242-4242', 'dashes'],
    ['378282246310005', 'Amex, 15 digits'],
    ['card 4111 1111 1111 1111 exp 2029', 'inside text, followed by a year'],
    ['4111 1111 1111 1111 2029', 'followed directly by an expiry group'],
  ])('finds %s (%s)', (text) => {
    expect(containsCardNumber(text)).toBe(true);
  });

  it.each([
    ['4242424242424241', 'fails Luhn'],
    ['424242424242', 'too short'],
    ['12345678901234567890123', 'an unbroken reference longer than 19 digits'],
    ['1795598419381', 'a millisecond timestamp that fails Luhn'],
  ])('ignores %s (%s)', (text) => {
    expect(containsCardNumber(text)).toBe(false);
  });

  it('returns each card number once, as digits', () => {
    expect(findCardNumbers('a 4242 4242 4242 4242, b 5555-5555-5555-4444')).toEqual([
      '4242424242424242',
      '5555555555554444',
    ]);
  });

  it('walks nested values, numbers and property names', () => {
    expect(holdsCardNumber({ a: [{ b: 'x' }, { c: { '4242424242424242': 1 } }] })).toBe(true);
    expect(holdsCardNumber({ n: 4242424242424242 })).toBe(true);
    expect(holdsCardNumber({ a: ['1234 5678'] })).toBe(false);
  });

  it('implements Luhn', () => {
    expect(isLuhnValid('79927398713')).toBe(true);
    expect(isLuhnValid('79927398710')).toBe(false);
  });
});

describe('contact data', () => {
  it('finds e-mail addresses and dialable numbers', () => {
    expect(findEmails('write to "ada@example.com", or grace.h@example.co.uk')).toEqual([
      'ada@example.com',
      'grace.h@example.co.uk',
    ]);
    expect(findContactData('Flat 2, tel 07700 900123')).toBe('phone');
    expect(findContactData('ada@example.com')).toBe('email');
  });

  it('leaves addresses alone', () => {
    expect(findContactData('221B Baker Street, NW1 6XE')).toBeUndefined();
    expect(findContactData('Rua das Flores 1200, 01310-100')).toBeUndefined();
  });

  it('reads a ZIP+4 postcode as a postcode, and anything else in a postcode as usual', () => {
    expect(findContactDataInPostcode('90210-1234')).toBeUndefined();
    expect(findContactDataInPostcode(' 90210-1234 ')).toBeUndefined();
    expect(findContactDataInPostcode('SW1A 1AA')).toBeUndefined();
    expect(findContactDataInPostcode('07700 900123')).toBe('phone');
    expect(findContactDataInPostcode('a@b.co')).toBe('email');
  });
});

/**
 * The finders scan by hand because the plain regular expressions backtrack quadratically. The
 * plain ones stay here as the specification: on short text, where their cost does not matter,
 * both must find exactly the same things.
 */
describe('contact data finders against their regular-expression definitions', () => {
  const EMAIL_DEFINITION = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[A-Za-z]{2,}/gu;
  const DIGIT_RUN_DEFINITION = /\+?[\d(][\d\s().\-/]*\d/gu;
  const byDefinition = (pattern: RegExp, text: string) =>
    [...text.matchAll(pattern)].map((match) => match[0]);
  // Text built from fragments of addresses and numbers, so that matches, near-misses and
  // overlapping candidates are all frequent.
  const contactText = fc
    .array(
      fc.constantFrom(
        ...['a', 'bo', 'x.y', '@', '@', '.', '.co', '.uk', 'é', '-', '+', '+44', '(', ')', '/'],
        ...[' ', '\t', '\u00a0', ',', ':', '"', '<', '0770', '0', '900123', '12', '.5'],
      ),
      { maxLength: 16 },
    )
    .map((fragments) => fragments.join(''));

  it('finds the same e-mail addresses', () => {
    fc.assert(
      fc.property(contactText, (text) => {
        expect(findEmails(text)).toEqual(byDefinition(EMAIL_DEFINITION, text));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees on addresses run together', () => {
    for (const text of ['a@b.co-x@y.org', 'a@b@c.de', 'x@.uk@y.io', 'p.q@r.st.uv1@w.xy']) {
      expect(findEmails(text)).toEqual(byDefinition(EMAIL_DEFINITION, text));
    }
    expect(findEmails('a@b.co-x@y.org')).toEqual(['a@b.co', '-x@y.org']);
  });

  it('finds the same dialable runs', () => {
    fc.assert(
      fc.property(contactText, (text) => {
        expect(findPhoneLikeRuns(text)).toEqual(
          byDefinition(DIGIT_RUN_DEFINITION, text).filter(
            (run) => run.replace(/\D/gu, '').length >= 9,
          ),
        );
      }),
      { numRuns: 5000 },
    );
  });

  it('scans a megabyte of hostile text in one pass (the definitions would take hours)', () => {
    const megabyte = 1 << 20;
    expect(findEmails(`a@${'a'.repeat(megabyte)}`)).toEqual([]);
    expect(findEmails('a@'.repeat(megabyte / 2))).toEqual([]);
    expect(findEmails('1.'.repeat(megabyte / 2))).toEqual([]);
    expect(findContactData('('.repeat(megabyte))).toBeUndefined();
    expect(findContactData(`${'a'.repeat(megabyte)} 07700 900123`)).toBe('phone');
  });
});
