/** Every way the key service refuses a request, mapped to HTTP in one place (api/). */
export enum KeyServiceErrorCode {
  KeyNotFound = 'key-not-found',
  KeyDestroyed = 'key-destroyed',
  CallerNotAllowed = 'caller-not-allowed',
  PurposeNotCreatableByCaller = 'purpose-not-creatable-by-caller',
  ServicesNotPermittedForPurpose = 'services-not-permitted-for-purpose',
  AllowedServicesMismatch = 'allowed-services-mismatch',
  UnknownPurpose = 'unknown-purpose',
  KeyUnwrapFailed = 'key-unwrap-failed',
}

export class KeyServiceException extends Error {
  constructor(
    readonly code: KeyServiceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KeyServiceException';
  }
}
