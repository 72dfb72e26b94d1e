import { ConfigError } from '#lumen/config';
import { loadPaymentConfig } from './payment.config';

describe('payment config', () => {
  it('runs on development defaults that keep the policy: a poll ≤ 30 s, stale after 60 s', () => {
    const config = loadPaymentConfig({});
    expect(config).toMatchObject({
      port: 3001,
      databaseSchema: 'payment',
      revocationPollMs: 10_000,
      revocationMaxAgeMs: 60_000,
      keyServiceUrl: 'http://127.0.0.1:3003',
      gatewayUrl: 'http://127.0.0.1:3101',
    });
    expect(config.gatewayBudgetMs).toBeLessThan(30_000);
  });

  it('refuses a poll interval above 30 s, and a staleness limit a single late poll would trip', () => {
    expect(() => loadPaymentConfig({ REVOCATION_POLL_MS: '30001' })).toThrow(ConfigError);
    expect(() =>
      loadPaymentConfig({ REVOCATION_POLL_MS: '20000', REVOCATION_MAX_AGE_MS: '30000' }),
    ).toThrow(/REVOCATION_MAX_AGE_MS: must be at least twice REVOCATION_POLL_MS/);
  });
});
