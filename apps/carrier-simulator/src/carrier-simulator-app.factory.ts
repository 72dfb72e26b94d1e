import type { LoggerService, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { CarrierSimulatorAppModule } from './carrier-simulator-app.module';
import type { CarrierSimulatorConfig } from './config/carrier-simulator.config';

/** A shipment is well under 2 KiB; anything much larger is refused before parsing. */
const BODY_LIMIT_BYTES = 32 * 1024;

/**
 * The simulator as one Nest app on Fastify; `main.ts` listens on it and the tests boot exactly
 * this. `rawBody` keeps the bytes the merchant signed.
 */
export async function createCarrierSimulatorApp(
  config: CarrierSimulatorConfig,
  logger: LoggerService | false,
): Promise<NestFastifyApplication> {
  // Nest declares its options as a class but documents and reads plain objects.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const options: NestApplicationOptions = { logger, rawBody: true, abortOnError: false };
  // close() runs the lifecycle hooks: journeys stop and hung requests are cut before the
  // server closes, so it never waits on them.
  return NestFactory.create<NestFastifyApplication>(
    CarrierSimulatorAppModule.forRoot(config),
    new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }),
    options,
  );
}
