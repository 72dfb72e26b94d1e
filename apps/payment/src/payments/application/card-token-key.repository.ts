import type { EntityManager } from 'typeorm';

export type DestructionTrigger = 'confirmed' | 'failed' | 'expired';

export interface CardTokenKeyRecord {
  readonly orderId: string;
  readonly keyId: string;
  readonly placedAt: Date;
  readonly expiresAt: Date;
  readonly trigger: DestructionTrigger | null;
  readonly outcomeAt: Date | null;
  readonly destroyedAt: Date | null;
}

/** Which card-token key belongs to which order, and whether it is destroyed yet. */
export abstract class CardTokenKeyRepository {
  /** Records the key on first sight (committed on its own, before the payment is tried). */
  abstract schedule(orderId: string, keyId: string, placedAt: Date, expiresAt: Date): Promise<void>;
  /** The payment ended: the key is due now. */
  abstract markOutcome(
    tx: EntityManager,
    orderId: string,
    trigger: 'confirmed' | 'failed',
    at: Date,
  ): Promise<void>;
  abstract findForUpdate(
    tx: EntityManager,
    orderId: string,
  ): Promise<CardTokenKeyRecord | undefined>;
  abstract markDestroyed(
    tx: EntityManager,
    orderId: string,
    trigger: DestructionTrigger,
    destroyedAt: Date,
  ): Promise<void>;
  abstract recordFailure(orderId: string, error: string): Promise<void>;
  /** Keys due for destruction: payment ended, or expired unused. */
  abstract due(now: Date, limit: number): Promise<string[]>;
}
