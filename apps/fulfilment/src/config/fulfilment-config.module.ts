import { Global, Module, type DynamicModule } from '@nestjs/common';
import { FULFILMENT_CONFIG, type FulfilmentConfig } from './fulfilment.config';

/** Makes the configuration parsed at boot injectable as `FULFILMENT_CONFIG`. */
@Global()
@Module({})
export class FulfilmentConfigModule {
  static forRoot(config: FulfilmentConfig): DynamicModule {
    return {
      module: FulfilmentConfigModule,
      providers: [{ provide: FULFILMENT_CONFIG, useValue: config }],
      exports: [FULFILMENT_CONFIG],
    };
  }
}
