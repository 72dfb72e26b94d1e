export {
  CERTIFICATE_ROLES,
  decodeCertificate,
  decodePublicKey,
  encodeCertificate,
  encodePublicKey,
  gatewayCertificateSchema,
  gatewayKeyIdOf,
  signCertificate,
  verifyCertificateSignature,
  type CertificateRole,
  type GatewayCertificate,
  type UnsignedCertificate,
} from './gateway-certificate';
export {
  GatewayRootKey,
  pinnedRootFromFile,
  pinnedRootToFile,
  type GatewayRootFile,
  type IssueCertificateRequest,
  type PinnedRoot,
  type PinnedRootFile,
} from './gateway-root';
export { CertifiedKey, type CertifiedKeyFile } from './certified-key';
export {
  buildEnrolmentRequest,
  enrolmentRequestSchema,
  verifyEnrolmentProof,
  type EnrolmentRequest,
} from './enrolment';
export {
  checkRevocationList,
  issueRevocationList,
  revocationListSchema,
  type RevocationList,
  type RevocationListCheck,
  type RevokedEntry,
} from './revocation-list';
export {
  RevocationListHolder,
  RevocationSource,
  type RevocationUpdate,
  type RevocationView,
} from './revocation-status';
export {
  MAX_POLL_INTERVAL_MS,
  RevocationListPoller,
  type RevocationListPollerOptions,
} from './revocation-list.poller';
export {
  InMemoryReplayCache,
  ReplayCache,
  type InMemoryReplayCacheOptions,
  type ReplayCacheAnswer,
} from './replay-cache';
export {
  GATEWAY_HEADERS,
  MESSAGE_KINDS,
  messageSignedBytes,
  requestTarget,
  signMessage,
  type MessageKind,
  type MessageToSign,
  type SignedHeaders,
  type SignOptions,
} from './signed-message';
export {
  DEFAULT_MAX_REVOCATION_AGE_MS,
  DEFAULT_MAX_SKEW_MS,
  MessageVerifier,
  REFUSAL_REASONS,
  type IncomingHeaders,
  type IncomingMessage,
  type MessageCheck,
  type MessageVerifierOptions,
  type RefusalReason,
} from './message-verifier';
export {
  GatewayWireClient,
  GatewayWireError,
  type GatewayAnswer,
  type GatewayWireClientOptions,
  type GatewayWireErrorCode,
} from './gateway-wire.client';
