import { Injectable } from '@nestjs/common';
import { EventSigner } from '#lumen/crypto';
import { issueStaffAssertion, type StaffAssertion } from '#lumen/staff-access';
import { StaffErrorCode, StaffException } from '../domain/staff.exception';
import { StaffSessionStore } from './staff-session.store';

/**
 * Exchanges a live session for a short-lived signed assertion, the credential the other
 * services accept. Each exchange restarts the session's idle timer.
 */
@Injectable()
export class IssueStaffAssertion {
  constructor(
    private readonly sessions: StaffSessionStore,
    private readonly signer: EventSigner,
  ) {}

  async execute(
    sessionToken: string | undefined,
    now: Date = new Date(),
  ): Promise<{ token: string; assertion: StaffAssertion }> {
    const session =
      sessionToken === undefined ? undefined : await this.sessions.touch(sessionToken);
    if (session === undefined) {
      throw new StaffException(StaffErrorCode.NoSession, 'No live session: sign in again');
    }
    return issueStaffAssertion(this.signer, session, now);
  }
}
