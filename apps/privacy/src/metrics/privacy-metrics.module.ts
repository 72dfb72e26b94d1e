import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ConsumerReadinessCheck } from '#lumen/messaging';
import { kafkaCheck, MetricsModule, postgresCheck, redisCheck } from '#lumen/metrics';
import type { PrivacyConfig } from '../config/privacy.config';
import { KeyOperationInterceptor } from './key-operation.interceptor';
import { PrivacyFiguresReading } from './privacy-figures.reading';

/** Privacy's `/metrics` and `/health/*`, the key-operation counter and the figures reader. */
@Module({})
export class PrivacyMetricsModule {
  static forRoot(config: PrivacyConfig): DynamicModule {
    return {
      module: PrivacyMetricsModule,
      imports: [
        MetricsModule.forRoot({
          service: 'privacy',
          readinessChecks: [
            postgresCheck(config.databaseUrl),
            kafkaCheck(config.kafkaBrokers),
            redisCheck(config.redisUrl),
          ],
          readinessCheckProviders: [ConsumerReadinessCheck],
        }),
      ],
      providers: [
        PrivacyFiguresReading,
        { provide: APP_INTERCEPTOR, useClass: KeyOperationInterceptor },
      ],
    };
  }
}
