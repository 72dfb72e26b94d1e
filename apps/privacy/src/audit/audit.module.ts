import { Global, Module } from '@nestjs/common';
import { loadKeyRing } from '#lumen/crypto';
import {
  PersonalDataAuditLog,
  STAFF_ACCESS_OPTIONS,
  StaffAccessGuard,
  type StaffAccessOptions,
} from '#lumen/staff-access';
import { PRIVACY_CONFIG, type PrivacyConfig } from '../config/privacy.config';
import { AuditController } from './api/audit.controller';
import { AuditLog } from './application/audit-log';
import { VerifyAuditLog } from './application/verify-audit-log.use-case';
import { LocalPersonalDataAuditLog } from './infrastructure/local-personal-data-audit.log';
import { PgAuditLog } from './infrastructure/pg-audit-log';

/**
 * The audit log, and the staff-access guard every privacy feature uses (global, so each
 * feature module guards its routes without wiring it again).
 */
@Global()
@Module({
  controllers: [AuditController],
  providers: [
    VerifyAuditLog,
    StaffAccessGuard,
    { provide: AuditLog, useClass: PgAuditLog },
    { provide: PersonalDataAuditLog, useClass: LocalPersonalDataAuditLog },
    {
      provide: STAFF_ACCESS_OPTIONS,
      inject: [PRIVACY_CONFIG, PersonalDataAuditLog],
      useFactory: (config: PrivacyConfig, audit: PersonalDataAuditLog): StaffAccessOptions => ({
        keyRing: loadKeyRing(config.keysDir),
        audience: 'privacy',
        audit,
      }),
    },
  ],
  exports: [AuditLog, PersonalDataAuditLog, STAFF_ACCESS_OPTIONS, StaffAccessGuard],
})
export class AuditModule {}
