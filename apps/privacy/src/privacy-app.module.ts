import { Module, type DynamicModule } from '@nestjs/common';
import { LUMEN_TOPICS } from '#lumen/contracts';
import { KeyRing, loadEventSigner, loadKeyRing } from '#lumen/crypto';
import { MessagingModule } from '#lumen/messaging';
import { createLogger } from '#lumen/observability';
import { PrivacyConfigModule } from './config/privacy-config.module';
import { PRIVACY_CONFIG, type PrivacyConfig } from './config/privacy.config';
import { PrivacyDatabaseModule } from './database/privacy-database.module';
import { KeysModule } from './keys/keys.module';
import { AuditModule } from './audit/audit.module';
import { StaffModule } from './staff/staff.module';
import { StatisticsModule } from './statistics/statistics.module';
import { DisclosuresModule } from './disclosures/disclosures.module';
import { PrivacyMetricsModule } from './metrics/privacy-metrics.module';
import { AccessReviewModule } from './access-review/access-review.module';
import {
  SubjectRightsModule,
  type SubjectRightsModuleOptions,
} from './subject-rights/subject-rights.module';

@Module({})
export class PrivacyAppModule {
  static forRoot(config: PrivacyConfig, options: SubjectRightsModuleOptions = {}): DynamicModule {
    return {
      module: PrivacyAppModule,
      imports: [
        PrivacyConfigModule.forRoot(config),
        PrivacyDatabaseModule,
        MessagingModule.forRootAsync({
          inject: [PRIVACY_CONFIG],
          useFactory: (c: PrivacyConfig) => ({
            catalogue: LUMEN_TOPICS,
            brokers: c.kafkaBrokers,
            groupId: c.consumerGroup,
            signer: loadEventSigner(c.keysDir, 'privacy'),
            keyRing: loadKeyRing(c.keysDir) satisfies KeyRing,
            databaseUrl: c.databaseUrl,
            schema: c.databaseSchema,
            logger: createLogger({ service: 'privacy', level: c.logLevel }),
          }),
        }),
        KeysModule,
        AuditModule,
        StaffModule,
        StatisticsModule,
        DisclosuresModule,
        PrivacyMetricsModule.forRoot(config),
        AccessReviewModule,
        SubjectRightsModule.forRoot(options),
      ],
    };
  }
}
