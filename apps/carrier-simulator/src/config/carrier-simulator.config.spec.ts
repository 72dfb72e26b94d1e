import { ConfigError } from '#lumen/config';
import { loadCarrierSimulatorConfig } from './carrier-simulator.config';

describe('carrier simulator config', () => {
  it('runs on development defaults: port 3102, dev keys, callbacks to fulfilment', () => {
    const config = loadCarrierSimulatorConfig({});
    expect(config).toMatchObject({
      port: 3102,
      host: '127.0.0.1',
      keysDir: '.lumen/carrier',
      merchantKeyFile: '.lumen/carrier/merchant.trusted-key.json',
      signingKeyFile: '.lumen/carrier/carrier.signing-key.json',
      createDevKeys: true,
      callbackUrl: 'http://127.0.0.1:3002/carrier/v1/tracking-events',
    });
  });

  it('follows the fulfilment port npm start gives every service, unless a URL is set', () => {
    expect(loadCarrierSimulatorConfig({ LUMEN_FULFILMENT_PORT: '4002' }).callbackUrl).toBe(
      'http://127.0.0.1:4002/carrier/v1/tracking-events',
    );
    expect(
      loadCarrierSimulatorConfig({ CARRIER_CALLBACK_URL: 'https://shop.example/cb?x=1' })
        .callbackUrl,
    ).toBe('https://shop.example/cb?x=1');
  });

  it('refuses to make up keys in production', () => {
    expect(() => loadCarrierSimulatorConfig({ NODE_ENV: 'production' })).toThrow(
      /CARRIER_CREATE_DEV_KEYS/,
    );
    expect(
      loadCarrierSimulatorConfig({ NODE_ENV: 'production', CARRIER_CREATE_DEV_KEYS: 'false' })
        .createDevKeys,
    ).toBe(false);
  });

  it('names a bad variable', () => {
    expect(() => loadCarrierSimulatorConfig({ CARRIER_CALLBACK_URL: 'ftp://x' })).toThrow(
      ConfigError,
    );
    expect(() => loadCarrierSimulatorConfig({ CARRIER_DISPATCH_DELAY_MS: '-1' })).toThrow(
      /CARRIER_DISPATCH_DELAY_MS/,
    );
  });

  it('refuses to open the control endpoints beyond this machine without a token', () => {
    expect(() => loadCarrierSimulatorConfig({ HOST: '0.0.0.0' })).toThrow(
      /CARRIER_SIMULATOR_CONTROL_TOKEN: required/,
    );
    const token = 'a'.repeat(32);
    expect(
      loadCarrierSimulatorConfig({ HOST: '0.0.0.0', CARRIER_SIMULATOR_CONTROL_TOKEN: token })
        .controlToken,
    ).toBe(token);
  });
});
