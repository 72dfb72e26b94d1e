import { detectFindings } from './detect-findings';

describe('leak sweep detectors', () => {
  const find = (text: string, markers: Record<string, string> = {}) =>
    detectFindings([{ location: 'test:x', text }], markers).map((f) => f.category);

  it('finds card numbers written as people write them', () => {
    expect(find('pay with 4242 4242 4242 4242 please')).toEqual(['card.number']);
    expect(find('{"line":"5555-5555-5555-4444"}')).toEqual(['card.number']);
  });

  it('does not take identifiers, digests or timestamps for card numbers', () => {
    expect(
      find(
        [
          '{"id":"49740213-4425-4512-8123-123456789012"}',
          'lumen:v1:dk_abc123:AbC4242424242424242xYz',
          'sig=MEUCIQD4242424242424242==',
          '"time":1795598779873',
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('finds planted markers case-insensitively, and other e-mail addresses', () => {
    expect(
      find('Hello ZEPHYRINE QUILLMARK1; write to shop@example.org', {
        'customer.name': 'Zephyrine Quillmark1',
      }),
    ).toEqual(['customer.name', 'email']);
  });

  it('does not report a planted e-mail marker twice', () => {
    expect(find('to a.b@example.net', { 'customer.email': 'a.b@example.net' })).toEqual([
      'customer.email',
    ]);
  });

  it("reads the fuzz tier's half-megabyte hostile values in one pass", () => {
    const halfMegabyte = 1 << 19;
    expect(find('a'.repeat(halfMegabyte))).toEqual([]);
    expect(find(`${'a1'.repeat(halfMegabyte / 2)} card 4242 4242 4242 4242`)).toEqual([
      'card.number',
    ]);
  });
});
