export { backoffDelay, sleep, type BackoffPolicy } from './backoff';
export { KafkaJsBroker, type KafkaJsBrokerOptions } from './broker/kafkajs-broker';
export type {
  BatchControl,
  BrokerConsumer,
  ConsumerOptions,
  IncomingMessage,
  MessageBroker,
  OutgoingMessage,
  TopicSettings,
} from './broker/message-broker';
export { checkMessage, type MessageCheck } from './consumer/check-message';
export { DEAD_LETTER_HEADERS, type DeadLetterReason } from './consumer/dead-letter';
export { EventConsumer, type EventConsumerOptions } from './consumer/event-consumer';
export {
  PermanentEventError,
  type EventHandler,
  type EventSubscription,
  type ReceivedEvent,
} from './consumer/received-event';
export { silentLogger, type MessagingLogger } from './logger';
export { ConsumerReadinessCheck } from './nest/consumer-readiness.check';
export { HandleEvent } from './nest/handle-event.decorator';
export { MessageBrokerPort } from './nest/message-broker.port';
export { MessagingModule, type MessagingModuleAsyncOptions } from './nest/messaging.module';
export type { MessagingModuleOptions } from './nest/messaging.options';
export { CreateMessagingTables1764057600000 } from './outbox/create-messaging-tables.migration';
export { Outbox, type OutboxEntry } from './outbox/outbox';
export { OutboxRelay, type OutboxRelayOptions } from './outbox/outbox-relay';
export { captureTraceContext } from './tracing/trace-context';
export { messagingMetrics } from './metrics/messaging.metrics';
export {
  MessagingMetricsCollector,
  type MessagingMetricsCollectorOptions,
} from './metrics/messaging-metrics.collector';
