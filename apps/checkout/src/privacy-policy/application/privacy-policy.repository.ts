import type { PrivacyPolicy } from '../domain/privacy-policy';

/** Published privacy policies (the checkout schema; append-only). */
export abstract class PrivacyPolicyRepository {
  /** The most recently published version. */
  abstract findCurrent(): Promise<PrivacyPolicy | undefined>;
  abstract findByVersion(version: string): Promise<PrivacyPolicy | undefined>;
}
