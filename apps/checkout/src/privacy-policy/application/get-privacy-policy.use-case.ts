import { Injectable } from '@nestjs/common';
import { CheckoutErrorCode, CheckoutException } from '../../orders/domain/checkout.exception';
import type { PrivacyPolicy } from '../domain/privacy-policy';
import { PrivacyPolicyRepository } from './privacy-policy.repository';

/** The policy text a storefront shows before the customer accepts it: current, or a named version. */
@Injectable()
export class GetPrivacyPolicy {
  constructor(private readonly policies: PrivacyPolicyRepository) {}

  async execute(version?: string): Promise<PrivacyPolicy> {
    const policy =
      version === undefined
        ? await this.policies.findCurrent()
        : await this.policies.findByVersion(version);
    if (policy === undefined) {
      throw new CheckoutException(
        CheckoutErrorCode.PolicyVersionNotFound,
        version === undefined
          ? 'No privacy policy has been published'
          : 'No privacy policy of that version; GET /privacy-policy gives the current one',
      );
    }
    return policy;
  }
}
