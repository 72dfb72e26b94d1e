import { Module } from '@nestjs/common';
import { KeyServiceClient, loadEventSigner } from '#lumen/crypto';
import { CHECKOUT_CONFIG, type CheckoutConfig } from '../config/checkout.config';
import { KeyDestroyedConsumer } from './api/key-destroyed.consumer';

/** Checkout's way to the key service (apps/privacy), signed with checkout's service key. */
@Module({
  providers: [
    {
      provide: KeyServiceClient,
      inject: [CHECKOUT_CONFIG],
      useFactory: (config: CheckoutConfig) =>
        new KeyServiceClient({
          baseUrl: config.keyServiceUrl,
          signer: loadEventSigner(config.keysDir, 'checkout'),
        }),
    },
    KeyDestroyedConsumer,
  ],
  exports: [KeyServiceClient],
})
export class KeysModule {}
