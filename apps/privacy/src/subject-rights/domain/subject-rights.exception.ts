/** Why a subject-rights call was refused; the API maps each code to one answer. */
export enum SubjectRightsErrorCode {
  InvalidRequest = 'invalid-request',
  RequestNotFound = 'request-not-found',
  CodeWrong = 'code-wrong',
  CodeExpired = 'code-expired',
  AttemptsExhausted = 'attempts-exhausted',
  AlreadyVerified = 'already-verified',
  LinkNotFound = 'link-not-found',
  LinkExpired = 'link-expired',
}

export class SubjectRightsException extends Error {
  override readonly name = 'SubjectRightsException';

  constructor(
    readonly code: SubjectRightsErrorCode,
    message: string,
    /** Safe to show the requester (never whether a customer exists). */
    readonly details: Readonly<Record<string, string | number>> = {},
  ) {
    super(message);
  }
}
