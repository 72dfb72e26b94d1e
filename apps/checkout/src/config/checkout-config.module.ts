import { Global, Module, type DynamicModule } from '@nestjs/common';
import { CHECKOUT_CONFIG, type CheckoutConfig } from './checkout.config';

/** Makes the configuration parsed at boot injectable as `CHECKOUT_CONFIG`. */
@Global()
@Module({})
export class CheckoutConfigModule {
  static forRoot(config: CheckoutConfig): DynamicModule {
    return {
      module: CheckoutConfigModule,
      providers: [{ provide: CHECKOUT_CONFIG, useValue: config }],
      exports: [CHECKOUT_CONFIG],
    };
  }
}
