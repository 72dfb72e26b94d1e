import type { StaffRole } from '#lumen/staff-access';
import type { LockoutState } from '../domain/lockout';

export interface StaffAccount extends LockoutState {
  readonly principalId: string;
  readonly login: string;
  readonly role: StaffRole;
  readonly passwordHash: string;
  /** Decrypted only inside the sign-in use case; null when no second factor is enrolled. */
  readonly totpSecret: Buffer | null;
  readonly totpPending: Buffer | null;
  /** The last TOTP step accepted, so a code is never accepted twice. */
  readonly totpLastStep: number | null;
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
  abstract recordFailure(principalId: string, state: LockoutState): Promise<void>;
  abstract recordSignIn(principalId: string, at: Date, totpStep: number | null): Promise<void>;
  abstract setPendingTotp(principalId: string, secret: Buffer): Promise<void>;
  abstract confirmTotp(principalId: string, step: number): Promise<void>;
}
