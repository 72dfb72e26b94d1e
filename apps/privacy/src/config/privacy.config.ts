import { createHash } from 'node:crypto';
import { z } from 'zod';
import { envFields, loadConfig, type Environment } from '#lumen/config';
import { MasterKey } from '#lumen/crypto';

/**
 * Development only: a master key anyone can derive from this text. It lets `npm start` run
 * with no secret configured; production refuses to start without LUMEN_MASTER_KEY, because
 * data keys wrapped under a public key protect nothing.
 */
const DEVELOPMENT_MASTER_KEY = createHash('sha256')
  .update('lumen development master key: public, never for production data')
  .digest();

const privacyEnvSchema = z
  .object({
    NODE_ENV: envFields.nodeEnv,
    PORT: envFields.port(3003),
    HOST: envFields.host,
    DATABASE_URL: envFields.databaseUrl,
    DATABASE_SCHEMA: envFields.databaseSchema('privacy'),
    KAFKA_BROKERS: envFields.kafkaBrokers,
    /** Checked by /health/ready (libs/metrics); no feature uses Redis yet. */
    REDIS_URL: envFields.redisUrl,
    LUMEN_KEYS_DIR: envFields.keysDir,
    LOG_LEVEL: envFields.logLevel,
    /** 32 random bytes, base64: `openssl rand -base64 32`. */
    LUMEN_MASTER_KEY: z
      .string()
      .optional()
      .refine((value) => value === undefined || Buffer.from(value, 'base64').length === 32, {
        message: 'expected 32 bytes, base64-encoded (openssl rand -base64 32)',
      }),
  })
  .superRefine((env, context) => {
    if (env.NODE_ENV === 'production' && env.LUMEN_MASTER_KEY === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['LUMEN_MASTER_KEY'],
        message: 'required when NODE_ENV=production (the development default is public)',
      });
    }
  });

export interface PrivacyConfig {
  readonly nodeEnv: 'development' | 'test' | 'production';
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly databaseSchema: string;
  readonly kafkaBrokers: readonly string[];
  readonly redisUrl: string;
  readonly keysDir: string;
  readonly logLevel: string;
  readonly masterKey: MasterKey;
  /** True when running on the public development master key. */
  readonly developmentMasterKey: boolean;
}

export const PRIVACY_CONFIG = Symbol('PRIVACY_CONFIG');

/** Parses the privacy service's environment once, at boot; a bad value stops the service. */
export function loadPrivacyConfig(env: Environment = process.env): PrivacyConfig {
  const parsed = loadConfig(privacyEnvSchema, env);
  const configured = parsed.LUMEN_MASTER_KEY;
  return {
    nodeEnv: parsed.NODE_ENV,
    port: parsed.PORT,
    host: parsed.HOST,
    databaseUrl: parsed.DATABASE_URL,
    databaseSchema: parsed.DATABASE_SCHEMA,
    kafkaBrokers: parsed.KAFKA_BROKERS,
    redisUrl: parsed.REDIS_URL,
    keysDir: parsed.LUMEN_KEYS_DIR,
    logLevel: parsed.LOG_LEVEL,
    masterKey: new MasterKey(
      configured === undefined ? DEVELOPMENT_MASTER_KEY : Buffer.from(configured, 'base64'),
    ),
    developmentMasterKey: configured === undefined,
  };
}
