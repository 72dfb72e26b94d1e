import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LUMEN_TOPICS } from '#lumen/contracts';
import { loadEventSigner, loadKeyRing } from '#lumen/crypto';
import { MessagingModule } from '#lumen/messaging';
import { createLogger } from '#lumen/observability';
import { ApiDocsModule } from './api-docs/api-docs.module';
import { CheckoutConfigModule } from './config/checkout-config.module';
import { CHECKOUT_CONFIG, type CheckoutConfig } from './config/checkout.config';
import { CheckoutDatabaseModule } from './database/checkout-database.module';
import { KeysModule } from './keys/keys.module';
import { CheckoutMetricsModule } from './metrics/checkout-metrics.module';
import { CheckoutExceptionFilter } from './orders/api/checkout-exception.filter';
import { OrdersModule } from './orders/orders.module';
import { PrivacyPolicyModule } from './privacy-policy/privacy-policy.module';
import { RetentionModule } from './retention/retention.module';
import { StorefrontsModule } from './storefronts/storefronts.module';
import { StaffModule } from './staff/staff.module';
import { SubjectRightsModule } from './subject-rights/subject-rights.module';

@Module({})
export class CheckoutAppModule {
  static forRoot(config: CheckoutConfig): DynamicModule {
    return {
      module: CheckoutAppModule,
      imports: [
        CheckoutConfigModule.forRoot(config),
        CheckoutDatabaseModule,
        MessagingModule.forRootAsync({
          inject: [CHECKOUT_CONFIG],
          useFactory: (c: CheckoutConfig) => ({
            catalogue: LUMEN_TOPICS,
            brokers: c.kafkaBrokers,
            groupId: c.consumerGroup,
            signer: loadEventSigner(c.keysDir, 'checkout'),
            keyRing: loadKeyRing(c.keysDir),
            databaseUrl: c.databaseUrl,
            schema: c.databaseSchema,
            logger: createLogger({ service: 'checkout', level: c.logLevel }),
          }),
        }),
        KeysModule,
        StorefrontsModule,
        PrivacyPolicyModule,
        OrdersModule,
        SubjectRightsModule,
        RetentionModule,
        ApiDocsModule,
        StaffModule,
        CheckoutMetricsModule.forRoot(config),
      ],
      providers: [{ provide: APP_FILTER, useClass: CheckoutExceptionFilter }],
    };
  }
}
