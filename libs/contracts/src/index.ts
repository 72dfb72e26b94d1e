export {
  EVENT_HEADERS,
  eventEnvelopeSchema,
  signedBytesOf,
  type EventEnvelope,
} from './event-envelope';
export { SERVICE_NAMES, serviceNameSchema, type ServiceName } from './service-name';
export { LUMEN_TOPICS, type LumenTopicName, type LumenTopics } from './topic-catalogue';
export {
  DAY_MS,
  deadLetterTopicOf,
  defineTopic,
  topicSpecsOf,
  type CleanupPolicy,
  type PayloadOf,
  type TopicCatalogue,
  type TopicDefinition,
  type TopicSpec,
} from './topic-definition';
export { sealedValueSchema } from './sealed-value';
export {
  orderPlacedV1,
  orderPlacedV1Schema,
  type OrderPlacedV1,
} from './topics/checkout-order-placed.v1';
export {
  keyDestroyedV1,
  keyDestroyedV1Schema,
  type KeyDestroyedV1,
} from './topics/privacy-key-destroyed.v1';
