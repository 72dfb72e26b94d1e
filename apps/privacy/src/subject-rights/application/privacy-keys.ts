import { Injectable } from '@nestjs/common';
import { keyIdOfSealed, open, seal, type SealContext, type SealedValue } from '#lumen/crypto';
import { CreateKey } from '../../keys/application/create-key.use-case';
import { GetKey } from '../../keys/application/get-key.use-case';

const PRIVACY = 'privacy';

/**
 * The privacy service using its own key service in-process, as the caller `privacy`: the same
 * purpose rules, allow-lists and audit rows as any other service's call, without the HTTP hop.
 */
@Injectable()
export class PrivacyKeys {
  constructor(
    private readonly createKey: CreateKey,
    private readonly getKey: GetKey,
  ) {}

  /** Opens a value sealed under a key privacy may use; throws if destroyed or not allowed. */
  async open(sealed: string, context: SealContext): Promise<string> {
    const { key } = await this.getKey.execute({ caller: PRIVACY, keyId: keyIdOfSealed(sealed) });
    return open(sealed, key, context);
  }

  /** Seals under privacy's own key of `purpose` for `subject` (created on first use). */
  async seal(
    plaintext: string,
    purpose: string,
    subject: string,
    context: SealContext,
  ): Promise<SealedValue> {
    const { key } = await this.createKey.execute({
      caller: PRIVACY,
      subject,
      purpose,
      allowedServices: [PRIVACY],
    });
    return seal(plaintext, key, context);
  }
}
