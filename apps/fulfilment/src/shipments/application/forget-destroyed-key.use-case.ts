import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { KeyServiceClient } from '#lumen/crypto';
import { OrderIntakeRepository } from './order-intake.repository';

/**
 * A data key was destroyed (erasure, crypto-shredding): the cached copy is dropped at once and
 * every sealed address under it is deleted; a shipment still waiting for one fails with
 * `address-unavailable` at its next handover attempt.
 */
@Injectable()
export class ForgetDestroyedKey {
  private readonly logger = new Logger(ForgetDestroyedKey.name);

  constructor(
    private readonly keys: KeyServiceClient,
    private readonly intake: OrderIntakeRepository,
  ) {}

  async execute(tx: EntityManager, keyId: string): Promise<void> {
    this.keys.evict(keyId);
    const forgotten = await this.intake.forgetAddressesUnderKey(tx, keyId);
    if (forgotten > 0)
      this.logger.log('deleted addresses under a destroyed key', { keyId, forgotten });
  }
}
