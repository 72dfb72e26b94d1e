import { Module, type DynamicModule } from '@nestjs/common';
import { MetricsModule } from '#lumen/metrics';
import { OperationsController } from './api/operations.controller';
import { loadPageAssets } from './api/page-assets';
import { PAGE_ASSETS } from './api/page-assets.provider';
import { OPERATIONS_CONFIG, type OperationsConfig } from './config/operations.config';
import { OperationsOverview } from './overview/operations-overview';
import { ServiceScraper } from './scrape/service-scraper';

@Module({})
export class OperationsAppModule {
  static forRoot(config: OperationsConfig): DynamicModule {
    return {
      module: OperationsAppModule,
      // Reads other services over HTTP only: nothing of its own to check for readiness.
      imports: [MetricsModule.forRoot({ service: 'operations', readinessChecks: [] })],
      controllers: [OperationsController],
      providers: [
        { provide: OPERATIONS_CONFIG, useValue: config },
        { provide: PAGE_ASSETS, useValue: loadPageAssets(config.publicDir) },
        ServiceScraper,
        OperationsOverview,
      ],
    };
  }
}
