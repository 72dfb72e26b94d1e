import { deadLetterTopicOf } from '#lumen/contracts';
import type { IncomingMessage, OutgoingMessage } from '../broker/message-broker';

/** Why an event was dead-lettered; the `lumen-dlq-reason` header carries one of these. */
export type DeadLetterReason =
  | 'malformed-envelope'
  | 'unknown-topic'
  | 'missing-signature'
  | 'bad-signature'
  | 'unknown-key'
  | 'wrong-producer'
  | 'schema-violation'
  | 'handler-rejected'
  | 'retries-exhausted';

export const DEAD_LETTER_HEADERS = {
  reason: 'lumen-dlq-reason',
  detail: 'lumen-dlq-detail',
  topic: 'lumen-dlq-original-topic',
  partition: 'lumen-dlq-original-partition',
  offset: 'lumen-dlq-original-offset',
  consumer: 'lumen-dlq-consumer',
  failedAt: 'lumen-dlq-failed-at',
} as const;

/**
 * The original message, byte for byte (it is signed and its personal fields are sealed, so
 * nothing readable leaks), with the reason and its original coordinates in headers, so it
 * can be inspected and replayed onto its topic.
 */
export function deadLetterOf(
  message: IncomingMessage,
  consumer: string,
  reason: DeadLetterReason,
  detail: string,
): OutgoingMessage {
  return {
    topic: deadLetterTopicOf(message.topic),
    key: message.key ?? '',
    value: message.value ?? Buffer.alloc(0),
    headers: {
      ...message.headers,
      [DEAD_LETTER_HEADERS.reason]: reason,
      // Details name fields and error classes, never values; bounded in size regardless.
      [DEAD_LETTER_HEADERS.detail]: detail.slice(0, 500),
      [DEAD_LETTER_HEADERS.topic]: message.topic,
      [DEAD_LETTER_HEADERS.partition]: String(message.partition),
      [DEAD_LETTER_HEADERS.offset]: message.offset,
      [DEAD_LETTER_HEADERS.consumer]: consumer,
      [DEAD_LETTER_HEADERS.failedAt]: new Date().toISOString(),
    },
  };
}
