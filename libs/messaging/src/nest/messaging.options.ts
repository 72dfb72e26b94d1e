import type { TopicCatalogue } from '#lumen/contracts';
import type { EventSigner, KeyRing } from '#lumen/crypto';
import type { MessagingLogger } from '../logger';

export interface MessagingModuleOptions {
  readonly catalogue: TopicCatalogue;
  readonly brokers: readonly string[];
  /** Consumer group and inbox name, e.g. `payment`. */
  readonly groupId: string;
  readonly signer: EventSigner;
  readonly keyRing: KeyRing;
  /** Where the outbox relay connects (its own connection, for LISTEN and the leader lock). */
  readonly databaseUrl: string;
  readonly schema: string;
  readonly logger: MessagingLogger;
  /** See `EventConsumerOptions.maxEventsPerTransaction`; default 1. */
  readonly maxEventsPerTransaction?: number;
  /** Off in processes that only read, and in tests that drive the relay themselves. */
  readonly runRelay?: boolean;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
