import { Injectable } from '@nestjs/common';
import { StaffErrorCode, StaffException } from '../domain/staff.exception';
import { CredentialCheck, type Credentials } from './credential-check';
import { StaffAccountRepository, type StaffAccount } from './staff-account.repository';

/**
 * Asks the person behind a staff assertion for their password (and current code, when a
 * second factor is enrolled) again before a change that would outlive the assertion: opening
 * an account, replacing a second factor. A stolen or replayed assertion alone cannot make
 * either; failures count against the same lockout as sign-in.
 */
@Injectable()
export class Reauthenticate {
  constructor(
    private readonly accounts: StaffAccountRepository,
    private readonly credentials: CredentialCheck,
  ) {}

  async execute(
    principalId: string,
    credentials: Credentials,
    fields: { password: string; code: string },
    now: Date = new Date(),
  ): Promise<StaffAccount> {
    const account = await this.accounts.findById(principalId);
    if (account === undefined || account.disabledAt !== null) {
      throw new StaffException(StaffErrorCode.Forbidden, 'This staff account may not act');
    }
    await this.credentials.verify(account, credentials, now, {
      refusal: `${fields.password}, ${fields.code}: confirm it is you with your password and, when a second factor is enrolled, its current code`,
      signedInAt: null,
    });
    return account;
  }
}
