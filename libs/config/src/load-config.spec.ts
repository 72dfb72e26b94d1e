import { z } from 'zod';
import { ConfigError, envFields, loadConfig } from '#lumen/config';

const schema = z.object({
  PORT: envFields.port(3000),
  KAFKA_BROKERS: envFields.kafkaBrokers,
  DATABASE_URL: envFields.databaseUrl,
  FEATURE: envFields.booleanFlag(false),
});

describe('loadConfig', () => {
  it('applies development defaults when nothing is set', () => {
    expect(loadConfig(schema, {})).toEqual({
      PORT: 3000,
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/lumen',
      FEATURE: false,
    });
  });

  it('parses and coerces the values given', () => {
    const config = loadConfig(schema, {
      PORT: '8080',
      KAFKA_BROKERS: 'a:1, b:2',
      FEATURE: 'true',
    });
    expect(config.PORT).toBe(8080);
    expect(config.KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
    expect(config.FEATURE).toBe(true);
  });

  it('names every bad variable and never echoes its value', () => {
    let error: unknown;
    try {
      loadConfig(schema, { PORT: '99999', DATABASE_URL: 'mysql://secret-password@x/y' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('PORT');
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain('secret-password');
  });
});
