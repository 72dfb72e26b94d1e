import { ConfigError } from '#lumen/config';
import { loadFulfilmentConfig } from './fulfilment.config';

describe('loadFulfilmentConfig', () => {
  it('runs on this machine with nothing configured', () => {
    const config = loadFulfilmentConfig({});
    expect(config).toMatchObject({
      port: 3002,
      databaseSchema: 'fulfilment',
      consumerGroup: 'fulfilment',
      keyServiceUrl: 'http://127.0.0.1:3003',
      carrier: {
        name: 'carrier-simulator',
        url: 'http://127.0.0.1:3102',
        signingKeyFile: '.lumen/carrier/merchant.signing-key.json',
        trustedKeyFile: '.lumen/carrier/carrier.trusted-key.json',
        createDevKeys: true,
      },
      tracking: { checkAfterMs: 30 * 60_000 },
      sealedAddressRetentionMs: 7 * 86_400_000,
    });
  });

  it('finds the key service and the carrier simulator on the ports npm start gives them', () => {
    const config = loadFulfilmentConfig({
      LUMEN_PRIVACY_PORT: '4003',
      LUMEN_CARRIER_SIMULATOR_PORT: '4102',
    });
    expect(config.keyServiceUrl).toBe('http://127.0.0.1:4003');
    expect(config.carrier.url).toBe('http://127.0.0.1:4102');
  });

  it('holds a handover lease longer than all quick attempts together', () => {
    const config = loadFulfilmentConfig({ CARRIER_TIMEOUT_MS: '20000', CARRIER_ATTEMPTS: '4' });
    expect(config.handover.leaseMs).toBeGreaterThan(4 * 20_000);
  });

  it('refuses development carrier keys in production, naming the variable', () => {
    expect(() => loadFulfilmentConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadFulfilmentConfig({ NODE_ENV: 'production' })).toThrow(
      /CARRIER_CREATE_DEV_KEYS/,
    );
    expect(() =>
      loadFulfilmentConfig({ NODE_ENV: 'production', CARRIER_CREATE_DEV_KEYS: 'false' }),
    ).not.toThrow();
  });

  it('refuses a schema name too long for the handover notification channel', () => {
    expect(() => loadFulfilmentConfig({ DATABASE_SCHEMA: 'a'.repeat(37) })).not.toThrow();
    expect(() => loadFulfilmentConfig({ DATABASE_SCHEMA: 'a'.repeat(38) })).toThrow(
      /DATABASE_SCHEMA/,
    );
  });

  it('refuses a retry ceiling below the first delay', () => {
    expect(() =>
      loadFulfilmentConfig({ HANDOVER_RETRY_BASE_MS: '5000', HANDOVER_RETRY_MAX_MS: '1000' }),
    ).toThrow(/HANDOVER_RETRY_MAX_MS/);
  });
});
