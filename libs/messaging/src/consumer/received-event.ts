import type { EntityManager } from 'typeorm';

/** An event that passed every check at the consumer's edge, handed to a handler. */
export interface ReceivedEvent<P = unknown> {
  readonly id: string;
  readonly topic: string;
  readonly key: string;
  readonly producer: string;
  readonly occurredAt: string;
  readonly payload: P;
  readonly partition: number;
  readonly offset: string;
}

/**
 * Applies an event's effects inside `transaction`, the same one that records the event id
 * in the inbox: the effect and "processed" commit together or not at all.
 */
export type EventHandler<P = unknown> = (
  event: ReceivedEvent<P>,
  transaction: EntityManager,
) => Promise<void>;

export interface EventSubscription {
  readonly topic: string;
  readonly handle: EventHandler;
}

/**
 * Thrown by a handler when retrying cannot help (the event contradicts the state it
 * applies to): the event goes to the dead-letter topic at once.
 */
export class PermanentEventError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PermanentEventError';
  }
}
