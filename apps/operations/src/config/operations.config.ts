import { z } from 'zod';
import { envFields, loadConfig, type Environment } from '#lumen/config';

/** The services the operations page reads, and the port `npm start` gives each by default. */
export const SCRAPED_SERVICES = {
  checkout: 3000,
  payment: 3001,
  fulfilment: 3002,
  privacy: 3003,
  'gateway-simulator': 3101,
  'carrier-simulator': 3102,
} as const;
export type ScrapedService = keyof typeof SCRAPED_SERVICES;

const url = z.url({ protocol: /^https?$/, error: 'expected an http(s):// URL' }).optional();

const operationsEnvSchema = z.object({
  NODE_ENV: envFields.nodeEnv,
  PORT: envFields.port(3200),
  LUMEN_OPERATIONS_PORT: envFields.port(3200).optional(),
  HOST: envFields.host,
  LOG_LEVEL: envFields.logLevel,
  /** Each service's base URL; default http://127.0.0.1:<LUMEN_<NAME>_PORT>, as `npm start` runs them. */
  LUMEN_CHECKOUT_URL: url,
  LUMEN_PAYMENT_URL: url,
  LUMEN_FULFILMENT_URL: url,
  LUMEN_PRIVACY_URL: url,
  LUMEN_GATEWAY_SIMULATOR_URL: url,
  LUMEN_CARRIER_SIMULATOR_URL: url,
  LUMEN_CHECKOUT_PORT: envFields.port(SCRAPED_SERVICES.checkout),
  LUMEN_PAYMENT_PORT: envFields.port(SCRAPED_SERVICES.payment),
  LUMEN_FULFILMENT_PORT: envFields.port(SCRAPED_SERVICES.fulfilment),
  LUMEN_PRIVACY_PORT: envFields.port(SCRAPED_SERVICES.privacy),
  LUMEN_GATEWAY_SIMULATOR_PORT: envFields.port(SCRAPED_SERVICES['gateway-simulator']),
  LUMEN_CARRIER_SIMULATOR_PORT: envFields.port(SCRAPED_SERVICES['carrier-simulator']),
  /** A scrape that takes longer than this counts the service as down. */
  OPERATIONS_SCRAPE_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(2_000),
  /** Rates and percentiles are computed over this much history. */
  OPERATIONS_WINDOW_SECONDS: z.coerce.number().int().min(5).max(3_600).default(60),
  /** Where index.html and operations.js live; default apps/operations/public. */
  OPERATIONS_PUBLIC_DIR: z.string().min(1).optional(),
});

export interface OperationsConfig {
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
  readonly services: Readonly<Record<ScrapedService, string>>;
  readonly scrapeTimeoutMs: number;
  readonly windowSeconds: number;
  readonly publicDir: string | undefined;
}

export const OPERATIONS_CONFIG = Symbol('OPERATIONS_CONFIG');

export function loadOperationsConfig(env: Environment = process.env): OperationsConfig {
  const parsed = loadConfig(operationsEnvSchema, env);
  const base = (given: string | undefined, port: number): string =>
    (given ?? `http://127.0.0.1:${port}`).replace(/\/+$/, '');
  return {
    port: parsed.LUMEN_OPERATIONS_PORT ?? parsed.PORT,
    host: parsed.HOST,
    logLevel: parsed.LOG_LEVEL,
    services: {
      checkout: base(parsed.LUMEN_CHECKOUT_URL, parsed.LUMEN_CHECKOUT_PORT),
      payment: base(parsed.LUMEN_PAYMENT_URL, parsed.LUMEN_PAYMENT_PORT),
      fulfilment: base(parsed.LUMEN_FULFILMENT_URL, parsed.LUMEN_FULFILMENT_PORT),
      privacy: base(parsed.LUMEN_PRIVACY_URL, parsed.LUMEN_PRIVACY_PORT),
      'gateway-simulator': base(
        parsed.LUMEN_GATEWAY_SIMULATOR_URL,
        parsed.LUMEN_GATEWAY_SIMULATOR_PORT,
      ),
      'carrier-simulator': base(
        parsed.LUMEN_CARRIER_SIMULATOR_URL,
        parsed.LUMEN_CARRIER_SIMULATOR_PORT,
      ),
    },
    scrapeTimeoutMs: parsed.OPERATIONS_SCRAPE_TIMEOUT_MS,
    windowSeconds: parsed.OPERATIONS_WINDOW_SECONDS,
    publicDir: parsed.OPERATIONS_PUBLIC_DIR,
  };
}
