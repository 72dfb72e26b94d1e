import { Injectable } from '@nestjs/common';
import {
  subjectAccessFragmentDocumentSchema,
  subjectAccessFragmentSeal,
  type SubjectAccessFragmentDocument,
  type SubjectRightsResponder,
} from '#lumen/contracts';
import { PrivacyKeys } from './privacy-keys';

export class UnusableFragmentError extends Error {
  override readonly name = 'UnusableFragmentError';
}

/**
 * Opens a service's sealed answer and checks it is that service's answer to that request about
 * that customer; anything else is unusable (and dead-lettered by the consumer with the reason).
 */
@Injectable()
export class OpenFragment {
  constructor(private readonly keys: PrivacyKeys) {}

  async execute(
    sealed: string,
    expected: { requestId: string; service: SubjectRightsResponder; customerId: string },
  ): Promise<SubjectAccessFragmentDocument> {
    const text = await this.keys.open(
      sealed,
      subjectAccessFragmentSeal.context(expected.requestId),
    );
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new UnusableFragmentError(`${expected.service}'s fragment is not JSON`);
    }
    const parsed = subjectAccessFragmentDocumentSchema.safeParse(value);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ');
      throw new UnusableFragmentError(`${expected.service}'s fragment is invalid: ${problems}`);
    }
    const document = parsed.data;
    if (
      document.requestId !== expected.requestId ||
      document.service !== expected.service ||
      document.customerId !== expected.customerId
    ) {
      throw new UnusableFragmentError(
        `${expected.service}'s fragment names another request, service or customer`,
      );
    }
    return document;
  }
}
