import { readFileSync } from 'node:fs';
import { Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { EventSigner, loadEventSigner } from '#lumen/crypto';
import { PRIVACY_CONFIG, type PrivacyConfig } from '../config/privacy.config';
import { SESSION_MAX_AGE_SECONDS, StaffController } from './api/staff.controller';
import { CreateStaffAccount } from './application/create-staff-account.use-case';
import { CredentialCheck } from './application/credential-check';
import { DisableStaffAccount } from './application/disable-staff-account.use-case';
import { EnrolSecondFactor } from './application/enrol-second-factor.use-case';
import { IssueStaffAssertion } from './application/issue-staff-assertion.use-case';
import { Reauthenticate } from './application/reauthenticate.use-case';
import { SignIn } from './application/sign-in.use-case';
import { StaffAccountRepository } from './application/staff-account.repository';
import { StaffSessionStore } from './application/staff-session.store';
import { TotpSecretCipher } from './application/totp-secret.cipher';
import { PasswordHasher } from './domain/password-hasher';
import { PasswordPolicy } from './domain/password-policy';
import { MasterKeyTotpCipher } from './infrastructure/master-key-totp.cipher';
import { PgStaffAccountRepository } from './infrastructure/pg-staff-account.repository';
import { RedisStaffSessionStore } from './infrastructure/redis-staff-session.store';

export const STAFF_REDIS = Symbol('STAFF_REDIS');

@Injectable()
class RedisShutdown implements OnApplicationShutdown {
  constructor(private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => {
      this.redis.disconnect();
    });
  }
}

/** Staff identity: accounts, passwords, TOTP, sessions in Redis, signed staff assertions. */
@Module({
  controllers: [StaffController],
  providers: [
    SignIn,
    CredentialCheck,
    Reauthenticate,
    DisableStaffAccount,
    IssueStaffAssertion,
    CreateStaffAccount,
    EnrolSecondFactor,
    PasswordHasher,
    {
      provide: Redis,
      inject: [PRIVACY_CONFIG],
      useFactory: (config: PrivacyConfig) =>
        new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: true }),
    },
    RedisShutdown,
    {
      provide: PasswordPolicy,
      inject: [PRIVACY_CONFIG],
      useFactory: (config: PrivacyConfig) =>
        new PasswordPolicy(
          config.breachedPasswordsFile === undefined
            ? []
            : readFileSync(config.breachedPasswordsFile, 'utf8').split('\n'),
        ),
    },
    {
      provide: EventSigner,
      inject: [PRIVACY_CONFIG],
      useFactory: (config: PrivacyConfig) => loadEventSigner(config.keysDir, 'privacy'),
    },
    {
      provide: StaffSessionStore,
      inject: [Redis, PRIVACY_CONFIG],
      useFactory: (redis: Redis, config: PrivacyConfig) =>
        new RedisStaffSessionStore(
          redis,
          { idleMs: config.staffSessionIdleMs, absoluteMs: config.staffSessionMaxMs },
          config.redisKeyPrefix,
        ),
    },
    {
      provide: TotpSecretCipher,
      inject: [PRIVACY_CONFIG],
      useFactory: (config: PrivacyConfig) => new MasterKeyTotpCipher(config.masterKey),
    },
    {
      provide: SESSION_MAX_AGE_SECONDS,
      inject: [PRIVACY_CONFIG],
      useFactory: (config: PrivacyConfig) => Math.floor(config.staffSessionMaxMs / 1000),
    },
    { provide: StaffAccountRepository, useClass: PgStaffAccountRepository },
  ],
  exports: [StaffAccountRepository, CreateStaffAccount],
})
export class StaffModule {}
