import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { KeyDestroyedV1 } from '#lumen/contracts';
import { HandleEvent, type ReceivedEvent } from '#lumen/messaging';
import { ForgetDestroyedKey } from '../application/forget-destroyed-key.use-case';

@Injectable()
export class KeyDestroyedConsumer {
  constructor(private readonly forgetDestroyedKey: ForgetDestroyedKey) {}

  @HandleEvent('privacy.key.destroyed.v1')
  onKeyDestroyed(event: ReceivedEvent<KeyDestroyedV1>, tx: EntityManager): Promise<void> {
    return this.forgetDestroyedKey.execute(tx, event.payload.keyId);
  }
}
