import { randomBytes } from 'node:crypto';
import { ConfigError } from '#lumen/config';
import { loadPrivacyConfig } from './privacy.config';

describe('privacy config', () => {
  it('runs on development defaults, with the public development master key', () => {
    const config = loadPrivacyConfig({});
    expect(config.port).toBe(3003);
    expect(config.databaseSchema).toBe('privacy');
    expect(config.developmentMasterKey).toBe(true);
    expect(loadPrivacyConfig({}).masterKey.id).toBe(config.masterKey.id);
  });

  it('uses the configured master key', () => {
    const secret = randomBytes(32).toString('base64');
    const config = loadPrivacyConfig({ LUMEN_MASTER_KEY: secret, NODE_ENV: 'production' });
    expect(config.developmentMasterKey).toBe(false);
    expect(config.masterKey.exportMaterial().toString('base64')).toBe(secret);
  });

  it('refuses production without a master key', () => {
    expect(() => loadPrivacyConfig({ NODE_ENV: 'production' })).toThrow(
      /LUMEN_MASTER_KEY: required/,
    );
  });

  it('refuses a master key of the wrong length without echoing it', () => {
    const short = randomBytes(16).toString('base64');
    let error: unknown;
    try {
      loadPrivacyConfig({ LUMEN_MASTER_KEY: short });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('LUMEN_MASTER_KEY');
    expect((error as Error).message).not.toContain(short);
  });
});
