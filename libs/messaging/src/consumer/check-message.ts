import {
  EVENT_HEADERS,
  eventEnvelopeSchema,
  signedBytesOf,
  type TopicCatalogue,
} from '#lumen/contracts';
import type { KeyRing } from '#lumen/crypto';
import type { IncomingMessage } from '../broker/message-broker';
import type { DeadLetterReason } from './dead-letter';
import type { ReceivedEvent } from './received-event';

export type MessageCheck =
  | { readonly ok: true; readonly event: ReceivedEvent }
  | { readonly ok: false; readonly reason: DeadLetterReason; readonly detail: string };

function refuse(reason: DeadLetterReason, detail: string): MessageCheck {
  return { ok: false, reason, detail };
}

/**
 * Everything a consumer checks at its edge before any handler sees an event: the envelope
 * parses, the signature is valid and by a key of the topic's owner, the envelope agrees
 * with the Kafka coordinates it arrived on, and the payload fits the topic's schema. Any
 * failure is final (retrying cannot fix it), so it goes to the dead-letter topic at once.
 * Details name fields, never values: the payload may hold sealed personal data.
 */
export function checkMessage(
  message: IncomingMessage,
  catalogue: TopicCatalogue,
  keyRing: KeyRing,
): MessageCheck {
  const topic = catalogue[message.topic];
  if (!topic) return refuse('unknown-topic', `${message.topic} is not in the catalogue`);
  if (!message.value || message.key === null)
    return refuse('malformed-envelope', 'no key or value');

  let json: unknown;
  try {
    json = JSON.parse(message.value.toString('utf8'));
  } catch {
    return refuse('malformed-envelope', 'value is not JSON');
  }
  const envelope = eventEnvelopeSchema.safeParse(json);
  if (!envelope.success) {
    return refuse(
      'malformed-envelope',
      `invalid envelope fields: ${pathsOf(envelope.error.issues)}`,
    );
  }
  const { id, type, producer, keyId, key, occurredAt, payload } = envelope.data;

  const signature = message.headers[EVENT_HEADERS.signature];
  if (!signature) return refuse('missing-signature', 'no lumen-signature header');
  if (producer !== topic.owner) {
    return refuse(
      'wrong-producer',
      `${producer} does not own ${topic.name} (owner: ${topic.owner})`,
    );
  }
  const check = keyRing.verify(
    keyId,
    signedBytesOf(message.topic, message.key, message.value),
    Buffer.from(signature, 'base64'),
    topic.owner,
  );
  if (!check.ok) {
    const reason = check.reason === 'wrong-signer' ? 'wrong-producer' : check.reason;
    return refuse(reason, `signature by ${keyId} refused: ${check.reason}`);
  }
  if (type !== message.topic || key !== message.key) {
    return refuse('malformed-envelope', 'envelope type or key disagrees with the message');
  }

  const parsed = topic.schema.safeParse(payload);
  if (!parsed.success) {
    return refuse(
      'schema-violation',
      `payload fields failed ${topic.name}: ${pathsOf(parsed.error.issues)}`,
    );
  }
  return {
    ok: true,
    event: {
      id,
      topic: message.topic,
      key,
      producer,
      occurredAt,
      payload: parsed.data,
      partition: message.partition,
      offset: message.offset,
    },
  };
}

function pathsOf(issues: readonly { path: readonly PropertyKey[]; code: string }[]): string {
  return issues
    .slice(0, 10)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'} (${issue.code})`)
    .join(', ');
}
