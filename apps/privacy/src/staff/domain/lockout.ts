/** Five wrong passwords (or codes) in a row lock an account for fifteen minutes. */
export const MAX_FAILED_ATTEMPTS = 5;
export const LOCKOUT_MS = 15 * 60_000;

export interface LockoutState {
  readonly failedAttempts: number;
  readonly lockedUntil: Date | null;
}

export function isLocked(state: LockoutState, now: Date): boolean {
  return state.lockedUntil !== null && state.lockedUntil.getTime() > now.getTime();
}

/** The state after one more failure: the fifth in a row starts a lockout and resets the count. */
export function afterFailure(state: LockoutState, now: Date): LockoutState {
  const failed = state.failedAttempts + 1;
  return failed >= MAX_FAILED_ATTEMPTS
    ? { failedAttempts: 0, lockedUntil: new Date(now.getTime() + LOCKOUT_MS) }
    : { failedAttempts: failed, lockedUntil: state.lockedUntil };
}
