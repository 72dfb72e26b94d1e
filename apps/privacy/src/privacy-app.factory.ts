import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { LoggerService, NestApplicationOptions } from '@nestjs/common';
import type { PrivacyConfig } from './config/privacy.config';
import { refuseNulCharacters } from './nul-character.hook';
import { PrivacyAppModule } from './privacy-app.module';
import type { SubjectRightsModuleOptions } from './subject-rights/subject-rights.module';

/** Key requests are a few hundred bytes; anything much larger is refused before parsing. */
const BODY_LIMIT_BYTES = 16 * 1024;

/**
 * The privacy service as one Nest app on Fastify; `main.ts` listens on it, and the
 * integration tests boot exactly this. `rawBody` keeps the bytes the caller signed.
 */
export async function createPrivacyApp(
  config: PrivacyConfig,
  logger: LoggerService | false,
  subjectRights: SubjectRightsModuleOptions = {},
): Promise<NestFastifyApplication> {
  // Nest declares its options as a class but documents and reads plain objects.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const options: NestApplicationOptions = { logger, rawBody: true, abortOnError: false };
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES });
  refuseNulCharacters(adapter.getInstance());
  return NestFactory.create<NestFastifyApplication>(
    PrivacyAppModule.forRoot(config, subjectRights),
    adapter,
    options,
  );
}
