import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DataSource } from 'typeorm';
import { createDataSource, migrate } from '#lumen/database';
import { loadPrivacyConfig } from '../../apps/privacy/src/config/privacy.config';
import { PRIVACY_MIGRATIONS } from '../../apps/privacy/src/database/privacy-migrations';
import { createPrivacyApp } from '../../apps/privacy/src/privacy-app.factory';

/**
 * The key service (apps/privacy) booted in-process on a random port, on a throwaway schema
 * with the real migrations, trusting the service keys in `keysDir`.
 */
export interface PrivacyServiceHandle {
  readonly baseUrl: string;
  readonly dataSource: DataSource;
  readonly schema: string;
  close(): Promise<void>;
}

export async function startPrivacyService(options: {
  keysDir: string;
  databaseUrl: string;
  kafkaBrokers: string;
}): Promise<PrivacyServiceHandle> {
  const schema = `privtest_${randomBytes(6).toString('hex')}`;
  const dataSource = createDataSource({
    url: options.databaseUrl,
    schema,
    applicationName: 'privacy-test',
    migrations: [...PRIVACY_MIGRATIONS],
  });
  await dataSource.initialize();
  await migrate(dataSource);
  const app: NestFastifyApplication = await createPrivacyApp(
    loadPrivacyConfig({
      NODE_ENV: 'test',
      DATABASE_URL: options.databaseUrl,
      DATABASE_SCHEMA: schema,
      KAFKA_BROKERS: options.kafkaBrokers,
      LUMEN_KEYS_DIR: options.keysDir,
      LOG_LEVEL: 'silent',
      LUMEN_MASTER_KEY: randomBytes(32).toString('base64'),
      // Its own consumer group, mail outbox and operator token: never the running pipeline's.
      PRIVACY_CONSUMER_GROUP: `privacy-test-${schema}`,
      LUMEN_MAIL_OUTBOX_DIR: join(options.keysDir, 'mail-outbox'),
      PRIVACY_OPERATOR_TOKEN_FILE: join(options.keysDir, 'privacy-operator-token'),
    }),
    false,
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    dataSource,
    schema,
    async close() {
      await app.close();
      await dataSource.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await dataSource.destroy();
    },
  };
}
