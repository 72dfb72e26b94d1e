import type { LoggerService, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { PaymentConfig } from './config/payment.config';
import { PaymentAppModule } from './payment-app.module';

const BODY_LIMIT_BYTES = 32 * 1024;

/**
 * The payment service as one Nest app on Fastify; `main.ts` listens on it and the tests boot
 * exactly this. `rawBody` keeps the bytes the gateway signed.
 */
export async function createPaymentApp(
  config: PaymentConfig,
  logger: LoggerService | false,
): Promise<NestFastifyApplication> {
  // Nest declares its options as a class but documents and reads plain objects.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const options: NestApplicationOptions = { logger, rawBody: true, abortOnError: false };
  return NestFactory.create<NestFastifyApplication>(
    PaymentAppModule.forRoot(config),
    new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }),
    options,
  );
}
