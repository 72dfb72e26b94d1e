import { Injectable, Logger } from '@nestjs/common';
import { StaffErrorCode, StaffException } from '../domain/staff.exception';
import { StaffAccountRepository } from './staff-account.repository';

/**
 * Closes a staff account: sign-in refuses it from now, and its live sessions get no further
 * assertion (`IssueStaffAssertion` re-reads the account), so its access ends within one
 * assertion lifetime (5 minutes). An officer cannot close their own account, so the last
 * officer cannot lock everyone out by mistake.
 */
@Injectable()
export class DisableStaffAccount {
  private readonly logger = new Logger(DisableStaffAccount.name);

  constructor(private readonly accounts: StaffAccountRepository) {}

  async execute(officerId: string, principalId: string, now: Date = new Date()): Promise<void> {
    if (officerId === principalId) {
      throw new StaffException(
        StaffErrorCode.Conflict,
        'principalId: you cannot disable your own account; ask another privacy officer',
      );
    }
    if (!(await this.accounts.disable(principalId, now))) {
      throw new StaffException(StaffErrorCode.NotFound, 'principalId: no such open account');
    }
    this.logger.warn('staff account disabled', { principalId, by: officerId });
  }
}
