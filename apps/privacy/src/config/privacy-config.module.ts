import { Global, Module, type DynamicModule } from '@nestjs/common';
import { PRIVACY_CONFIG, type PrivacyConfig } from './privacy.config';

/** Makes the configuration parsed at boot injectable as `PRIVACY_CONFIG`. */
@Global()
@Module({})
export class PrivacyConfigModule {
  static forRoot(config: PrivacyConfig): DynamicModule {
    return {
      module: PrivacyConfigModule,
      providers: [{ provide: PRIVACY_CONFIG, useValue: config }],
      exports: [PRIVACY_CONFIG],
    };
  }
}
