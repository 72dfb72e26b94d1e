import { Controller, Get, Param } from '@nestjs/common';
import { GetPrivacyPolicy } from '../application/get-privacy-policy.use-case';
import type { PrivacyPolicy } from '../domain/privacy-policy';

export interface PrivacyPolicyResponse {
  version: string;
  publishedAt: string;
  sha256: string;
  text: string;
}

function toResponse(policy: PrivacyPolicy): PrivacyPolicyResponse {
  return {
    version: policy.version,
    publishedAt: policy.publishedAt.toISOString(),
    sha256: policy.sha256,
    text: policy.text,
  };
}

/**
 * The policy storefronts show; an order names the `version` its customer accepted. Public, unlike
 * the order routes: the shop must post its policy for anyone to read, and a shopper's browser
 * fetching it must not need the storefront's secret key. It holds no personal data.
 */
@Controller('privacy-policy')
export class PrivacyPolicyController {
  constructor(private readonly getPolicy: GetPrivacyPolicy) {}

  @Get()
  async current(): Promise<PrivacyPolicyResponse> {
    return toResponse(await this.getPolicy.execute());
  }

  @Get(':version')
  async byVersion(@Param('version') version: string): Promise<PrivacyPolicyResponse> {
    return toResponse(await this.getPolicy.execute(version));
  }
}
