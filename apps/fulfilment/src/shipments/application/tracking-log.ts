import type { EntityManager } from 'typeorm';

/** What tracking callbacks were applied, and which signed messages were taken. */
export abstract class TrackingLog {
  /** Records the callback's message; false when it was taken before (a replay). */
  abstract recordMessage(tx: EntityManager, keyId: string, messageId: string): Promise<boolean>;
  /** Records the carrier's event; false when it was applied before (a carrier's retry). */
  abstract recordEvent(
    tx: EntityManager,
    event: {
      readonly eventId: string;
      readonly shipmentId: string;
      readonly status: 'dispatched' | 'delivered';
      readonly occurredAt: Date;
    },
  ): Promise<boolean>;
  /** Forgets message ids older than `before`: past the freshness window they cannot pass again. */
  abstract pruneMessages(before: Date): Promise<number>;
}
