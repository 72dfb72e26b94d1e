import { z } from 'zod';
import { envFields, loadConfig, type Environment } from '#lumen/config';
import {
  carrierSigningKeyPath,
  carrierTrustedKeyPath,
  DEFAULT_CARRIER_KEYS_DIR,
  MAX_WEIGHT_GRAMS,
} from '#lumen/carrier';

const milliseconds = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s):// URL' }).optional();

const fulfilmentEnvSchema = z
  .object({
    NODE_ENV: envFields.nodeEnv,
    PORT: envFields.port(3002),
    HOST: envFields.host,
    DATABASE_URL: envFields.databaseUrl,
    // At most 37 characters: the handover NOTIFY channel is `lumen_fulfilment_handover_` and
    // the schema, and PostgreSQL refuses channel names over 63 bytes.
    DATABASE_SCHEMA: envFields.databaseSchema('fulfilment', 37),
    KAFKA_BROKERS: envFields.kafkaBrokers,
    /** Checked by /health/ready (libs/metrics); no feature uses Redis yet. */
    REDIS_URL: envFields.redisUrl,
    LUMEN_KEYS_DIR: envFields.keysDir,
    RETENTION_SCHEDULE: envFields.retentionSchedule,
    LOG_LEVEL: envFields.logLevel,
    /** Kafka consumer group (and inbox name); tests use their own. */
    FULFILMENT_CONSUMER_GROUP: z
      .string()
      .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'expected a consumer group name')
      .default('fulfilment'),
    /** The key service; defaults to the privacy service on this machine (`npm start` sets its port). */
    KEY_SERVICE_URL: httpUrl,
    LUMEN_PRIVACY_PORT: envFields.port(3003),
    /** The carrier's API; defaults to the carrier simulator on this machine. */
    CARRIER_URL: httpUrl,
    LUMEN_CARRIER_SIMULATOR_PORT: envFields.port(3102),
    /** The carrier's name on fulfilment events. */
    CARRIER_NAME: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,62}$/, 'expected a lower-case carrier name')
      .default('carrier-simulator'),
    /** Development key files of both wire parties (see `ensureCarrierDevKeys` in #lumen/carrier). */
    CARRIER_KEYS_DIR: z.string().min(1).default(DEFAULT_CARRIER_KEYS_DIR),
    /** The merchant key fulfilment signs shipments with; default `<dir>/merchant.signing-key.json`. */
    CARRIER_SIGNING_KEY_FILE: z.string().min(1).optional(),
    /** The carrier's public key(s); default `<dir>/carrier.trusted-key.json`. */
    CARRIER_TRUSTED_KEY_FILE: z.string().min(1).optional(),
    /** Create missing development keys of both parties at boot; never in production. */
    CARRIER_CREATE_DEV_KEYS: envFields.booleanFlag(true),
    /** One HTTP request to the carrier. */
    CARRIER_TIMEOUT_MS: milliseconds(100, 120_000, 10_000),
    /** Quick attempts per handover (same idempotency key), before the handover is rescheduled. */
    CARRIER_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
    /** First delay before a rescheduled handover; it doubles up to the maximum. */
    HANDOVER_RETRY_BASE_MS: milliseconds(10, 3_600_000, 2_000),
    HANDOVER_RETRY_MAX_MS: milliseconds(10, 86_400_000, 300_000),
    /** A shipment the carrier could not be reached for this long fails (`carrier-unreachable`). */
    HANDOVER_DEADLINE_MS: milliseconds(1_000, 30 * 86_400_000, 86_400_000),
    /** Safety-net poll for due handovers (a committed shipment wakes the worker at once). */
    HANDOVER_POLL_MS: milliseconds(50, 60_000, 1_000),
    /** A shipment on its way without news for this long is checked with the carrier's tracking query. */
    TRACKING_CHECK_AFTER_MS: milliseconds(100, 7 * 86_400_000, 30 * 60_000),
    /**
     * A sealed address whose order was never paid is deleted after this long (default 7 days,
     * the order topic's retention): an order that is not paid by then is not shipped.
     */
    SEALED_ADDRESS_RETENTION_MS: milliseconds(1_000, 90 * 86_400_000, 7 * 86_400_000),
    /** Packing estimate until a product catalogue gives weights: grams per item... */
    PARCEL_ITEM_WEIGHT_GRAMS: z.coerce.number().int().min(1).max(MAX_WEIGHT_GRAMS).default(500),
    /** ...plus the box and filling. */
    PARCEL_PACKAGING_WEIGHT_GRAMS: z.coerce.number().int().min(0).max(10_000).default(250),
  })
  .superRefine((env, context) => {
    if (env.NODE_ENV === 'production' && env.CARRIER_CREATE_DEV_KEYS) {
      context.addIssue({
        code: 'custom',
        path: ['CARRIER_CREATE_DEV_KEYS'],
        message: 'must be false when NODE_ENV=production (configure the key files instead)',
      });
    }
    if (env.HANDOVER_RETRY_MAX_MS < env.HANDOVER_RETRY_BASE_MS) {
      context.addIssue({
        code: 'custom',
        path: ['HANDOVER_RETRY_MAX_MS'],
        message: 'must be at least HANDOVER_RETRY_BASE_MS',
      });
    }
  });

