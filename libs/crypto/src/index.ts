export { EventSigner } from './event-signer';
export { ensureServiceKeys, loadEventSigner, loadKeyRing } from './key-files';
export { KeyRing, type SignatureCheck } from './key-ring';
export {
  generateSigningKey,
  keyIdOf,
  signingKeyFromFile,
  signingKeyToFile,
  trustedKeyFromFile,
  trustedKeyToFile,
  type SigningKey,
  type SigningKeyFile,
  type TrustedKey,
  type TrustedKeyFile,
} from './signing-key';
export {
  DataKey,
  generateDataKey,
  isDataKeyId,
  MasterKey,
  unwrapDataKey,
  wrapDataKey,
} from './data-key';
export {
  isSealedValue,
  keyIdOfSealed,
  open,
  seal,
  type SealContext,
  type SealedValue,
} from './envelope';
export { EnvelopeError, type EnvelopeErrorCode } from './envelope-error';
export {
  KeyServiceClient,
  KeyServiceError,
  type CreatedKey,
  type CreateKeyRequest,
  type KeyServiceClientOptions,
  type KeyServiceErrorCode,
} from './key-service.client';
export {
  DEFAULT_MAX_SKEW_MS,
  SERVICE_REQUEST_HEADERS,
  signServiceRequest,
  verifyServiceRequest,
  type ServiceRequest,
  type ServiceRequestCheck,
  type ServiceRequestHeaders,
  type ServiceRequestRefusal,
  type VerifyServiceRequestOptions,
} from './service-request';
export {
  KeyTransportRecipient,
  sealKeyForRecipient,
  sealKeysForRecipient,
  type TransportedKey,
} from './key-transport';
