import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConsumerReadinessCheck } from '#lumen/messaging';
import { kafkaCheck, MetricsModule, postgresCheck, redisCheck } from '#lumen/metrics';
import type { CheckoutConfig } from '../config/checkout.config';
import { OrderStageRecorder } from './order-stage.recorder';
import { OrderStatusReading } from './order-status.reading';

/** Checkout's `/metrics` and `/health/*`, and the readers that keep its gauges current. */
@Global()
@Module({})
export class CheckoutMetricsModule {
  static forRoot(config: CheckoutConfig): DynamicModule {
    return {
      module: CheckoutMetricsModule,
      imports: [
        MetricsModule.forRoot({
          service: 'checkout',
          readinessChecks: [
            postgresCheck(config.databaseUrl),
            kafkaCheck(config.kafkaBrokers),
            redisCheck(config.redisUrl),
          ],
          readinessCheckProviders: [ConsumerReadinessCheck],
        }),
      ],
      providers: [OrderStatusReading, OrderStageRecorder],
      exports: [OrderStageRecorder],
    };
  }
}
