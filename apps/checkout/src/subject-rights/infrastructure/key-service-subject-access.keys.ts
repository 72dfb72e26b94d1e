import { Injectable } from '@nestjs/common';
import { subjectAccessFragmentSeal } from '#lumen/contracts';
import {
  EnvelopeError,
  KeyServiceClient,
  KeyServiceError,
  seal,
  type SealContext,
  type SealedValue,
} from '#lumen/crypto';
import { SubjectAccessKeys, type Opened } from '../application/subject-access-keys';

/**
 * Checkout's keys from the key service. A fragment key is created per request (subject
 * `request:<requestId>:checkout`), shared with privacy only; checkout never reads it again.
 */
@Injectable()
export class KeyServiceSubjectAccessKeys extends SubjectAccessKeys {
  constructor(private readonly keys: KeyServiceClient) {
    super();
  }

  override async open(sealed: string, context: SealContext): Promise<Opened> {
    try {
      return { readable: true, value: await this.keys.open(sealed, context) };
    } catch (error) {
      if (error instanceof KeyServiceError) {
        if (error.code === 'destroyed' || error.code === 'not-found') {
          return { readable: false, why: 'key-destroyed' };
        }
        if (error.code === 'forbidden') return { readable: false, why: 'not-for-checkout' };
      }
      // A value that no longer authenticates is as unreadable as one whose key is gone.
      if (error instanceof EnvelopeError) return { readable: false, why: 'key-destroyed' };
      throw error; // the key service is down: the consumer retries the request
    }
  }

  override async sealFragment(requestId: string, document: string): Promise<SealedValue> {
    const { key } = await this.keys.createKey({
      subject: subjectAccessFragmentSeal.keySubject(requestId, 'checkout'),
      purpose: subjectAccessFragmentSeal.keyPurpose,
      allowedServices: ['checkout', 'privacy'],
    });
    return seal(document, key, subjectAccessFragmentSeal.context(requestId));
  }

  override forget(keyIds: readonly string[]): number {
    for (const keyId of keyIds) this.keys.evict(keyId);
    return keyIds.length;
  }
}
