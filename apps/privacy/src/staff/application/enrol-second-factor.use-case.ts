import { Injectable } from '@nestjs/common';
import { generateTotpSecret, matchTotpStep, totpUri } from '#lumen/staff-access';
import { StaffErrorCode, StaffException } from '../domain/staff.exception';
import type { Credentials } from './credential-check';
import { Reauthenticate } from './reauthenticate.use-case';
import { StaffAccountRepository } from './staff-account.repository';
import { TotpSecretCipher } from './totp-secret.cipher';

const ISSUER = 'Lumen staff';

/**
 * TOTP enrolment in two steps: a new secret is kept pending, and becomes the account's second
 * factor only once a code from it is confirmed, so a mistyped scan never locks anyone out.
 * Starting needs the password again, and the current code while a second factor is on: a
 * replayed assertion must not be able to swap the person's authenticator for its own.
 */
@Injectable()
export class EnrolSecondFactor {
  constructor(
    private readonly accounts: StaffAccountRepository,
    private readonly cipher: TotpSecretCipher,
    private readonly reauthenticate: Reauthenticate,
  ) {}

  async start(
    principalId: string,
    credentials: Credentials,
    now: Date = new Date(),
  ): Promise<{ otpauthUri: string }> {
    const account = await this.reauthenticate.execute(
      principalId,
      credentials,
      { password: 'password', code: 'totpCode' },
      now,
    );
    const secret = generateTotpSecret();
    await this.accounts.setPendingTotp(principalId, this.cipher.seal(secret, principalId));
    return { otpauthUri: totpUri(ISSUER, account.login, secret) };
  }

  async confirm(principalId: string, code: string, now: Date = new Date()): Promise<void> {
    const account = await this.accounts.findById(principalId);
    if (account?.totpPending === null || account === undefined) {
      throw new StaffException(
        StaffErrorCode.Conflict,
        'Start enrolment first (POST /staff/me/totp)',
      );
    }
    const secret = this.cipher.open(account.totpPending, principalId);
    const step = matchTotpStep(secret, code, now);
    if (step === null) {
      throw new StaffException(
        StaffErrorCode.InvalidRequest,
        'code: not the current code of the new secret',
      );
    }
    await this.accounts.confirmTotp(principalId, step);
  }
}
