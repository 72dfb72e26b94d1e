import { Injectable, Logger } from '@nestjs/common';
import { matchTotpStep } from '#lumen/staff-access';
import { PasswordHasher } from '../domain/password-hasher';
import { StaffErrorCode, StaffException } from '../domain/staff.exception';
import { StaffAccountRepository, type StaffAccount } from './staff-account.repository';
import { StaffSessionStore, type StaffSession } from './staff-session.store';
import { TotpSecretCipher } from './totp-secret.cipher';

const BAD_CREDENTIALS = 'Login name, password or code is wrong';

/**
 * Signs a person in: password (scrypt), then the TOTP code when a second factor is enrolled.
 * Five failures in a row lock the account for fifteen minutes, whatever the password after;
 * each attempt is counted before the password is checked (see `lockout.ts`), so parallel
 * guesses get no more tries than sequential ones. Unknown names cost the same scrypt work and
 * get the same answer as wrong passwords. A missing code gets that answer too, and counts as
 * a failure: a distinct "code required" answer would tell a guesser the password was right.
 */
@Injectable()
export class SignIn {
  private readonly logger = new Logger(SignIn.name);

  constructor(
    private readonly accounts: StaffAccountRepository,
    private readonly sessions: StaffSessionStore,
    private readonly hasher: PasswordHasher,
    private readonly totp: TotpSecretCipher,
  ) {}

  async execute(
    input: { login: string; password: string; totpCode?: string | undefined },
    now: Date = new Date(),
  ): Promise<{ token: string; session: StaffSession }> {
    const account = await this.accounts.findByLogin(input.login.trim().toLowerCase());
    if (account === undefined || account.disabledAt !== null) {
      await this.hasher.burn(input.password);
      throw new StaffException(StaffErrorCode.BadCredentials, BAD_CREDENTIALS);
    }
    if ((await this.accounts.beginAttempt(account.principalId, now)) === 'locked') {
      this.logger.warn('sign-in refused: account locked', { principalId: account.principalId });
      throw new StaffException(
        StaffErrorCode.Locked,
        'Too many failed sign-ins: this account is locked for 15 minutes',
      );
    }
    if (!(await this.hasher.verify(input.password, account.passwordHash))) {
      this.fail(account, 'password');
    }
    const step = this.checkSecondFactor(account, input.totpCode, now);
    if (step === 'missing' || step === 'wrong') this.fail(account, `totp-${step}`);
    const recorded = await this.accounts.recordSignIn(
      account.principalId,
      now,
      typeof step === 'number' ? step : null,
    );
    // Another sign-in spent this code between our read and our write.
    if (!recorded) this.fail(account, 'totp-spent');
    return this.sessions.create({
      principalId: account.principalId,
      role: account.role,
      createdAt: now.getTime(),
    });
  }

  private checkSecondFactor(
    account: StaffAccount,
    code: string | undefined,
    now: Date,
  ): number | 'none' | 'missing' | 'wrong' {
    if (account.totpSecret === null) return 'none';
    if (code === undefined || code === '') return 'missing';
    const secret = this.totp.open(account.totpSecret, account.principalId);
    const step = matchTotpStep(secret, code, now);
    if (step === null) return 'wrong';
    // A code seen once is spent: someone who watched it typed cannot reuse it. This read may be
    // stale; `recordSignIn` repeats the check in its write, which is what settles a race.
    if (account.totpLastStep !== null && step <= account.totpLastStep) return 'wrong';
    return step;
  }

  /** The attempt was counted when it began; a failure only has to be told and logged. */
  private fail(account: StaffAccount, factor: string): never {
    this.logger.warn('sign-in failed', { principalId: account.principalId, factor });
    throw new StaffException(StaffErrorCode.BadCredentials, BAD_CREDENTIALS);
  }
}