export interface FulfilmentConfig {
  readonly nodeEnv: 'development' | 'test' | 'production';
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly databaseSchema: string;
  readonly kafkaBrokers: readonly string[];
  readonly redisUrl: string;
  readonly keysDir: string;
  /** Path of deploy/retention-schedule.json: what this service deletes or masks, and when. */
  readonly retentionSchedulePath: string;
  readonly logLevel: string;
  readonly consumerGroup: string;
  readonly keyServiceUrl: string;
  readonly carrier: {
    readonly name: string;
    readonly url: string;
    readonly keysDir: string;
    readonly signingKeyFile: string;
    readonly trustedKeyFile: string;
    readonly createDevKeys: boolean;
    readonly timeoutMs: number;
    readonly attempts: number;
  };
  readonly handover: {
    readonly retryBaseMs: number;
    readonly retryMaxMs: number;
    readonly deadlineMs: number;
    readonly pollMs: number;
    /** How long a worker holds a claimed shipment: longer than every quick attempt together. */
    readonly leaseMs: number;
  };
  readonly tracking: {
    readonly checkAfterMs: number;
  };
  readonly sealedAddressRetentionMs: number;
  readonly parcel: {
    readonly itemWeightGrams: number;
    readonly packagingWeightGrams: number;
  };
}

export const FULFILMENT_CONFIG = Symbol('FULFILMENT_CONFIG');

/** Parses fulfilment's environment once, at boot; a bad value stops the service. */
export function loadFulfilmentConfig(env: Environment = process.env): FulfilmentConfig {
  const parsed = loadConfig(fulfilmentEnvSchema, env);
  const keysDir = parsed.CARRIER_KEYS_DIR;
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
    consumerGroup: parsed.FULFILMENT_CONSUMER_GROUP,
    keyServiceUrl: parsed.KEY_SERVICE_URL ?? `http://127.0.0.1:${parsed.LUMEN_PRIVACY_PORT}`,
    carrier: {
      name: parsed.CARRIER_NAME,
      url: parsed.CARRIER_URL ?? `http://127.0.0.1:${parsed.LUMEN_CARRIER_SIMULATOR_PORT}`,
      keysDir,
      signingKeyFile: parsed.CARRIER_SIGNING_KEY_FILE ?? carrierSigningKeyPath(keysDir, 'merchant'),
      trustedKeyFile: parsed.CARRIER_TRUSTED_KEY_FILE ?? carrierTrustedKeyPath(keysDir, 'carrier'),
      createDevKeys: parsed.CARRIER_CREATE_DEV_KEYS,
      timeoutMs: parsed.CARRIER_TIMEOUT_MS,
      attempts: parsed.CARRIER_ATTEMPTS,
    },
    handover: {
      retryBaseMs: parsed.HANDOVER_RETRY_BASE_MS,
      retryMaxMs: parsed.HANDOVER_RETRY_MAX_MS,
      deadlineMs: parsed.HANDOVER_DEADLINE_MS,
      pollMs: parsed.HANDOVER_POLL_MS,
      // Every quick attempt may take the full timeout, plus backoff between them.
      leaseMs: parsed.CARRIER_ATTEMPTS * (parsed.CARRIER_TIMEOUT_MS + 5_000) + 30_000,
    },
    tracking: { checkAfterMs: parsed.TRACKING_CHECK_AFTER_MS },
    sealedAddressRetentionMs: parsed.SEALED_ADDRESS_RETENTION_MS,
    parcel: {
      itemWeightGrams: parsed.PARCEL_ITEM_WEIGHT_GRAMS,
      packagingWeightGrams: parsed.PARCEL_PACKAGING_WEIGHT_GRAMS,
    },
  };
}
