import { Module, type DynamicModule } from '@nestjs/common';
import { ConsumerReadinessCheck } from '#lumen/messaging';
import { kafkaCheck, MetricsModule, postgresCheck, redisCheck } from '#lumen/metrics';
import type { FulfilmentConfig } from '../config/fulfilment.config';
import { ShipmentStatusReading } from './shipment-status.reading';

/** Fulfilment's `/metrics` and `/health/*`, and the reader that keeps its gauges current. */
@Module({})
export class FulfilmentMetricsModule {
  static forRoot(config: FulfilmentConfig): DynamicModule {
    return {
      module: FulfilmentMetricsModule,
      imports: [
        MetricsModule.forRoot({
          service: 'fulfilment',
          readinessChecks: [
            postgresCheck(config.databaseUrl),
            kafkaCheck(config.kafkaBrokers),
            redisCheck(config.redisUrl),
          ],
          readinessCheckProviders: [ConsumerReadinessCheck],
        }),
      ],
      providers: [ShipmentStatusReading],
    };
  }
}
