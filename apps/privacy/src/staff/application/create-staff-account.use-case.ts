import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isStaffRole, STAFF_ROLES, type StaffRole } from '#lumen/staff-access';
import { PasswordHasher } from '../domain/password-hasher';
import { PasswordPolicy } from '../domain/password-policy';
import { StaffErrorCode, StaffException } from '../domain/staff.exception';
import { StaffAccountRepository } from './staff-account.repository';

const LOGIN_PATTERN = /^[a-z][a-z0-9._-]{2,63}$/;

/** Opens a staff account: a login name (not an e-mail), a role and a password that passes the policy. */
@Injectable()
export class CreateStaffAccount {
  constructor(
    private readonly accounts: StaffAccountRepository,
    private readonly policy: PasswordPolicy,
    private readonly hasher: PasswordHasher,
  ) {}

  async execute(input: { login: string; role: string; password: string }): Promise<{
    principalId: string;
    login: string;
    role: StaffRole;
  }> {
    const login = input.login.trim().toLowerCase();
    if (!LOGIN_PATTERN.test(login)) {
      throw new StaffException(
        StaffErrorCode.InvalidRequest,
        'login: 3 to 64 characters, lower-case letters, digits, dot, dash or underscore, starting with a letter',
      );
    }
    if (!isStaffRole(input.role)) {
      throw new StaffException(
        StaffErrorCode.InvalidRequest,
        `role: one of ${STAFF_ROLES.join(', ')}`,
      );
    }
    const refusal = this.policy.check(input.password);
    if (refusal !== null) {
      throw new StaffException(
        StaffErrorCode.WeakPassword,
        `password: ${PasswordPolicy.describe(refusal)}`,
      );
    }
    const principalId = `stf_${randomUUID()}`;
    const passwordHash = await this.hasher.hash(input.password);
    const result = await this.accounts.insert({
      principalId,
      login,
      role: input.role,
      passwordHash,
    });
    if (result === 'login-taken') {
      throw new StaffException(
        StaffErrorCode.LoginTaken,
        `login: '${login}' is taken; choose another`,
      );
    }
    return { principalId, login, role: input.role };
  }
}
