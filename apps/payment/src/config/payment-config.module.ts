import { Global, Module, type DynamicModule } from '@nestjs/common';
import { PAYMENT_CONFIG, type PaymentConfig } from './payment.config';

/** Makes the configuration parsed at boot injectable as `PAYMENT_CONFIG`. */
@Global()
@Module({})
export class PaymentConfigModule {
  static forRoot(config: PaymentConfig): DynamicModule {
    return {
      module: PaymentConfigModule,
      providers: [{ provide: PAYMENT_CONFIG, useValue: config }],
      exports: [PAYMENT_CONFIG],
    };
  }
}
