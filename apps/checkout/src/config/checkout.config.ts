import { createHash } from 'node:crypto';
import { z } from 'zod';
import { envFields, loadConfig, type Environment } from '#lumen/config';

/**
 * Development only: a blind-index secret anyone can derive from this text, so `npm start` runs
 * with nothing configured. Production refuses to start without CHECKOUT_INDEX_SECRET: with a
 * public secret, anyone holding the customers table could test it against a list of e-mails.
 */
const DEVELOPMENT_INDEX_SECRET = createHash('sha256')
  .update('lumen development checkout index secret: public, never for production data')
  .digest();

const checkoutEnvSchema = z
  .object({
    NODE_ENV: envFields.nodeEnv,
    PORT: envFields.port(3000),
    HOST: envFields.host,
    DATABASE_URL: envFields.databaseUrl,
    DATABASE_SCHEMA: envFields.databaseSchema('checkout'),
    KAFKA_BROKERS: envFields.kafkaBrokers,
    /** Checked by /health/ready (libs/metrics); no feature uses Redis yet. */
    REDIS_URL: envFields.redisUrl,
    LUMEN_KEYS_DIR: envFields.keysDir,
    RETENTION_SCHEDULE: envFields.retentionSchedule,
    LOG_LEVEL: envFields.logLevel,
    /** The key service; defaults to the privacy service on this machine (`npm start` sets its port). */
    KEY_SERVICE_URL: z
      .url({ protocol: /^https?$/, error: 'expected an http(s):// URL' })
      .optional(),
    LUMEN_PRIVACY_PORT: envFields.port(3003),
    /** 32 random bytes, base64 (`openssl rand -base64 32`): keys the e-mail blind index. */
    CHECKOUT_INDEX_SECRET: z
      .string()
      .optional()
      .refine((value) => value === undefined || Buffer.from(value, 'base64').length === 32, {
        message: 'expected 32 bytes, base64-encoded (openssl rand -base64 32)',
      }),
    /** Payment gateways storefronts may name; payment must have an adapter for each. */
    CHECKOUT_PAYMENT_GATEWAYS: z
      .string()
      .default('simulator,paypal,opayo')
      .transform((value) => value.split(',').map((name) => name.trim()))
      .refine((names) => names.every((name) => /^[a-z][a-z0-9-]{0,31}$/.test(name)), {
        message: 'expected a comma-separated list of lower-case gateway names',
      }),
    /** Kafka consumer group (and inbox name); tests use their own. */
    CHECKOUT_CONSUMER_GROUP: z
      .string()
      .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'expected a consumer group name')
      .default('checkout'),
    /** Largest accepted request body; larger ones are refused with 413 before parsing. */
    CHECKOUT_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(1_048_576).default(32_768),
  })
  .superRefine((env, context) => {
    if (env.NODE_ENV === 'production' && env.CHECKOUT_INDEX_SECRET === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['CHECKOUT_INDEX_SECRET'],
        message: 'required when NODE_ENV=production (the development default is public)',
      });
    }
  });

export interface CheckoutConfig {
  readonly nodeEnv: 'development' | 'test' | 'production';
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly databaseSchema: string;
  readonly kafkaBrokers: readonly string[];
  readonly redisUrl: string;
  readonly keysDir: string;
  /** Path of deploy/retention-schedule.json: what checkout deletes or masks, and when. */
  readonly retentionSchedulePath: string;
  readonly logLevel: string;
  readonly keyServiceUrl: string;
  /** Keys the HMAC blind index of customers' e-mail addresses (and request fingerprints). */
  readonly indexSecret: Buffer;
  /** True when running on the public development index secret. */
  readonly developmentIndexSecret: boolean;
  readonly paymentGateways: readonly string[];
  readonly bodyLimitBytes: number;
  readonly consumerGroup: string;
}

export const CHECKOUT_CONFIG = Symbol('CHECKOUT_CONFIG');

/** Parses checkout's environment once, at boot; a bad value stops the service. */
export function loadCheckoutConfig(env: Environment = process.env): CheckoutConfig {
  const parsed = loadConfig(checkoutEnvSchema, env);
  const secret = parsed.CHECKOUT_INDEX_SECRET;
  return {
    nodeEnv: parsed.NODE_ENV,
    port: parsed.PORT,
    host: parsed.HOST,
    databaseUrl: parsed.DATABASE_URL,
    databaseSchema: parsed.DATABASE_SCHEMA,
    kafkaBrokers: parsed.KAFKA_BROKERS,
    redisUrl: parsed.REDIS_URL,
    keysDir: parsed.LUMEN_KEYS_DIR,
    retentionSchedulePath: parsed.RETENTION_SCHEDULE,
    logLevel: parsed.LOG_LEVEL,
    keyServiceUrl: parsed.KEY_SERVICE_URL ?? `http://127.0.0.1:${parsed.LUMEN_PRIVACY_PORT}`,
    indexSecret: secret === undefined ? DEVELOPMENT_INDEX_SECRET : Buffer.from(secret, 'base64'),
    developmentIndexSecret: secret === undefined,
    paymentGateways: parsed.CHECKOUT_PAYMENT_GATEWAYS,
    bodyLimitBytes: parsed.CHECKOUT_BODY_LIMIT_BYTES,
    consumerGroup: parsed.CHECKOUT_CONSUMER_GROUP,
  };
}
