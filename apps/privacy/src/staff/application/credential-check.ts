import { Injectable, Logger } from '@nestjs/common';
import { matchTotpStep } from '#lumen/staff-access';
import { PasswordHasher } from '../domain/password-hasher';
import { StaffErrorCode, StaffException } from '../domain/staff.exception';
import { StaffAccountRepository, type StaffAccount } from './staff-account.repository';
import { TotpSecretCipher } from './totp-secret.cipher';

export interface Credentials {
  readonly password: string;
  readonly totpCode?: string | undefined;
}

/**
 * Password, then the TOTP code when a second factor is enrolled, under the lockout: shared by
 * sign-in and by re-authentication before sensitive changes, so both count against the same
 * five failures. Each attempt is counted before the password is checked (see `lockout.ts`), so
 * parallel guesses get no more tries than sequential ones. A missing code gets the wrong
 * password's answer and counts: a distinct "code required" answer would tell a guesser the
 * password was right.
 */
@Injectable()
export class CredentialCheck {
  private readonly logger = new Logger(CredentialCheck.name);

  constructor(
    private readonly accounts: StaffAccountRepository,
    private readonly hasher: PasswordHasher,
    private readonly totp: TotpSecretCipher,
  ) {}

  /**
   * Passes, resetting the failure count and spending the code, or throws `Locked` or
   * `BadCredentials` with `refusal` as its message. `signedInAt` is set on a sign-in only.
   */
  async verify(
    account: StaffAccount,
    credentials: Credentials,
    now: Date,
    options: { refusal: string; signedInAt: Date | null },
  ): Promise<void> {
    if ((await this.accounts.beginAttempt(account.principalId, now)) === 'locked') {
      this.logger.warn('credentials refused: account locked', { principalId: account.principalId });
      throw new StaffException(
        StaffErrorCode.Locked,
        'Too many failed sign-ins: this account is locked for 15 minutes',
      );
    }
    const fail = (factor: string): never => {
      // The attempt was counted when it began; a failure only has to be told and logged.
      this.logger.warn('credentials refused', { principalId: account.principalId, factor });
      throw new StaffException(StaffErrorCode.BadCredentials, options.refusal);
    };
    if (!(await this.hasher.verify(credentials.password, account.passwordHash))) fail('password');
    const step = this.checkSecondFactor(account, credentials.totpCode, now);
    if (step === 'missing' || step === 'wrong') fail(`totp-${step}`);
    const recorded = await this.accounts.recordSuccess(
      account.principalId,
      typeof step === 'number' ? step : null,
      options.signedInAt,
    );
    // Another sign-in spent this code between our read and our write.
    if (!recorded) fail('totp-spent');
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
    // stale; `recordSuccess` repeats the check in its write, which is what settles a race.
    if (account.totpLastStep !== null && step <= account.totpLastStep) return 'wrong';
    return step;
  }
}
