import { Module, type DynamicModule } from '@nestjs/common';
import { ConsumerReadinessCheck } from '#lumen/messaging';
import { kafkaCheck, MetricsModule, postgresCheck, redisCheck } from '#lumen/metrics';
import type { PaymentConfig } from '../config/payment.config';
import { PaymentStatusReading } from './payment-status.reading';

/** Payment's `/metrics` and `/health/*`, and the reader that keeps its gauges current. */
@Module({})
export class PaymentMetricsModule {
  static forRoot(config: PaymentConfig): DynamicModule {
    return {
      module: PaymentMetricsModule,
      imports: [
        MetricsModule.forRoot({
          service: 'payment',
          readinessChecks: [
            postgresCheck(config.databaseUrl),
            kafkaCheck(config.kafkaBrokers),
            redisCheck(config.redisUrl),
          ],
          readinessCheckProviders: [ConsumerReadinessCheck],
        }),
      ],
      providers: [PaymentStatusReading],
    };
  }
}
