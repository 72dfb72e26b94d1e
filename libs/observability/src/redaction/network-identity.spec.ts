import { redactPersonalData } from '#lumen/observability';

/** Client addresses and user agents never reach a log line, however a request is logged. */
describe('network identity in logs', () => {
  it('redacts addresses and user agents under every name a request log uses', () => {
    const logged = redactPersonalData({
      req: {
        method: 'GET',
        url: '/statistics/page-views',
        remoteAddress: '203.0.113.7',
        remoteAddr: '203.0.113.7',
        ip: '203.0.113.7',
        headers: {
          'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
          'x-forwarded-for': '198.51.100.23, 10.0.0.1',
          'x-real-ip': '198.51.100.23',
          forwarded: 'for=198.51.100.23;proto=https',
          'cf-connecting-ip': '2001:db8::1',
        },
      },
      clientAddress: '2001:db8:abcd::9',
    });
    const text = JSON.stringify(logged);
    for (const value of ['203.0.113.7', '198.51.100.23', '2001:db8', 'Firefox', 'Mozilla']) {
      expect(text).not.toContain(value);
    }
    expect(text).toContain('/statistics/page-views');
  });
});
