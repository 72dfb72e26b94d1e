import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DataSource } from 'typeorm';
import { SERVICE_NAMES } from '#lumen/contracts';
import { ensureServiceKeys, loadEventSigner, type EventSigner } from '#lumen/crypto';
import { createDataSource, migrate } from '#lumen/database';
import { loadPrivacyConfig } from '../../src/config/privacy.config';
import { PRIVACY_MIGRATIONS } from '../../src/database/privacy-migrations';
import { createPrivacyApp } from '../../src/privacy-app.factory';
import { CreateStaffAccount } from '../../src/staff/application/create-staff-account.use-case';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lumen';
const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The privacy app on a random port, a throwaway schema (real migrations), its own Redis key
 * prefix and its own keys folder, plus helpers to open accounts and sign in.
 */
export interface StaffTestApp {
  readonly app: NestFastifyApplication;
  readonly baseUrl: string;
  readonly dataSource: DataSource;
  readonly schema: string;
  readonly redisPrefix: string;
  readonly keysDir: string;
  signerOf(service: string): EventSigner;
  openAccount(login: string, role: string, password?: string): Promise<string>;
  signIn(login: string, password?: string, totpCode?: string): Promise<Response>;
  assertionFor(login: string, role: string): Promise<string>;
  close(): Promise<void>;
}

export const TEST_PASSWORD = 'amber lamp under tuesday rain';

export async function startStaffTestApp(env: Record<string, string> = {}): Promise<StaffTestApp> {
  const keysDir = mkdtempSync(join(tmpdir(), 'lumen-staff-keys-'));
  ensureServiceKeys(keysDir, SERVICE_NAMES);
  const schema = `stafftest_${randomBytes(6).toString('hex')}`;
  const redisPrefix = `lumen:test:${randomBytes(6).toString('hex')}:`;
  const dataSource = createDataSource({
    url: DATABASE_URL,
    schema,
    applicationName: 'privacy-staff-test',
    migrations: [...PRIVACY_MIGRATIONS],
  });
  await dataSource.initialize();
  await migrate(dataSource);
  const app = await createPrivacyApp(
    loadPrivacyConfig({
      NODE_ENV: 'test',
      DATABASE_URL,
      DATABASE_SCHEMA: schema,
      KAFKA_BROKERS,
      REDIS_URL,
      REDIS_KEY_PREFIX: redisPrefix,
      LUMEN_KEYS_DIR: keysDir,
      LOG_LEVEL: 'silent',
      LUMEN_MASTER_KEY: randomBytes(32).toString('base64'),
      ...env,
    }),
    false,
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const baseUrl = `http://127.0.0.1:${address.port}`;

  const signIn = (login: string, password = TEST_PASSWORD, totpCode?: string) =>
    fetch(`${baseUrl}/staff/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login, password, ...(totpCode === undefined ? {} : { totpCode }) }),
    });
  const openAccount = async (login: string, role: string, password = TEST_PASSWORD) =>
    (await app.get(CreateStaffAccount).execute({ login, role, password })).principalId;

  return {
    app,
    baseUrl,
    dataSource,
    schema,
    redisPrefix,
    keysDir,
    signerOf: (service) => loadEventSigner(keysDir, service),
    openAccount,
    signIn,
    async assertionFor(login, role) {
      await openAccount(login, role);
      const response = await signIn(login);
      if (response.status !== 201) throw new Error(`sign-in of ${login}: ${response.status}`);
      return ((await response.json()) as { assertion: string }).assertion;
    },
    async close() {
      await app.close();
      await dataSource.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await dataSource.destroy();
      rmSync(keysDir, { recursive: true, force: true });
    },
  };
}
