import { Module } from '@nestjs/common';
import { loadEventSigner } from '#lumen/crypto';
import { PRIVACY_CONFIG, type PrivacyConfig } from '../config/privacy.config';
import { DisclosuresController } from './api/disclosures.controller';
import { DisclosureRepository, SubjectDataSource } from './application/disclosure.repository';
import { Disclosures } from './application/disclosures.use-cases';
import { CheckoutOrderSource } from './infrastructure/checkout-order.source';
import { PgDisclosureRepository } from './infrastructure/pg-disclosure.repository';

/** Disclosures to authorities: two approvers, scoped exports, shown to the subject unless restricted. */
@Module({
  controllers: [DisclosuresController],
  providers: [
    Disclosures,
    { provide: DisclosureRepository, useClass: PgDisclosureRepository },
    {
      provide: SubjectDataSource,
      inject: [PRIVACY_CONFIG],
      useFactory: (config: PrivacyConfig) =>
        new CheckoutOrderSource(config.checkoutUrl, loadEventSigner(config.keysDir, 'privacy')),
    },
  ],
  exports: [Disclosures],
})
export class DisclosuresModule {}
