export {
  carrierAddressSchema,
  carrierIdempotencyKeySchema,
  carrierShipmentV1Schema,
  countryCodeSchema,
  IDEMPOTENCY_KEY_PATTERN,
  MAX_ADDRESS_LINES,
  MAX_ITEM_COUNT,
  MAX_SIDE_MM,
  MAX_WEIGHT_GRAMS,
  parcelSchema,
  SHIPMENT_REFERENCE_PATTERN,
  shipmentReferenceSchema,
  type CarrierAddress,
  type CarrierShipmentV1,
  type ParcelDetails,
} from './carrier-shipment.schema';
export { carrierIdempotencyKeyOf, newShipmentReference } from './shipment-reference';
export {
  buildCarrierShipment,
  CarrierPayloadError,
  validateCarrierShipment,
  type CarrierShipmentInput,
  type DeliveryAddress,
} from './build-carrier-shipment';
export {
  carrierAnswerV1Schema,
  carrierErrorAnswerV1Schema,
  CARRIER_SHIPMENTS_PATH,
  carrierShipmentIdSchema,
  shipmentAcceptedV1Schema,
  shipmentRefusedV1Schema,
  type CarrierAnswerV1,
  type CarrierErrorAnswerV1,
  type ShipmentAcceptedV1,
  type ShipmentRefusedV1,
} from './carrier-answer.schema';
export {
  CARRIER_TRACKING_CALLBACK_PATH,
  TRACKING_STATUSES,
  shipmentTrackingV1Schema,
  trackingEventV1Schema,
  type ShipmentTrackingV1,
  type TrackingEventV1,
  type TrackingStatus,
} from './tracking-event.schema';
export {
  CARRIER_HEADERS,
  CARRIER_MESSAGE_KINDS,
  carrierRequestTarget,
  carrierSignedBytes,
  signCarrierMessage,
  type CarrierMessageKind,
  type CarrierMessageToSign,
  type CarrierSignedHeaders,
  type CarrierSignOptions,
} from './carrier-message';
export {
  CARRIER_REFUSAL_REASONS,
  CarrierMessageVerifier,
  DEFAULT_MAX_SKEW_MS,
  type CarrierIncomingHeaders,
  type CarrierIncomingMessage,
  type CarrierMessageCheck,
  type CarrierMessageVerifierOptions,
  type CarrierRefusalReason,
} from './carrier-message.verifier';
export {
  CarrierReplayCache,
  InMemoryCarrierReplayCache,
  type InMemoryCarrierReplayCacheOptions,
  type ReplayCacheAnswer,
} from './replay-cache';
export {
  verifyTrackingCallback,
  type IncomingTrackingCallback,
  type TrackingCallbackCheck,
} from './tracking-callback';
export {
  CarrierClient,
  CarrierWireError,
  type CarrierClientOptions,
  type CarrierRetryPolicy,
  type CarrierWireErrorCode,
  type ShipmentHandover,
  type ShipmentTracking,
} from './carrier.client';
export {
  CARRIER_WIRE_PARTIES,
  carrierSigningKeyPath,
  carrierTrustedKeyPath,
  DEFAULT_CARRIER_KEYS_DIR,
  ensureCarrierDevKeys,
  loadCarrierKeyRing,
  loadCarrierSigner,
  type CarrierWireParty,
} from './carrier-key-files';
