import { Module } from '@nestjs/common';
import { PRIVACY_CONFIG, type PrivacyConfig } from '../config/privacy.config';
import { StaffModule } from '../staff/staff.module';
import { AccessReviewController } from './api/access-review.controller';
import { AccessReview, REVIEW_INTERVAL_DAYS } from './application/access-review.use-cases';
import { AccessReviewLog, GrantSources } from './application/grant-sources';
import { PgAccessReviewLog, PgGrantSources } from './infrastructure/pg-grant-sources';

/** The regular review of who can reach personal and payment data. */
@Module({
  imports: [StaffModule],
  controllers: [AccessReviewController],
  providers: [
    AccessReview,
    { provide: GrantSources, useClass: PgGrantSources },
    { provide: AccessReviewLog, useClass: PgAccessReviewLog },
    {
      provide: REVIEW_INTERVAL_DAYS,
      inject: [PRIVACY_CONFIG],
      useFactory: (config: PrivacyConfig) => config.accessReviewIntervalDays,
    },
  ],
})
export class AccessReviewModule {}
