import { Injectable } from '@nestjs/common';
import { PasswordHasher } from '../domain/password-hasher';
import { StaffErrorCode, StaffException } from '../domain/staff.exception';
import { CredentialCheck, type Credentials } from './credential-check';
import { StaffAccountRepository } from './staff-account.repository';
import { StaffSessionStore, type StaffSession } from './staff-session.store';

const BAD_CREDENTIALS = 'Login name, password or code is wrong';

/**
 * Signs a person in: password (scrypt), then the TOTP code when a second factor is enrolled.
 * Five failures in a row lock the account for fifteen minutes, whatever the password after
 * (`CredentialCheck`). Unknown names cost the same scrypt work and get the same answer as
 * wrong passwords.
 */
@Injectable()
export class SignIn {
  constructor(
    private readonly accounts: StaffAccountRepository,
    private readonly sessions: StaffSessionStore,
    private readonly hasher: PasswordHasher,
    private readonly credentials: CredentialCheck,
  ) {}

  async execute(
    input: Credentials & { login: string },
    now: Date = new Date(),
  ): Promise<{ token: string; session: StaffSession }> {
    const account = await this.accounts.findByLogin(input.login.trim().toLowerCase());
    if (account === undefined || account.disabledAt !== null) {
      await this.hasher.burn(input.password);
      throw new StaffException(StaffErrorCode.BadCredentials, BAD_CREDENTIALS);
    }
    await this.credentials.verify(account, input, now, {
      refusal: BAD_CREDENTIALS,
      signedInAt: now,
    });
    return this.sessions.create({
      principalId: account.principalId,
      role: account.role,
      createdAt: now.getTime(),
    });
  }
}
