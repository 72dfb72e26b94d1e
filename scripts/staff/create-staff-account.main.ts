import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { envFields, loadConfig } from '#lumen/config';
import { createDataSource } from '#lumen/database';
import { CreateStaffAccount } from '../../apps/privacy/src/staff/application/create-staff-account.use-case';
import { PasswordHasher } from '../../apps/privacy/src/staff/domain/password-hasher';
import { PasswordPolicy } from '../../apps/privacy/src/staff/domain/password-policy';
import { StaffException } from '../../apps/privacy/src/staff/domain/staff.exception';
import { PgStaffAccountRepository } from '../../apps/privacy/src/staff/infrastructure/pg-staff-account.repository';
import { serviceDatabaseUrl } from '../provision/service-registry';

/**
 * Opens a staff account from the command line: how the first privacy officer exists (every
 * later account is opened by a privacy officer over POST /staff/accounts). The password is
 * read from standard input, never from the command line or the environment, so it stays out of
 * shell history and process listings:
 *
 *   LUMEN_STAFF_LOGIN=ada LUMEN_STAFF_ROLE=privacy-officer npm run staff:create < password.txt
 */
const config = loadConfig(
  z.object({
    DATABASE_URL: envFields.databaseUrl,
    LUMEN_STAFF_LOGIN: z.string().min(1),
    LUMEN_STAFF_ROLE: z.string().min(1),
  }),
);

async function main(): Promise<void> {
  const password = readFileSync(0, 'utf8').split('\n')[0] ?? '';
  const dataSource = createDataSource({
    url: serviceDatabaseUrl(config.DATABASE_URL, 'lumen_privacy'),
    schema: 'privacy',
    applicationName: 'staff:create',
    poolSize: 1,
  });
  await dataSource.initialize();
  try {
    const created = await new CreateStaffAccount(
      new PgStaffAccountRepository(dataSource),
      new PasswordPolicy(),
      new PasswordHasher(),
    ).execute({ login: config.LUMEN_STAFF_LOGIN, role: config.LUMEN_STAFF_ROLE, password });
    console.log(`staff account ${created.login} (${created.role}): ${created.principalId}`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(
    error instanceof StaffException ? `Refused: ${error.message}` : `Failed: ${String(error)}`,
  );
  process.exit(1);
});
