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
    LUMEN_KEYS_DIR: envFields.keysDir,
    LOG_LEVEL: envFields.logLevel,
    REDIS_URL: envFields.redisUrl,
    /** Namespaces staff sessions in a shared Redis (tests use their own). */
    REDIS_KEY_PREFIX: z
      .string()
      .regex(/^[a-z0-9:_-]{1,40}$/)
      .default('lumen:privacy:'),
    STAFF_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(60).default(15),
    STAFF_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(24).default(8),
    /** A full breached-password corpus, one password a line, added to the bundled list. */
    STAFF_BREACHED_PASSWORDS_FILE: z.string().optional(),
    /** Statistics groups with fewer views than this are not shown. */
    STATISTICS_MIN_COUNT: z.coerce.number().int().min(2).default(10),
    ACCESS_REVIEW_INTERVAL_DAYS: z.coerce.number().int().min(1).max(366).default(90),
    /** Where disclosures read orders from (checkout's staff API). */
    CHECKOUT_URL: z.url().optional(),
    LUMEN_CHECKOUT_PORT: envFields.port(3000),
    PRIVACY_CONSUMER_GROUP: z.string().min(1).max(200).default('privacy'),
    /** Where customers' links point (the privacy API as customers reach it). */
    PRIVACY_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** The local mail adapter's outbox: one JSON file per message. */
    LUMEN_MAIL_OUTBOX_DIR: z.string().min(1).default('.lumen/mail-outbox'),
    /** The bearer token of internal endpoints until staff sessions exist (created if absent). */
    PRIVACY_OPERATOR_TOKEN_FILE: z.string().min(1).default('.lumen/privacy-operator-token'),
    RETENTION_SCHEDULE_PATH: z.string().min(1).default('deploy/retention-schedule.json'),
    /** How long the services have to answer an access request before it is chased. */
    SUBJECT_ACCESS_ANSWER_WINDOW_MS: z.coerce
      .number()
      .int()
      .min(1_000)
      .default(15 * 60_000),
    /** How often answers are chased, erasures resumed and ready links checked. */
    SUBJECT_RIGHTS_TICK_MS: z.coerce.number().int().min(100).default(30_000),
    /** How long a package or receipt stays downloadable once ready. */
    SUBJECT_ACCESS_LINK_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(30),
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
  readonly keysDir: string;
  readonly logLevel: string;
  readonly consumerGroup: string;
  readonly publicUrl: string;
  readonly mailOutboxDir: string;
  readonly operatorTokenFile: string;
  readonly retentionSchedulePath: string;
  readonly subjectRights: {
    readonly answerWindowMs: number;
    readonly tickMs: number;
    readonly linkTtlMs: number;
  };
  readonly masterKey: MasterKey;
  readonly redisUrl: string;
  readonly redisKeyPrefix: string;
  readonly staffSessionIdleMs: number;
  readonly staffSessionMaxMs: number;
  readonly breachedPasswordsFile: string | undefined;
  readonly statisticsMinCount: number;
  readonly accessReviewIntervalDays: number;
  readonly checkoutUrl: string;
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
    keysDir: parsed.LUMEN_KEYS_DIR,
    logLevel: parsed.LOG_LEVEL,
    consumerGroup: parsed.PRIVACY_CONSUMER_GROUP,
    publicUrl: (parsed.PRIVACY_PUBLIC_URL ?? `http://${parsed.HOST}:${parsed.PORT}`).replace(
      /\/$/,
      '',
    ),
    mailOutboxDir: parsed.LUMEN_MAIL_OUTBOX_DIR,
    operatorTokenFile: parsed.PRIVACY_OPERATOR_TOKEN_FILE,
    retentionSchedulePath: parsed.RETENTION_SCHEDULE_PATH,
    subjectRights: {
      answerWindowMs: parsed.SUBJECT_ACCESS_ANSWER_WINDOW_MS,
      tickMs: parsed.SUBJECT_RIGHTS_TICK_MS,
      linkTtlMs: parsed.SUBJECT_ACCESS_LINK_TTL_DAYS * 24 * 60 * 60 * 1000,
    },
    masterKey: new MasterKey(
      configured === undefined ? DEVELOPMENT_MASTER_KEY : Buffer.from(configured, 'base64'),
    ),
    developmentMasterKey: configured === undefined,
    redisUrl: parsed.REDIS_URL,
    redisKeyPrefix: parsed.REDIS_KEY_PREFIX,
    staffSessionIdleMs: parsed.STAFF_SESSION_IDLE_MINUTES * 60_000,
    staffSessionMaxMs: parsed.STAFF_SESSION_MAX_HOURS * 3_600_000,
    breachedPasswordsFile: parsed.STAFF_BREACHED_PASSWORDS_FILE,
    statisticsMinCount: parsed.STATISTICS_MIN_COUNT,
    accessReviewIntervalDays: parsed.ACCESS_REVIEW_INTERVAL_DAYS,
    checkoutUrl: parsed.CHECKOUT_URL ?? `http://127.0.0.1:${parsed.LUMEN_CHECKOUT_PORT}`,
  };
}
