import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { LumenTopics } from '#lumen/contracts';
import { Outbox } from '#lumen/messaging';
import { CardTokenKeyRepository, type DestructionTrigger } from './card-token-key.repository';
import { CardTokenVault } from './card-token-vault';
import { recordTokenDestroyed } from '../../metrics/card-token.metrics';

/**
 * Destroys the data key of an order's card token through the key service, and publishes
 * `payment.card-token.destroyed.v1` with the time it took, in the transaction that records
 * the destruction. Due when the payment ended, or when the token expired unused.
 */
@Injectable()
export class DestroyCardToken {
  private readonly logger = new Logger(DestroyCardToken.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly tokenKeys: CardTokenKeyRepository,
    private readonly vault: CardTokenVault,
    private readonly outbox: Outbox<LumenTopics>,
  ) {}

  /** Destroys now if due; a failure is recorded and left to the sweeper. */
  async now(orderId: string): Promise<boolean> {
    try {
      return await this.dataSource.transaction((tx) => this.execute(tx, orderId, new Date()));
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : 'error';
      this.logger.warn(`card token key of order ${orderId} not destroyed yet: ${message}`);
      await this.tokenKeys.recordFailure(orderId, message).catch(() => undefined);
      return false;
    }
  }

  async execute(tx: EntityManager, orderId: string, now: Date): Promise<boolean> {
    const record = await this.tokenKeys.findForUpdate(tx, orderId);
    if (!record || record.destroyedAt !== null) return false;
    let trigger: DestructionTrigger;
    let dueSince: Date;
    if (record.trigger !== null && record.outcomeAt !== null) {
      trigger = record.trigger;
      dueSince = record.outcomeAt;
    } else if (record.expiresAt <= now) {
      trigger = 'expired';
      dueSince = record.expiresAt;
    } else {
      return false;
    }
    const { destroyedAt } = await this.vault.destroy(
      record.keyId,
      `card token of order ${orderId}: payment ${trigger}`,
    );
    await this.tokenKeys.markDestroyed(tx, orderId, trigger, destroyedAt);
    await this.outbox.add(tx, 'payment.card-token.destroyed.v1', orderId, {
      orderId,
      keyId: record.keyId,
      trigger,
      destroyedAt: destroyedAt.toISOString(),
      tookMs: Math.max(0, destroyedAt.getTime() - dueSince.getTime()),
      tokenLifetimeMs: Math.max(0, destroyedAt.getTime() - record.placedAt.getTime()),
    });
    recordTokenDestroyed(trigger, record.placedAt, dueSince, destroyedAt);
    return true;
  }
}
