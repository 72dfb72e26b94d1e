import { z } from 'zod';
import { envFields, loadConfig, type Environment } from '#lumen/config';

const gatewaySimulatorEnvSchema = z.object({
  PORT: envFields.port(3101),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Root CA, answer key, certificates and revocations live here across restarts. */
  GATEWAY_DATA_DIR: z.string().min(1).default('.lumen/gateway'),
  /**
   * Bearer token for the operator endpoints (enrol, revoke, test switches). When unset, one
   * is generated into `<GATEWAY_DATA_DIR>/operator-token` (mode 0600) on first start.
   */
  GATEWAY_OPERATOR_TOKEN: z.string().min(32, 'expected at least 32 characters').optional(),
  /** How long a certified answer key of the gateway itself is valid. */
  GATEWAY_ANSWER_KEY_DAYS: z.coerce.number().int().min(1).max(825).default(90),
  LOG_LEVEL: envFields.logLevel,
});

export interface GatewaySimulatorConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly operatorToken: string | undefined;
  readonly answerKeyDays: number;
  readonly logLevel: string;
}

export const GATEWAY_SIMULATOR_CONFIG = Symbol('GATEWAY_SIMULATOR_CONFIG');

/** Parses the simulator's environment once, at boot. */
export function loadGatewaySimulatorConfig(env: Environment = process.env): GatewaySimulatorConfig {
  const parsed = loadConfig(gatewaySimulatorEnvSchema, env);
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    dataDir: parsed.GATEWAY_DATA_DIR,
    operatorToken: parsed.GATEWAY_OPERATOR_TOKEN,
    answerKeyDays: parsed.GATEWAY_ANSWER_KEY_DAYS,
    logLevel: parsed.LOG_LEVEL,
  };
}
