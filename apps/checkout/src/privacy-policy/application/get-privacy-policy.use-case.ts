import { Injectable } from '@nestjs/common';
import { CheckoutErrorCode, CheckoutException } from '../../orders/domain/checkout.exception';
import type { PrivacyPolicy } from '../domain/privacy-policy';
import { PrivacyPolicyRepository } from './privacy-policy.repository';

/**
 * What a version can look like (orders name one by the same pattern). Anything else is not
 * looked up at all: PostgreSQL refuses some strings outright (a NUL byte), which must read as
 * "no such version", not as a server error.
 */
const POLICY_VERSION = /^[A-Za-z0-9._-]{1,32}$/;

/** The policy text a storefront shows before the customer accepts it: current, or a named version. */
@Injectable()
export class GetPrivacyPolicy {
  constructor(private readonly policies: PrivacyPolicyRepository) {}

  async execute(version?: string): Promise<PrivacyPolicy> {
    const policy =
      version === undefined
        ? await this.policies.findCurrent()
        : POLICY_VERSION.test(version)
          ? await this.policies.findByVersion(version)
          : undefined;
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
