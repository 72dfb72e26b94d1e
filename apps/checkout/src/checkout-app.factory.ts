import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { LoggerService, NestApplicationOptions } from '@nestjs/common';
import { CheckoutAppModule } from './checkout-app.module';
import type { CheckoutConfig } from './config/checkout.config';
import { useRawJsonBodyParser } from './orders/api/raw-json-body.parser';

/**
 * The checkout service as one Nest app on Fastify; `main.ts` listens on it, and the
 * integration tests boot exactly this. Nest's own body parser is off: ours keeps the raw text. Fastify's `bodyLimit` refuses an oversized body with
 * 413 from its Content-Length (or as soon as the stream passes the limit), before parsing.
 */
export async function createCheckoutApp(
  config: CheckoutConfig,
  logger: LoggerService | false,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: config.bodyLimitBytes, trustProxy: false });
  useRawJsonBodyParser(adapter.getInstance());
  // Nest declares its options as a class but documents and reads plain objects.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const options: NestApplicationOptions = { logger, abortOnError: false, bodyParser: false };
  return NestFactory.create<NestFastifyApplication>(
    CheckoutAppModule.forRoot(config),
    adapter,
    options,
  );
}
