import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  signedBytesOf,
  type EventEnvelope,
  type PayloadOf,
  type TopicCatalogue,
} from '#lumen/contracts';
import type { EventSigner } from '#lumen/crypto';
import { captureTraceContext } from '../tracing/trace-context';

export interface OutboxEntry {
  readonly eventId: string;
  readonly topic: string;
}

/**
 * Writes events into the service's outbox table inside the caller's transaction, so an
 * event exists if and only if the state change that caused it committed. The envelope is
 * validated, serialised and signed here, once; the relay sends the stored bytes untouched.
 */
export class Outbox<C extends TopicCatalogue> {
  constructor(
    private readonly catalogue: C,
    private readonly signer: EventSigner,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async add<N extends keyof C & string>(
    transaction: EntityManager,
    topic: N,
    key: string,
    payload: PayloadOf<C, N>,
  ): Promise<OutboxEntry> {
    const definition = this.catalogue[topic];
    if (!definition) throw new Error(`${topic} is not in the topic catalogue`);
    if (definition.owner !== this.signer.service) {
      throw new Error(
        `${this.signer.service} may not publish to ${topic} (owned by ${definition.owner})`,
      );
    }
    if (!transaction.queryRunner?.isTransactionActive) {
      throw new Error('Outbox.add must run inside the transaction of the state change');
    }
    const envelope: EventEnvelope = {
      id: randomUUID(),
      type: topic,
      occurredAt: this.clock().toISOString(),
      producer: this.signer.service,
      keyId: this.signer.keyId,
      key,
      // Validating on the way in catches a producer bug here, not in every consumer.
      payload: definition.schema.parse(payload),
    };
    const value = Buffer.from(JSON.stringify(envelope), 'utf8');
    const signature = this.signer.sign(signedBytesOf(topic, key, value));
    await transaction.query(
      `INSERT INTO outbox (event_id, topic, message_key, value, signature, trace_context)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [envelope.id, topic, key, value, signature, JSON.stringify(captureTraceContext())],
    );
    return { eventId: envelope.id, topic };
  }
}
