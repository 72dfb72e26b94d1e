import { Module } from '@nestjs/common';
import { PrivacyPolicyController } from './api/privacy-policy.controller';
import { GetPrivacyPolicy } from './application/get-privacy-policy.use-case';
import { PrivacyPolicyRepository } from './application/privacy-policy.repository';
import { TypeOrmPrivacyPolicyRepository } from './infrastructure/type-orm-privacy-policy.repository';

/** Published privacy policy versions: served to storefronts, named by every order. */
@Module({
  controllers: [PrivacyPolicyController],
  providers: [
    GetPrivacyPolicy,
    { provide: PrivacyPolicyRepository, useClass: TypeOrmPrivacyPolicyRepository },
  ],
  exports: [PrivacyPolicyRepository],
})
export class PrivacyPolicyModule {}
