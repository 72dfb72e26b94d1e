import { Injectable } from '@nestjs/common';
import { subjectAccessFragmentSeal } from '#lumen/contracts';
import { KeyServiceClient, seal, type SealedValue } from '#lumen/crypto';
import { FragmentSealer } from '../application/fragment-sealer';

/** A key per request (subject `request:<requestId>…payment`), shared with privacy only. */
@Injectable()
export class KeyServiceFragmentSealer extends FragmentSealer {
  constructor(private readonly keys: KeyServiceClient) {
    super();
  }

  override async seal(requestId: string, document: string): Promise<SealedValue> {
    const { key } = await this.keys.createKey({
      subject: subjectAccessFragmentSeal.keySubject(requestId, 'payment'),
      purpose: subjectAccessFragmentSeal.keyPurpose,
      allowedServices: ['payment', 'privacy'],
    });
    return seal(document, key, subjectAccessFragmentSeal.context(requestId));
  }
}
