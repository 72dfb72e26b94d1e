import { z } from 'zod';

/**
 * Reusable pieces of app environment schemas. Defaults match the development machines
 * (INFRA.md) so `npm start` needs no configuration; production sets every one.
 */
export const envFields = {
  port: (fallback: number) => z.coerce.number().int().min(1).max(65_535).default(fallback),

  kafkaBrokers: z
    .string()
    .default('127.0.0.1:9092')
    .transform((value) => value.split(',').map((broker) => broker.trim()))
    .refine((brokers) => brokers.every((b) => /^[\w.-]+:\d+$/.test(b)), {
      message: 'expected a comma-separated list of host:port',
    }),

  databaseUrl: z
    .url({ protocol: /^postgres(ql)?$/, error: 'expected a postgres:// URL' })
    .default('postgres://postgres@127.0.0.1:5432/lumen'),

  redisUrl: z
    .url({ protocol: /^rediss?$/, error: 'expected a redis:// URL' })
    .default('redis://127.0.0.1:6379'),

  nodeEnv: z.enum(['development', 'test', 'production']).default('development'),

  host: z.string().min(1).default('127.0.0.1'),

  /** The service's own schema; names end up in DDL and NOTIFY channels, so plain and short. */
  databaseSchema: (fallback: string, maxLength = 63) =>
    z
      .string()
      .regex(
        new RegExp(`^[a-z_][a-z0-9_]{0,${maxLength - 1}}$`),
        maxLength === 63
          ? 'expected a plain SQL identifier'
          : `expected a plain SQL identifier of at most ${maxLength} characters`,
      )
      .default(fallback),

  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  /** Folder holding this machine's service signing keys (see scripts/provision). */
  keysDir: z.string().min(1).default('.lumen/keys'),

  /** The retention schedule every service enforces (libs/retention reads and validates it). */
  retentionSchedule: z.string().min(1).default('deploy/retention-schedule.json'),

  tracesExporter: z.enum(['zipkin', 'otlp', 'console', 'none']).default('none'),

  booleanFlag: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((value) => value === 'true' || value === '1'),
} as const;
