import type {
  BrokerConsumer,
  ConsumerOptions,
  IncomingMessage,
  MessageBroker,
  OutgoingMessage,
  TopicSettings,
} from '../broker/message-broker';

/**
 * Injection token for the broker: an abstract class, so Nest can inject it by type while
 * the implementation (kafkajs today) stays replaceable.
 */
export abstract class MessageBrokerPort implements MessageBroker {
  abstract ensureTopics(topics: readonly TopicSettings[]): Promise<{ created: string[] }>;
  abstract send(messages: readonly OutgoingMessage[]): Promise<void>;
  abstract consumer(options: ConsumerOptions): BrokerConsumer;
  abstract disconnect(): Promise<void>;
}

export type { IncomingMessage };
