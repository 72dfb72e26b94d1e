import { z } from 'zod';

/**
 * What travels as a Kafka message value. The payload is validated against the topic's
 * schema at the consumer's edge; the envelope itself is validated first.
 *
 * The producer's Ed25519 signature does not live in the envelope but in the
 * `lumen-signature` header, computed over the raw value bytes (see `signedBytesOf`), so a
 * verifier never has to re-serialise JSON to check it.
 */
export const eventEnvelopeSchema = z.strictObject({
  id: z.uuid(),
  /** The topic name, e.g. `checkout.order.placed.v1`: names the schema of the payload. */
  type: z.string().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
  /** Service that produced (and signed) the event; must be the topic's owner. */
  producer: z.string().min(1),
  /** Id of the signing key, so a verifier picks the right public key and rotation works. */
  keyId: z.string().min(1),
  /** The aggregate id; also the Kafka message key, which keeps per-aggregate order. */
  key: z.string().min(1),
  payload: z.unknown(),
});

export type EventEnvelope<P = unknown> = Omit<z.infer<typeof eventEnvelopeSchema>, 'payload'> & {
  payload: P;
};

/** Kafka header names used by every Lumen event. */
export const EVENT_HEADERS = {
  signature: 'lumen-signature',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

/**
 * The bytes a producer signs: topic, key and raw value. Binding the topic and key means a
 * signed event copied onto another topic, or under another key, fails verification.
 */
export function signedBytesOf(topic: string, key: string, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${topic}\n${key}\n`, 'utf8'), value]);
}
