import { hkdfSync } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import { loadRetentionSchedule } from '#lumen/retention';
import { PRIVACY_CONFIG, type PrivacyConfig } from '../config/privacy.config';
import { DisclosuresModule } from '../disclosures/disclosures.module';
import { KeysModule } from '../keys/keys.module';
import { InternalAccessGuard } from './api/internal-access.guard';
import { InternalAccessPolicy } from './api/internal-access.policy';
import { RequestRegisterController } from './api/request-register.controller';
import { SubjectRightsConsumer } from './api/subject-rights.consumer';
import { SubjectRightsController } from './api/subject-rights.controller';
import { AssembleAccessPackage } from './application/assemble-access-package';
import { ChaseAccessAnswers } from './application/chase-access-answers.use-case';
import { Clock, SystemClock } from './application/clock';
import { EmailOnFile } from './application/email-on-file';
import { EraseSubject } from './application/erase-subject.use-case';
import { ExportRequestRegister } from './application/export-request-register.use-case';
import { Mailer } from './application/mailer';
import { OpenFragment } from './application/open-fragment';
import { PrivacyKeys } from './application/privacy-keys';
import { PrivacyRetentionTasks, RetainedMail } from './application/privacy-retention.tasks';
import { ReadSubjectLink } from './application/read-subject-link.use-case';
import { ReceiptSigner } from './application/receipt-signer';
import { RecordAccessFragment } from './application/record-access-fragment.use-case';
import { RecordCustomerOrder } from './application/record-customer-order.use-case';
import { RecordErasureAnswer } from './application/record-erasure-answer.use-case';
import { RetentionRules } from './application/retention-rules';
import { StartSubjectRequest } from './application/start-subject-request.use-case';
import { SubjectRightsRepository } from './application/subject-rights.repository';
import { SubjectRightsSettings } from './application/subject-rights.settings';
import { VerifySubjectIdentity } from './application/verify-subject-identity.use-case';
import { FileOutboxMailer } from './infrastructure/file-outbox.mailer';
import { KeyFileReceiptSigner } from './infrastructure/key-file-receipt.signer';
import { OperatorTokenPolicy } from './infrastructure/operator-token.policy';
import { ScheduleRetentionRules } from './infrastructure/schedule-retention.rules';
import {
  SUBJECT_RIGHTS_SCHEDULE,
  SubjectRightsScheduler,
  type SubjectRightsScheduleOptions,
} from './infrastructure/subject-rights.scheduler';
import { TypeOrmSubjectRightsRepository } from './infrastructure/type-orm-subject-rights.repository';

export interface SubjectRightsModuleOptions {
  /** The time as the subject-rights code sees it; tests pass one they control. */
  readonly clock?: Clock;
  /** Off in tests that call the scheduler's steps themselves. */
  readonly runTimers?: boolean;
}

const RETENTION_SCHEDULE = Symbol('RETENTION_SCHEDULE');

/** Subject access, erasure and the privacy service's own retention (docs/adr/0006). */
@Module({})
export class SubjectRightsModule {
  static forRoot(options: SubjectRightsModuleOptions = {}): DynamicModule {
    return {
      module: SubjectRightsModule,
      // Disclosures for the package's recipients; the audit log (global) for its staff reads.
      imports: [KeysModule, DisclosuresModule],
      controllers: [SubjectRightsController, RequestRegisterController],
      providers: [
        { provide: Clock, useValue: options.clock ?? new SystemClock() },
        {
          provide: SubjectRightsSettings,
          inject: [PRIVACY_CONFIG],
          useFactory: (config: PrivacyConfig) =>
            new SubjectRightsSettings(
              config.publicUrl,
              config.subjectRights.answerWindowMs,
              config.subjectRights.linkTtlMs,
              Buffer.from(
                hkdfSync(
                  'sha256',
                  config.masterKey.exportMaterial(),
                  Buffer.alloc(0),
                  'lumen verification codes v1',
                  32,
                ),
              ),
            ),
        },
        {
          provide: RETENTION_SCHEDULE,
          inject: [PRIVACY_CONFIG],
          useFactory: (config: PrivacyConfig) =>
            loadRetentionSchedule(config.retentionSchedulePath),
        },
        {
          provide: RetentionRules,
          inject: [RETENTION_SCHEDULE],
          useFactory: (schedule: ReturnType<typeof loadRetentionSchedule>) =>
            new ScheduleRetentionRules(schedule),
        },
        {
          provide: SUBJECT_RIGHTS_SCHEDULE,
          inject: [PRIVACY_CONFIG, RETENTION_SCHEDULE],
          useFactory: (
            config: PrivacyConfig,
            schedule: ReturnType<typeof loadRetentionSchedule>,
          ): SubjectRightsScheduleOptions => ({
            tickMs: config.subjectRights.tickMs,
            schedule,
            runTimers: options.runTimers ?? true,
          }),
        },
        {
          provide: FileOutboxMailer,
          inject: [PRIVACY_CONFIG],
          useFactory: (config: PrivacyConfig) => new FileOutboxMailer(config.mailOutboxDir),
        },
        { provide: Mailer, useExisting: FileOutboxMailer },
        { provide: RetainedMail, useExisting: FileOutboxMailer },
        {
          provide: ReceiptSigner,
          inject: [PRIVACY_CONFIG],
          useFactory: (config: PrivacyConfig) => new KeyFileReceiptSigner(config.keysDir),
        },
        {
          provide: InternalAccessPolicy,
          inject: [PRIVACY_CONFIG],
          useFactory: (config: PrivacyConfig) => new OperatorTokenPolicy(config.operatorTokenFile),
        },
        { provide: SubjectRightsRepository, useClass: TypeOrmSubjectRightsRepository },
        InternalAccessGuard,
        PrivacyKeys,
        EmailOnFile,
        OpenFragment,
        RecordCustomerOrder,
        StartSubjectRequest,
        VerifySubjectIdentity,
        RecordAccessFragment,
        AssembleAccessPackage,
        ChaseAccessAnswers,
        EraseSubject,
        RecordErasureAnswer,
        ReadSubjectLink,
        ExportRequestRegister,
        PrivacyRetentionTasks,
        SubjectRightsConsumer,
        SubjectRightsScheduler,
      ],
      exports: [SubjectRightsScheduler, Clock],
    };
  }
}
