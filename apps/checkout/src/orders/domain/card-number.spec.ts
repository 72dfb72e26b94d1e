import { containsCardNumber, holdsCardNumber, isLuhnValid } from './card-number';

describe('card number detection', () => {
  it.each([
    ['4111111111111111', 'plain Visa test number'],
    ['4111 1111 1111 1111', 'spaces'],
    ['4111-1111-1111-1111', 'dashes'],
    ['4111 1111-1111 1111', 'mixed separators'],
    ['378282246310005', '15-digit Amex'],
    ['6011 0009 9013 9424', 'Discover'],
    ['4222222222222', '13 digits'],
    ['6304000000000000018', '19 digits (Maestro)'],
    ['card: 5555 5555 5555 4444, thanks', 'inside text'],
    ['4111 1111 1111 1111 2029', 'followed by an expiry year'],
    ['ref 12 4111 1111 1111 1111', 'after other digits'],
  ])('finds %s (%s)', (text) => {
    expect(containsCardNumber(text)).toBe(true);
  });

  it.each([
    ['4111111111111112', 'fails the Luhn check'],
    ['4111 1111 1111 1112', 'fails the Luhn check, with spaces'],
    ['411111111111', '12 digits'],
    ['41111111111111111111', 'an unbroken run of 20 digits'],
    ['4111  1111  1111  1111', 'double spaces are not one number'],
    ['+44 20 7946 0000', 'a phone number'],
    ['2026-11-25T10:00:00Z', 'a timestamp'],
    ['0f8fad5b-d9cb-469f-a165-70867728950e', 'a uuid'],
  ])('ignores %s (%s)', (text) => {
    expect(containsCardNumber(text)).toBe(false);
  });

  it('checks Luhn like the card schemes do', () => {
    expect(isLuhnValid('79927398713')).toBe(true);
    expect(isLuhnValid('79927398710')).toBe(false);
  });

  it('looks through nested objects, arrays, property names and numbers', () => {
    expect(holdsCardNumber({ a: { b: [{ c: 'x' }, { d: 'pan 4111-1111-1111-1111' }] } })).toBe(
      true,
    );
    expect(holdsCardNumber({ a: [{ '4111 1111 1111 1111': 'name' }] })).toBe(true);
    expect(holdsCardNumber({ n: 4111111111111111 })).toBe(true);
    expect(holdsCardNumber({ a: ['4111 1111 1111 1112', 12, null, true] })).toBe(false);
  });

  it('stays fast on a long string of digit groups', () => {
    const text = '1 '.repeat(50_000);
    const started = performance.now();
    expect(containsCardNumber(text)).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
