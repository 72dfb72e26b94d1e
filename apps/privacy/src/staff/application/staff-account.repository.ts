import type { StaffRole } from '#lumen/staff-access';
export interface StaffAccount {
  readonly principalId: string;
  readonly login: string;
  readonly role: StaffRole;
  readonly passwordHash: string;
  /** Decrypted only inside the sign-in use case; null when no second factor is enrolled. */
  readonly totpSecret: Buffer | null;
  readonly totpPending: Buffer | null;
  /** The last TOTP step accepted, so a code is never accepted twice. */
  readonly totpLastStep: number | null;
  readonly failedAttempts: number;
  readonly lockedUntil: Date | null;
  readonly disabledAt: Date | null;
  readonly lastSignInAt: Date | null;
  readonly createdAt: Date;
}

export abstract class StaffAccountRepository {
  abstract insert(account: {
    principalId: string;
    login: string;
    role: StaffRole;
    passwordHash: string;
  }): Promise<'inserted' | 'login-taken'>;
  abstract findByLogin(login: string): Promise<StaffAccount | undefined>;
  abstract findById(principalId: string): Promise<StaffAccount | undefined>;
  abstract list(): Promise<StaffAccount[]>;
  /**
   * Counts one sign-in attempt as failed until it succeeds, atomically with the lockout check:
   * 'locked' (nothing counted) while a lockout runs; otherwise the attempt is counted, and the
   * one that reaches `MAX_FAILED_ATTEMPTS` starts a lockout.
   */
  abstract beginAttempt(principalId: string, now: Date): Promise<'counted' | 'locked'>;
  /**
   * After a sign-in or re-authentication passed: resets the failure count, spends the TOTP step
   * used, if any, and sets the last sign-in when given. False when that step (or a later one) is
   * already spent: the check happens in the write, so of concurrent attempts with one code
   * exactly one gets through.
   */
  abstract recordSuccess(
    principalId: string,
    totpStep: number | null,
    signedInAt: Date | null,
  ): Promise<boolean>;
  /** Closes an account for good; false when there is no such open account. */
  abstract disable(principalId: string, at: Date): Promise<boolean>;
  abstract setPendingTotp(principalId: string, secret: Buffer): Promise<void>;
  abstract confirmTotp(principalId: string, step: number): Promise<void>;
}
