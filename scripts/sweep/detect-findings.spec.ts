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

  it('finds phone numbers as people write them, not timestamps or counters', () => {
    expect(find('call +44 7700 900123 or +1 (555) 010-0199')).toEqual(['phone', 'phone']);
    expect(find('"line":"tel 07700 900123"')).toEqual(['phone']);
    expect(find('"time":1795598779873 lumen_orders_total 4412 le="0.25" 123456789')).toEqual([]);
    expect(find('at 2026-11-25T14:58:34.123+00:00 v1.2.3')).toEqual([]);
  });

  it("finds client IP addresses, not the box's own or version numbers", () => {
    expect(find('"ip":"203.0.113.7" from 10.1.2.3')).toEqual(['ip.address', 'ip.address']);
    expect(find('listening on 127.0.0.1:3000 and 0.0.0.0, kafka 4.4.0, 1.2.3.999')).toEqual([]);
  });

  it('reports a planted phone number or address once, under its marker', () => {
    expect(
      find('tel +44 7700 910000, from 203.0.113.10', {
        'customer.phone': '+44 7700 910000',
        'client.ip': '203.0.113.10',
      }),
    ).toEqual(['customer.phone', 'client.ip']);
  });
});
