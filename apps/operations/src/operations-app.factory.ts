import type { LoggerService, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OperationsConfig } from './config/operations.config';
import { OperationsAppModule } from './operations-app.module';

/** The operations app; `main.ts` listens on it, and the tests boot exactly this. */
export async function createOperationsApp(
  config: OperationsConfig,
  logger: LoggerService | false,
): Promise<NestFastifyApplication> {
  // Nest declares its options as a class but documents and reads plain objects.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const options: NestApplicationOptions = { logger, abortOnError: false };
  return NestFactory.create<NestFastifyApplication>(
    OperationsAppModule.forRoot(config),
    new FastifyAdapter({ trustProxy: false }),
    options,
  );
}
