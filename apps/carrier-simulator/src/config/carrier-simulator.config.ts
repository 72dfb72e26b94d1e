import { z } from 'zod';
import { envFields, loadConfig, type Environment } from '#lumen/config';
import {
  CARRIER_TRACKING_CALLBACK_PATH,
  carrierSigningKeyPath,
  carrierTrustedKeyPath,
  DEFAULT_CARRIER_KEYS_DIR,
} from '#lumen/carrier';

const delay = (fallback: number) => z.coerce.number().int().min(0).max(3_600_000).default(fallback);

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

const carrierSimulatorEnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: envFields.port(3102),
    HOST: z.string().min(1).default('127.0.0.1'),
    LOG_LEVEL: envFields.logLevel,
    /** Development key files of both parties (see `ensureCarrierDevKeys` in #lumen/carrier). */
    CARRIER_KEYS_DIR: z.string().min(1).default(DEFAULT_CARRIER_KEYS_DIR),
    /** The merchant's public key(s) the simulator trusts; default `<dir>/merchant.trusted-key.json`. */
    CARRIER_MERCHANT_KEY_FILE: z.string().min(1).optional(),
    /** The simulator's own signing key; default `<dir>/carrier.signing-key.json`. */
    CARRIER_SIGNING_KEY_FILE: z.string().min(1).optional(),
    /** Create missing development keys of both parties at boot; never in production. */
    CARRIER_CREATE_DEV_KEYS: envFields.booleanFlag(true),
    /** Where tracking callbacks go: the merchant's (fulfilment's) callback endpoint. */
    CARRIER_CALLBACK_URL: z
      .url({ protocol: /^https?$/, error: 'expected an http(s):// URL' })
      .optional(),
    /** Set by `npm start` for every service; used for the default callback URL. */
    LUMEN_FULFILMENT_PORT: envFields.port(3002),
    /** After acceptance, the `dispatched` callback follows after this long... */
    CARRIER_DISPATCH_DELAY_MS: delay(2_000),
    /** ...and `delivered` this long after `dispatched`. */
    CARRIER_DELIVERY_DELAY_MS: delay(5_000),
    CARRIER_CALLBACK_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(20),
    CARRIER_CALLBACK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
    /**
     * Bearer token for the simulator control endpoints (`/_test/...`). Optional on a loopback
     * address, where only this machine can reach them; required on any other.
     */
    CARRIER_SIMULATOR_CONTROL_TOKEN: z
      .string()
      .min(32, 'expected at least 32 characters')
      .optional(),
  })
  .superRefine((env, context) => {
    if (!LOOPBACK_HOSTS.has(env.HOST) && env.CARRIER_SIMULATOR_CONTROL_TOKEN === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['CARRIER_SIMULATOR_CONTROL_TOKEN'],
        message: `required when HOST is not a loopback address (${[...LOOPBACK_HOSTS].join(', ')}): anyone who reaches /_test can make the carrier refuse shipments`,
      });
    }
    if (env.NODE_ENV === 'production' && env.CARRIER_CREATE_DEV_KEYS) {
      context.addIssue({
        code: 'custom',
        path: ['CARRIER_CREATE_DEV_KEYS'],
        message: 'must be false when NODE_ENV=production (configure the key files instead)',
      });
    }
  });

export interface CarrierSimulatorConfig {
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
  readonly keysDir: string;
  readonly merchantKeyFile: string;
  readonly signingKeyFile: string;
  readonly createDevKeys: boolean;
  readonly callbackUrl: string;
  readonly dispatchDelayMs: number;
  readonly deliveryDelayMs: number;
  readonly callbackAttempts: number;
  readonly callbackTimeoutMs: number;
  readonly controlToken: string | undefined;
}

export const CARRIER_SIMULATOR_CONFIG = Symbol('CARRIER_SIMULATOR_CONFIG');

/** Parses the simulator's environment once, at boot; a bad value stops it with the variable named. */
export function loadCarrierSimulatorConfig(env: Environment = process.env): CarrierSimulatorConfig {
  const parsed = loadConfig(carrierSimulatorEnvSchema, env);
  const keysDir = parsed.CARRIER_KEYS_DIR;
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    logLevel: parsed.LOG_LEVEL,
    keysDir,
    merchantKeyFile: parsed.CARRIER_MERCHANT_KEY_FILE ?? carrierTrustedKeyPath(keysDir, 'merchant'),
    signingKeyFile: parsed.CARRIER_SIGNING_KEY_FILE ?? carrierSigningKeyPath(keysDir, 'carrier'),
    createDevKeys: parsed.CARRIER_CREATE_DEV_KEYS,
    callbackUrl:
      parsed.CARRIER_CALLBACK_URL ??
      new URL(CARRIER_TRACKING_CALLBACK_PATH, `http://127.0.0.1:${parsed.LUMEN_FULFILMENT_PORT}`)
        .href,
    dispatchDelayMs: parsed.CARRIER_DISPATCH_DELAY_MS,
    deliveryDelayMs: parsed.CARRIER_DELIVERY_DELAY_MS,
    callbackAttempts: parsed.CARRIER_CALLBACK_ATTEMPTS,
    callbackTimeoutMs: parsed.CARRIER_CALLBACK_TIMEOUT_MS,
    controlToken: parsed.CARRIER_SIMULATOR_CONTROL_TOKEN,
  };
}
