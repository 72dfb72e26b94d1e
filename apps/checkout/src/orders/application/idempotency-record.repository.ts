import type { EntityManager } from 'typeorm';
import type { PlacedOrderAnswer } from './place-order.command';

export interface IdempotencyRecord {
  readonly storefrontId: string;
  readonly idempotencyKey: string;
  readonly requestFingerprint: Buffer;
  readonly orderId: string;
  readonly responseStatus: number;
  readonly answer: PlacedOrderAnswer;
}

/** Answers already given, per storefront and `Idempotency-Key`. */
export abstract class IdempotencyRecordRepository {
  abstract find(storefrontId: string, key: string): Promise<IdempotencyRecord | undefined>;
  /**
   * Inserts the record in the order's transaction unless the key is taken; false if it is.
   * The primary key decides: a concurrent request with the same key waits for this
   * transaction and then finds the key taken.
   */
  abstract claim(tx: EntityManager, record: IdempotencyRecord): Promise<boolean>;
}
