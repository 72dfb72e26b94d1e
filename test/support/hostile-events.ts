import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import {
  deadLetterTopicOf,
  EVENT_HEADERS,
  signedBytesOf,
  type ServiceName,
} from '#lumen/contracts';
import { loadEventSigner, seal, type DataKey } from '#lumen/crypto';
import { KafkaJsBroker, silentLogger, type OutgoingMessage } from '#lumen/messaging';
import {
  hostileJsonText,
  notJsonText,
  oversizedStructureText,
  protoPollutionKey,
  textWithCardNumber,
} from './hostile-input';
import { recordInjection } from './injected-records';

/** The header every hostile message carries, so its dead letter can be told apart. */
export const FUZZ_CASE_HEADER = 'lumen-fuzz-case';

export type HostileEventKind =
  | 'not-json'
  | 'bad-envelope'
  | 'no-signature'
  | 'bad-signature'
  | 'wrong-producer'
  | 'unknown-key'
  | 'moved-topic'
  | 'schema-violation'
  | 'huge-value';

export interface HostileEvent {
  readonly caseId: string;
  readonly kind: HostileEventKind;
  readonly message: OutgoingMessage;
}

export interface HostileEventOptions {
  readonly topic: string;
  /** The topic's owner, whose key signs the messages that are signed correctly. */
  readonly owner: ServiceName;
  /** A service that does not own the topic, whose genuine key signs the forgeries. */
  readonly impostor: ServiceName;
  /** Another topic consumed by the same service, for a genuine event moved onto this one. */
  readonly otherTopic: string;
  readonly keysDir: string;
  /** A payload the topic's schema accepts: the base the schema violations mutate. */
  readonly validPayload: Record<string, unknown>;
}

/**
 * Messages that must never reach a handler: not JSON, a broken envelope, no signature, a
 * signature that does not verify or is by a key that does not own the topic, an event signed
 * for another topic, a payload the topic's schema refuses (always: it carries a member the
 * schema does not know, such as `__proto__`, beside a value of the wrong type or a hidden card
 * number), or a value of hundreds of kilobytes. Each must be dead-lettered, and change nothing.
 */
