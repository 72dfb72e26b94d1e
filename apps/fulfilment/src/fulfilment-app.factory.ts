import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { NestApplicationOptions } from '@nestjs/common';
import { PinoNestLogger, type Logger } from '#lumen/observability';
import type { FulfilmentConfig } from './config/fulfilment.config';
import { FulfilmentAppModule } from './fulfilment-app.module';
import { useRawJsonBody } from './shipments/api/raw-body.parser';

/** A tracking event is a few hundred bytes; anything much larger is refused before reading. */
const BODY_LIMIT_BYTES = 16 * 1024;

/**
 * The fulfilment service as one Nest app on Fastify; `main.ts` listens on it, and the
 * integration tests boot exactly this.
 */
export async function createFulfilmentApp(
  config: FulfilmentConfig,
  logger: Logger,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, trustProxy: false });
  useRawJsonBody(adapter.getInstance());
  // Nest declares its options as a class but documents and reads plain objects.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const options: NestApplicationOptions = {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    bodyParser: false,
  };
  return NestFactory.create<NestFastifyApplication>(
    FulfilmentAppModule.forRoot(config, logger),
    adapter,
    options,
  );
}
