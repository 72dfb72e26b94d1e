import { Module } from '@nestjs/common';
import { PRIVACY_CONFIG, type PrivacyConfig } from '../config/privacy.config';
import { StatisticsController } from './api/statistics.controller';
import { PageViewStatistics } from './application/page-view.statistics';
import { MIN_REPORTED_COUNT, PageViewReport } from './application/page-view-report.use-case';
import { RecordPageView } from './application/record-page-view.use-case';
import { PgPageViewStatistics } from './infrastructure/pg-page-view.statistics';

/** Storefront page views as counts that identify nobody. */
@Module({
  controllers: [StatisticsController],
  providers: [
    RecordPageView,
    PageViewReport,
    { provide: PageViewStatistics, useClass: PgPageViewStatistics },
    {
      provide: MIN_REPORTED_COUNT,
      inject: [PRIVACY_CONFIG],
      useFactory: (config: PrivacyConfig) => config.statisticsMinCount,
    },
  ],
})
export class StatisticsModule {}
