import { Module, type DynamicModule } from '@nestjs/common';
import { LUMEN_TOPICS } from '#lumen/contracts';
import { loadEventSigner, loadKeyRing } from '#lumen/crypto';
import { MessagingModule } from '#lumen/messaging';
import { createLogger } from '#lumen/observability';
import { PaymentConfigModule } from './config/payment-config.module';
import { PAYMENT_CONFIG, type PaymentConfig } from './config/payment.config';
import { PaymentDatabaseModule } from './database/payment-database.module';
import { PaymentMetricsModule } from './metrics/payment-metrics.module';
import { PaymentsModule } from './payments/payments.module';
import { RetentionModule } from './retention/retention.module';

@Module({})
export class PaymentAppModule {
  static forRoot(config: PaymentConfig): DynamicModule {
    return {
      module: PaymentAppModule,
      imports: [
        PaymentConfigModule.forRoot(config),
        PaymentDatabaseModule,
        MessagingModule.forRootAsync({
          inject: [PAYMENT_CONFIG],
          useFactory: (c: PaymentConfig) => ({
            catalogue: LUMEN_TOPICS,
            brokers: c.kafkaBrokers,
            groupId: c.consumerGroup,
            signer: loadEventSigner(c.keysDir, 'payment'),
            keyRing: loadKeyRing(c.keysDir),
            databaseUrl: c.databaseUrl,
            schema: c.databaseSchema,
            logger: createLogger({ service: 'payment', level: c.logLevel }),
          }),
        }),
        PaymentsModule,
        PaymentMetricsModule.forRoot(config),
        RetentionModule,
      ],
    };
  }
}
