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
