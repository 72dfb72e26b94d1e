import { networkPrefixOf } from './network-prefix';
import { countablePath } from './page-path';
import { userAgentFamily } from './user-agent-family';

describe('network prefix (the only part of an address kept)', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0/24'],
    ['198.51.100.0', '198.51.100.0/24'],
    ['::ffff:192.0.2.128', '192.0.2.0/24'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::/48'],
    ['2001:0db8:0000:0042::1', '2001:db8:0::/48'],
    ['fe80::1%eth0', 'fe80:0:0::/48'],
    ['::1', '0:0:0::/48'],
    ['not an address', 'unknown'],
    ['', 'unknown'],
  ])('%s -> %s', (address, prefix) => {
    expect(networkPrefixOf(address)).toBe(prefix);
  });

  it('never keeps the host part: every address in one /24 or /48 maps to one value', () => {
    const v4 = new Set(Array.from({ length: 256 }, (_, i) => networkPrefixOf(`192.0.2.${i}`)));
    expect(v4).toEqual(new Set(['192.0.2.0/24']));
    const v6 = new Set(
      ['2001:db8:abcd:1::1', '2001:db8:abcd:ffff:ffff:ffff:ffff:ffff', '2001:db8:abcd::'].map(
        networkPrefixOf,
      ),
    );
    expect(v6).toEqual(new Set(['2001:db8:abcd::/48']));
  });
});

describe('user agent families', () => {
  it.each([
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'Chrome',
      'Windows',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      'Edge',
      'Windows',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      'Safari',
      'iOS',
    ],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox', 'Linux'],
    [
      'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
      'Samsung Internet',
      'Android',
    ],
    ['Googlebot/2.1 (+http://www.google.com/bot.html)', 'Bot', 'Other'],
    [undefined, 'Other', 'Other'],
  ])('%s', (ua, browser, os) => {
    expect(userAgentFamily(ua)).toEqual({ browser, os });
  });
});

describe('countable paths', () => {
  it('drops queries and replaces identifiers and contact data', () => {
    expect(countablePath('/Lamps/Desk?utm_source=mail&email=a@b.example')).toBe('/lamps/desk');
    expect(countablePath('/orders/3f2504e0-4f89-11d3-9a0c-0305e82c3301')).toBe('/orders/:id');
    expect(countablePath('/account/jane.doe%40example.com')).toBe('/account/:id');
    expect(countablePath('/call/07700%20900123')).toBe('/call/:id');
    expect(countablePath('/products/12345')).toBe('/products/:id');
    expect(countablePath('no-slash')).toBeUndefined();
    expect(countablePath('/%E0%A4%A')).toBeUndefined();
  });
});
