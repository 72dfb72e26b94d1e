import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LUMEN_TOPICS } from '#lumen/contracts';
import { loadEventSigner, loadKeyRing } from '#lumen/crypto';
import { MessagingModule } from '#lumen/messaging';
import type { Logger } from '#lumen/observability';
import { FulfilmentConfigModule } from './config/fulfilment-config.module';
import { FULFILMENT_CONFIG, type FulfilmentConfig } from './config/fulfilment.config';
import { FulfilmentDatabaseModule } from './database/fulfilment-database.module';
import { FulfilmentMetricsModule } from './metrics/fulfilment-metrics.module';
import { FulfilmentExceptionFilter } from './shipments/api/fulfilment-exception.filter';
import { RetentionModule } from './retention/retention.module';
import { ShipmentsModule } from './shipments/shipments.module';
import { SubjectRightsModule } from './subject-rights/subject-rights.module';

@Module({})
export class FulfilmentAppModule {
  /** `logger` is the service's one logger: Nest, messaging and the handover worker write to it. */
  static forRoot(config: FulfilmentConfig, logger: Logger): DynamicModule {
    return {
      module: FulfilmentAppModule,
      imports: [
        FulfilmentConfigModule.forRoot(config),
        FulfilmentDatabaseModule,
        MessagingModule.forRootAsync({
          inject: [FULFILMENT_CONFIG],
          useFactory: (c: FulfilmentConfig) => ({
            catalogue: LUMEN_TOPICS,
            brokers: c.kafkaBrokers,
            groupId: c.consumerGroup,
            signer: loadEventSigner(c.keysDir, 'fulfilment'),
            keyRing: loadKeyRing(c.keysDir),
            databaseUrl: c.databaseUrl,
            schema: c.databaseSchema,
            logger,
          }),
        }),
        ShipmentsModule,
        FulfilmentMetricsModule.forRoot(config),
        SubjectRightsModule,
        RetentionModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: FulfilmentExceptionFilter }],
    };
  }
}
