import { redactPersonalText } from './personal-text.redactor';

describe('redactPersonalText', () => {
  it('replaces just the e-mail address', () => {
    expect(redactPersonalText('receipt sent to Jane.Doe+shop@Example.co.uk today')).toBe(
      'receipt sent to [redacted] today',
    );
  });

  it.each([
    ['4111111111111111', 'plain'],
    ['4111 1111 1111 1111', 'spaces'],
    ['4111-1111-1111-1111', 'dashes'],
    ['378282246310005', '15-digit Amex'],
    ['6011 0009 9013 9424', 'Discover'],
  ])('replaces a Luhn-valid card number (%s, %s)', (card) => {
    expect(redactPersonalText(`card ${card} declined`)).toBe('card [redacted] declined');
  });

  it.each([
    ['4111111111111112', 'fails the Luhn check'],
    ['411111111111', 'only 12 digits'],
    ['41111111111111111111', '20 digits: part of a longer number'],
  ])('keeps %s (%s)', (digits) => {
    expect(redactPersonalText(`ref ${digits}`)).toBe(`ref ${digits}`);
  });

  it('keeps text with neither', () => {
    const text = 'order 0f8fad5b-d9cb-469f-a165-70867728950e placed at 2025-05-06T10:00:00Z';
    expect(redactPersonalText(text)).toBe(text);
  });

  it('stays fast on long strings that almost match', () => {
    const text = 'a'.repeat(100_000) + '@' + '1'.repeat(100_000);
    const started = performance.now();
    redactPersonalText(text);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
