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
  SUBJECT_ACCESS_CATEGORIES,
  subjectAccessFragmentDocumentSchema,
  subjectAccessFragmentSeal,
  subjectAccessItemSchema,
  subjectAccessRecipientSchema,
  subjectAccessRecordCount,
  subjectAccessSectionSchema,
  subjectAccessStaffAccessSchema,
  type SubjectAccessCategory,
  type SubjectAccessFragmentDocument,
  type SubjectAccessFragmentDocumentInput,
  type SubjectAccessItem,
  type SubjectAccessRecipient,
  type SubjectAccessSection,
  type SubjectAccessStaffAccess,
} from './subject-access-fragment';
export {
  orderPlacedV1,
  orderPlacedV1Schema,
  type OrderPlacedV1,
} from './topics/checkout-order-placed.v1';
export {
  shipmentCreatedV1,
  shipmentCreatedV1Schema,
  shipmentDeliveredV1,
  shipmentDeliveredV1Schema,
  shipmentDispatchedV1,
  shipmentDispatchedV1Schema,
  shipmentFailedV1,
  shipmentFailedV1Schema,
  type ShipmentCreatedV1,
  type ShipmentDeliveredV1,
  type ShipmentDispatchedV1,
  type ShipmentFailedV1,
} from './topics/fulfilment-shipment.v1';
export {
  keyDestroyedV1,
  keyDestroyedV1Schema,
  type KeyDestroyedV1,
} from './topics/privacy-key-destroyed.v1';
export {
  paymentConfirmedV1,
  paymentConfirmedV1Schema,
  type PaymentConfirmedV1,
} from './topics/payment-payment-confirmed.v1';
export {
  PAYMENT_FAILURE_REASONS,
  paymentFailedV1,
  paymentFailedV1Schema,
  type PaymentFailedV1,
  type PaymentFailureReason,
} from './topics/payment-payment-failed.v1';
export {
  cardTokenDestroyedV1,
  cardTokenDestroyedV1Schema,
  type CardTokenDestroyedV1,
} from './topics/payment-card-token-destroyed.v1';
export {
  PAYMENT_REFUND_KINDS,
  paymentRefundedV1,
  paymentRefundedV1Schema,
  type PaymentRefundedV1,
  type PaymentRefundKind,
} from './topics/payment-payment-refunded.v1';
export {
  SUBJECT_RIGHTS_RESPONDERS,
  accessFragmentV1,
  accessFragmentV1Schema,
  accessRequestedV1,
  accessRequestedV1Schema,
  erasureCompletedV1,
  erasureCompletedV1Schema,
  subjectErasedV1,
  subjectErasedV1Schema,
  type AccessFragmentV1,
  type AccessRequestedV1,
  type ErasureCompletedV1,
  type SubjectErasedV1,
  type SubjectRightsResponder,
} from './topics/privacy-subject-rights.v1';
