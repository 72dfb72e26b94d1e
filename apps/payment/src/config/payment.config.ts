import { z } from 'zod';
import { envFields, loadConfig, type Environment } from '#lumen/config';

const paymentEnvSchema = z
  .object({
    NODE_ENV: envFields.nodeEnv,
    PORT: envFields.port(3001),
    HOST: envFields.host,
    DATABASE_URL: envFields.databaseUrl,
    DATABASE_SCHEMA: envFields.databaseSchema('payment'),
    KAFKA_BROKERS: envFields.kafkaBrokers,
    /** Checked by /health/ready (libs/metrics); no feature uses Redis yet. */
    REDIS_URL: envFields.redisUrl,
    /** Consumer group and inbox name; tests use their own. */
    KAFKA_CONSUMER_GROUP: z.string().min(1).default('payment'),
    LUMEN_KEYS_DIR: envFields.keysDir,
    RETENTION_SCHEDULE: envFields.retentionSchedule,
    LOG_LEVEL: envFields.logLevel,
    /** Set explicitly in production; locally they follow the port table `npm start` passes. */
    KEY_SERVICE_URL: z.url().optional(),
    GATEWAY_URL: z.url().optional(),
    LUMEN_PRIVACY_PORT: envFields.port(3003),
    LUMEN_GATEWAY_SIMULATOR_PORT: envFields.port(3101),
    /** The gateway's root, pinned: `{ keyId, publicKey }` (the simulator writes `root.json`). */
    GATEWAY_ROOT_FILE: z.string().min(1).default('.lumen/gateway/root.json'),
    /** The merchant's certified key; replaced atomically to rotate, re-read when it changes. */
    MERCHANT_KEY_FILE: z.string().min(1).default('.lumen/payment/merchant-key.json'),
    MERCHANT_ID: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
      .default('lumen-shop'),
    /** Development only: enrol a fresh merchant key with the simulator when none exists. */
    GATEWAY_OPERATOR_TOKEN_FILE: z.string().min(1).default('.lumen/gateway/operator-token'),
    REVOCATION_POLL_MS: z.coerce.number().int().min(100).max(30_000).default(10_000),
    REVOCATION_MAX_AGE_MS: z.coerce.number().int().min(1_000).max(300_000).default(60_000),
    GATEWAY_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(5_000),
    GATEWAY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
    GATEWAY_RETRY_DELAY_MS: z.coerce.number().int().min(1).max(10_000).default(250),
    /** All gateway calls of one payment, retries included; below the consumer's 30 s session. */
    GATEWAY_BUDGET_MS: z.coerce.number().int().min(100).max(25_000).default(20_000),
    /** A card token not used up by then is destroyed by the backstop. */
    CARD_TOKEN_TTL_MS: z.coerce.number().int().min(1_000).default(3_600_000),
    CARD_TOKEN_SWEEP_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  })
  .superRefine((env, context) => {
    // A list must be able to miss a poll or two without every answer being refused.
    if (env.REVOCATION_MAX_AGE_MS < 2 * env.REVOCATION_POLL_MS) {
      context.addIssue({
        code: 'custom',
        path: ['REVOCATION_MAX_AGE_MS'],
        message: 'must be at least twice REVOCATION_POLL_MS',
      });
    }
  });

export interface PaymentConfig {
  readonly nodeEnv: 'development' | 'test' | 'production';
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly databaseSchema: string;
  readonly kafkaBrokers: readonly string[];
  readonly redisUrl: string;
  readonly consumerGroup: string;
  readonly keysDir: string;
  /** Path of deploy/retention-schedule.json: what this service deletes or masks, and when. */
  readonly retentionSchedulePath: string;
  readonly logLevel: string;
  readonly keyServiceUrl: string;
  readonly gatewayUrl: string;
  readonly gatewayRootFile: string;
  readonly merchantKeyFile: string;
  readonly merchantId: string;
  readonly operatorTokenFile: string;
  readonly revocationPollMs: number;
  readonly revocationMaxAgeMs: number;
  readonly gatewayTimeoutMs: number;
  readonly gatewayMaxAttempts: number;
  readonly gatewayRetryDelayMs: number;
  readonly gatewayBudgetMs: number;
  readonly cardTokenTtlMs: number;
  readonly cardTokenSweepMs: number;
}

export const PAYMENT_CONFIG = Symbol('PAYMENT_CONFIG');

/** Parses the payment service's environment once, at boot; a bad value stops the service. */
export function loadPaymentConfig(env: Environment = process.env): PaymentConfig {
  const p = loadConfig(paymentEnvSchema, env);
  return {
    nodeEnv: p.NODE_ENV,
    port: p.PORT,
    host: p.HOST,
    databaseUrl: p.DATABASE_URL,
    databaseSchema: p.DATABASE_SCHEMA,
    kafkaBrokers: p.KAFKA_BROKERS,
    redisUrl: p.REDIS_URL,
    consumerGroup: p.KAFKA_CONSUMER_GROUP,
    keysDir: p.LUMEN_KEYS_DIR,
    retentionSchedulePath: p.RETENTION_SCHEDULE,
    logLevel: p.LOG_LEVEL,
    keyServiceUrl: p.KEY_SERVICE_URL ?? `http://127.0.0.1:${p.LUMEN_PRIVACY_PORT}`,
    gatewayUrl: p.GATEWAY_URL ?? `http://127.0.0.1:${p.LUMEN_GATEWAY_SIMULATOR_PORT}`,
    gatewayRootFile: p.GATEWAY_ROOT_FILE,
    merchantKeyFile: p.MERCHANT_KEY_FILE,
    merchantId: p.MERCHANT_ID,
    operatorTokenFile: p.GATEWAY_OPERATOR_TOKEN_FILE,
    revocationPollMs: p.REVOCATION_POLL_MS,
    revocationMaxAgeMs: p.REVOCATION_MAX_AGE_MS,
    gatewayTimeoutMs: p.GATEWAY_TIMEOUT_MS,
    gatewayMaxAttempts: p.GATEWAY_MAX_ATTEMPTS,
    gatewayRetryDelayMs: p.GATEWAY_RETRY_DELAY_MS,
    gatewayBudgetMs: p.GATEWAY_BUDGET_MS,
    cardTokenTtlMs: p.CARD_TOKEN_TTL_MS,
    cardTokenSweepMs: p.CARD_TOKEN_SWEEP_MS,
  };
}
