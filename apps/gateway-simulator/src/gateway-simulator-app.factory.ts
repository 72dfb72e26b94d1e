import type { LoggerService, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { GatewaySimulatorConfig } from './config/gateway-simulator.config';
import { GatewaySimulatorAppModule } from './gateway-simulator-app.module';

/** Gateway messages are small; anything much larger is refused before parsing. */
const BODY_LIMIT_BYTES = 32 * 1024;

/**
 * The simulator as one Nest app on Fastify; `main.ts` listens on it and tests boot exactly
 * this. `rawBody` keeps the bytes the merchant signed.
 */
export async function createGatewaySimulatorApp(
  config: GatewaySimulatorConfig,
  logger: LoggerService | false,
): Promise<NestFastifyApplication> {
  // Nest declares its options as a class but documents and reads plain objects.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const options: NestApplicationOptions = { logger, rawBody: true, abortOnError: false };
  return NestFactory.create<NestFastifyApplication>(
    GatewaySimulatorAppModule.forRoot(config),
    new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }),
    options,
  );
}