export function hostileEvents(options: HostileEventOptions): fc.Arbitrary<HostileEvent> {
  const owner = loadEventSigner(options.keysDir, options.owner);
  const impostor = loadEventSigner(options.keysDir, options.impostor);
  const envelopeText = (fields: Record<string, string>, payloadText: string) =>
    `{${Object.entries(fields)
      .map(([k, v]) => `${JSON.stringify(k)}:${v}`)
      .join(',')},"payload":${payloadText}}`;
  const genuineFields = (key: string, topic = options.topic, signer = owner) => ({
    id: JSON.stringify(randomUUID()),
    type: JSON.stringify(topic),
    occurredAt: JSON.stringify(new Date().toISOString()),
    producer: JSON.stringify(signer.service),
    keyId: JSON.stringify(signer.keyId),
    key: JSON.stringify(key),
  });
  const signed = (
    caseId: string,
    kind: HostileEventKind,
    key: string,
    value: Buffer,
    signer = owner,
    topic = options.topic,
  ): HostileEvent => ({
    caseId,
    kind,
    message: {
      topic: options.topic,
      key,
      value,
      headers: {
        [EVENT_HEADERS.signature]: signer.sign(signedBytesOf(topic, key, value)).toString('base64'),
        [FUZZ_CASE_HEADER]: caseId,
      },
    },
  });
  const validJson = JSON.stringify(options.validPayload);
  const schemaViolation = fc
    .tuple(
      protoPollutionKey(),
      hostileJsonText(2),
      fc.constantFrom(...Object.keys(options.validPayload)),
      fc.oneof(
        hostileJsonText(2),
        textWithCardNumber().map((text) => JSON.stringify(text)),
      ),
    )
    .map(([extraKey, extraValue, field, replacement]) => {
      const members = Object.entries(options.validPayload).map(
        ([k, v]) => `${JSON.stringify(k)}:${k === field ? replacement : JSON.stringify(v)}`,
      );
      return `{${JSON.stringify(extraKey)}:${extraValue},${members.join(',')}}`;
    });
  const bytes = (text: string) => Buffer.from(text, 'utf8');

  return fc
    .tuple(
      fc.uuid(),
      fc.string({ minLength: 1, maxLength: 40 }),
      fc.oneof(
        notJsonText().map((text) => ({ kind: 'not-json' as const, text })),
        fc
          .tuple(
            fc.constantFrom('id', 'type', 'occurredAt', 'producer', 'keyId', 'key'),
            hostileJsonText(2),
          )
          .map(([field, value]) => ({ kind: 'bad-envelope' as const, field, value })),
        fc.constant({ kind: 'no-signature' as const }),
        fc.constant({ kind: 'bad-signature' as const }),
        fc.constant({ kind: 'wrong-producer' as const }),
        fc.constant({ kind: 'unknown-key' as const }),
        fc.constant({ kind: 'moved-topic' as const }),
        schemaViolation.map((text) => ({ kind: 'schema-violation' as const, text })),
        fc
          .oneof(
            oversizedStructureText(),
            fc
              .tuple(
                fc.constantFrom('a', 'é', '\u{1F600}', '\u0000'),
                fc.integer({ min: 50_000, max: 120_000 }),
              )
              .map(([unit, times]) => JSON.stringify(unit.repeat(times))),
          )
          .map((text) => ({ kind: 'huge-value' as const, text })),
      ),
    )
    .map(([caseId, rawKey, variant]): HostileEvent => {
      const key = rawKey.trim() === '' ? `k${caseId}` : rawKey;
      switch (variant.kind) {
        case 'not-json':
          return signed(caseId, variant.kind, key, bytes(variant.text));
        case 'bad-envelope':
          return signed(
            caseId,
            variant.kind,
            key,
            bytes(
              envelopeText({ ...genuineFields(key), [variant.field]: variant.value }, validJson),
            ),
          );
        case 'no-signature':
          return {
            caseId,
            kind: variant.kind,
            message: {
              topic: options.topic,
              key,
              value: bytes(envelopeText(genuineFields(key), validJson)),
              headers: { [FUZZ_CASE_HEADER]: caseId },
            },
          };
        case 'bad-signature': {
          const event = signed(
            caseId,
            variant.kind,
            key,
            bytes(envelopeText(genuineFields(key), validJson)),
          );
          return {
            ...event,
            message: {
              ...event.message,
              headers: {
                ...event.message.headers,
                [EVENT_HEADERS.signature]: randomBytes(64).toString('base64'),
              },
            },
          };
        }
        case 'wrong-producer':
          // A genuine key of another service, claiming to be itself or the owner.
          return signed(
            caseId,
            variant.kind,
            key,
            bytes(envelopeText(genuineFields(key, options.topic, impostor), validJson)),
            impostor,
          );
        case 'unknown-key':
          return signed(
            caseId,
            variant.kind,
            key,
            bytes(
              envelopeText(
                { ...genuineFields(key), keyId: JSON.stringify(`${owner.keyId}-x`) },
                validJson,
              ),
            ),
          );
        case 'moved-topic':
          // Signed by the owner for another topic, then sent on this one.
          return signed(
            caseId,
            variant.kind,
            key,
            bytes(envelopeText(genuineFields(key, options.otherTopic), validJson)),
            owner,
            options.otherTopic,
          );
        case 'schema-violation':
          return signed(
            caseId,
            variant.kind,
            key,
            bytes(envelopeText(genuineFields(key), variant.text)),
          );
        case 'huge-value':
          return signed(
            caseId,
            variant.kind,
            key,
            bytes(envelopeText(genuineFields(key), variant.text)),
          );
      }
    });
}

/** Reads dead-letter topics from their current end and notes which fuzz cases arrived. */
export class DeadLetterWatch {
  readonly arrived = new Map<string, string>();
  private consumer: Consumer | undefined;

  constructor(
    private readonly brokers: string,
    /** Only dead letters of this consumer group count; any group's when left out. */
    private readonly consumerGroup?: string,
  ) {}

  async start(topics: readonly string[]): Promise<void> {
    const kafka = new Kafka({
      clientId: 'fuzz-dlq-watch',
      brokers: [this.brokers],
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: `fuzz-dlq-${randomBytes(6).toString('hex')}` });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: topics.map(deadLetterTopicOf), fromBeginning: false });
    const joined = new Promise<void>((resolve) => {
      consumer.on(consumer.events.GROUP_JOIN, () => {
        resolve();
      });
    });
    await consumer.run({
      eachMessage: ({ message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
        );
        const caseId = headers[FUZZ_CASE_HEADER];
        if (
          caseId !== undefined &&
          (this.consumerGroup === undefined || headers['lumen-dlq-consumer'] === this.consumerGroup)
        ) {
          this.arrived.set(caseId, headers['lumen-dlq-reason'] ?? '');
        }
        return Promise.resolve();
      },
    });
    await joined;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

/** Waits until every case is dead-lettered; fails naming the ones that never were. */
export async function expectAllDeadLettered(
  watch: DeadLetterWatch,
  cases: readonly HostileEvent[],
  timeoutMs = 45_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && cases.some((c) => !watch.arrived.has(c.caseId))) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const missing = cases
    .filter((c) => !watch.arrived.has(c.caseId))
    .map((c) => `${c.kind} on ${c.message.topic}`);
  if (missing.length > 0) throw new Error(`never dead-lettered: ${missing.join('; ')}`);
}

