import { Module } from '@nestjs/common';
import { StorefrontApiKeyGuard } from './api/storefront-api-key.guard';
import { AuthenticateStorefront } from './application/authenticate-storefront.use-case';
import { StorefrontRepository } from './application/storefront.repository';
import { TypeOrmStorefrontRepository } from './infrastructure/type-orm-storefront.repository';

/** Storefronts and their API keys: who may place orders and read them back. */
@Module({
  providers: [
    AuthenticateStorefront,
    StorefrontApiKeyGuard,
    { provide: StorefrontRepository, useClass: TypeOrmStorefrontRepository },
  ],
  exports: [AuthenticateStorefront, StorefrontApiKeyGuard, StorefrontRepository],
})
export class StorefrontsModule {}
