import { Injectable } from '@nestjs/common';
import type { KeyDestroyedV1 } from '#lumen/contracts';
import { KeyServiceClient } from '#lumen/crypto';
import { HandleEvent, type ReceivedEvent } from '#lumen/messaging';

/**
 * A destroyed key stops working here at once: the cached copy is dropped when the key service
 * announces the destruction (other instances drop theirs within the client's `maxAgeMs`).
 */
@Injectable()
export class KeyDestroyedConsumer {
  constructor(private readonly keys: KeyServiceClient) {}

  @HandleEvent('privacy.key.destroyed.v1')
  onKeyDestroyed(event: ReceivedEvent<KeyDestroyedV1>): Promise<void> {
    this.keys.evict(event.payload.keyId);
    return Promise.resolve();
  }
}
