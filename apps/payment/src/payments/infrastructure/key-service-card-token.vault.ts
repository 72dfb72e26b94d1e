import { Injectable } from '@nestjs/common';
import { EnvelopeError, KeyServiceClient, KeyServiceError, keyIdOfSealed } from '#lumen/crypto';
import { CardTokenUnreadable, CardTokenVault } from '../application/card-token-vault';

/**
 * Card tokens through the key service: sealed by checkout under the order's `card-token`
 * key, bound to `{ field: 'payment.cardToken', subject: 'order:<id>' }`.
 */
@Injectable()
export class KeyServiceCardTokenVault extends CardTokenVault {
  constructor(private readonly keys: KeyServiceClient) {
    super();
  }

  override keyIdOf(sealedToken: string): string {
    return keyIdOfSealed(sealedToken);
  }

  override async open(sealedToken: string, orderId: string): Promise<string> {
    try {
      return await this.keys.open(sealedToken, {
        field: 'payment.cardToken',
        subject: `order:${orderId}`,
      });
    } catch (error) {
      if (error instanceof EnvelopeError) {
        throw new CardTokenUnreadable('unreadable', `card token does not open: ${error.code}`);
      }
      if (error instanceof KeyServiceError) {
        switch (error.code) {
          case 'destroyed':
          case 'not-found':
            throw new CardTokenUnreadable('destroyed', 'card token key is gone');
          case 'forbidden':
            throw new CardTokenUnreadable('forbidden', 'payment may not use this key');
          case 'unauthenticated':
          case 'conflict':
          case 'invalid-request':
          case 'unavailable':
            throw error; // ours to fix or wait out: the event is retried
        }
      }
      throw error;
    }
  }

  override async destroy(keyId: string, reason: string): Promise<{ destroyedAt: Date }> {
    const { destroyedAt } = await this.keys.destroyKey(keyId, reason);
    return { destroyedAt: new Date(destroyedAt) };
  }
}