/** What a consuming service's fuzz spec says of one topic it consumes. */
export interface ConsumedTopic {
  readonly owner: ServiceName;
  readonly impostor: ServiceName;
  /** A payload the topic's schema accepts. */
  readonly payload: Record<string, unknown>;
}

/**
 * Samples `runsPerTopic` hostile messages for every topic a service consumes (each topic's
 * "other topic" is the next one in the list), publishes them and waits until `watch` has seen
 * every one dead-lettered.
 */
export async function expectHostileEventsDeadLettered(options: {
  readonly brokers: string;
  readonly watch: DeadLetterWatch;
  readonly keysDir: string;
  readonly consumed: Readonly<Record<string, ConsumedTopic>>;
  readonly runsPerTopic: number;
  readonly timeoutMs: number;
}): Promise<void> {
  const topics = Object.keys(options.consumed);
  const cases: HostileEvent[] = topics.flatMap((topic, i) => {
    const spec = options.consumed[topic];
    if (spec === undefined) return [];
    return fc.sample(
      hostileEvents({
        topic,
        owner: spec.owner,
        impostor: spec.impostor,
        otherTopic: topics[(i + 1) % topics.length] ?? topic,
        keysDir: options.keysDir,
        validPayload: spec.payload,
      }),
      { numRuns: options.runsPerTopic },
    );
  });
  await publishEach(
    options.brokers,
    cases.map((c) => c.message),
  );
  await expectAllDeadLettered(options.watch, cases, options.timeoutMs);
}

/**
 * A `checkout.order.placed.v1` payload the schema accepts, its personal fields and card token
 * sealed with `key` for `subject`: the base the hostile messages on that topic mutate.
 */
export function validOrderPlacedPayload(
  orderId: string,
  key: DataKey,
  subject: string,
): Record<string, unknown> {
  const sealed = (field: string) => seal('x', key, { field, subject });
  return {
    orderId,
    storefrontId: 'shop-fuzz',
    customerId: randomUUID(),
    placedAt: new Date().toISOString(),
    policyVersion: '2026-11-25',
    currency: 'GBP',
    totalMinor: 1_250,
    items: [{ sku: 'SKU-MUG', quantity: 1, unitPriceMinor: 1_250 }],
    payment: { gateway: 'simulator', cardToken: sealed('payment.cardToken') },
    delivery: { address: sealed('delivery.address') },
    customer: {
      name: sealed('customer.name'),
      email: sealed('customer.email'),
      phone: sealed('customer.phone'),
    },
  };
}

/** Sends each message on its own (a batch of large values would exceed the broker's request limit). */
export async function publishEach(
  brokers: string,
  messages: readonly OutgoingMessage[],
): Promise<void> {
  const publisher = new KafkaJsBroker({
    clientId: 'fuzz-publisher',
    brokers: [brokers],
    logger: silentLogger,
  });
  try {
    for (const message of messages) {
      recordInjection(brokers, message.topic);
      await publisher.send([message]);
    }
  } finally {
    await publisher.disconnect();
  }
}

/** A genuine event, enveloped and signed as `service`'s outbox relay would send it. */
export function genuineEvent(
  keysDir: string,
  service: ServiceName,
  topic: string,
  key: string,
  payload: unknown,
  /** Marks the message, so its dead letter (if any) can be told apart. */
  caseId?: string,
): { readonly eventId: string; readonly message: OutgoingMessage } {
  const signer = loadEventSigner(keysDir, service);
  const eventId = randomUUID();
  const value = Buffer.from(
    JSON.stringify({
      id: eventId,
      type: topic,
      occurredAt: new Date().toISOString(),
      producer: service,
      keyId: signer.keyId,
      key,
      payload,
    }),
    'utf8',
  );
  const signature = signer.sign(signedBytesOf(topic, key, value)).toString('base64');
  const headers = {
    [EVENT_HEADERS.signature]: signature,
    ...(caseId === undefined ? {} : { [FUZZ_CASE_HEADER]: caseId }),
  };
  return { eventId, message: { topic, key, value, headers } };
}

/**
 * Commits the current end of `topics` for a new consumer group, so a service joining it does
 * not first work through what other runs left on the shared broker.
 */
export async function startConsumerGroupAtEnd(
  brokers: string,
  groupId: string,
  topics: readonly string[],
): Promise<void> {
  const kafka = new Kafka({ clientId: groupId, brokers: [brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({
        groupId,
        topic,
        partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}
