/**
 * Five sign-in attempts in a row that do not succeed (wrong password, missing, wrong or spent
 * code) lock an account for fifteen minutes. Each attempt is counted before its password is
 * checked, in one atomic statement (`StaffAccountRepository.beginAttempt`), so parallel guesses
 * cannot all read the same count: the fifth attempt in flight starts the lockout and every
 * attempt after it is refused before any password work; a success resets the count.
 */
export const MAX_FAILED_ATTEMPTS = 5;
export const LOCKOUT_MS = 15 * 60_000;
