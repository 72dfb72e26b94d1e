export enum StaffErrorCode {
  InvalidRequest = 'invalid-request',
  WeakPassword = 'weak-password',
  LoginTaken = 'login-taken',
  BadCredentials = 'bad-credentials',
  Locked = 'locked',
  NoSession = 'no-session',
  NotFound = 'not-found',
  Forbidden = 'forbidden',
  Conflict = 'conflict',
}

/** A refusal of the staff, audit, disclosure or review features, mapped to HTTP in one filter. */
export class StaffException extends Error {
  constructor(
    readonly code: StaffErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StaffException';
  }
}
