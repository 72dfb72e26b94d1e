import { Injectable } from '@nestjs/common';
import type { ServiceName } from '#lumen/contracts';
import { EventSigner } from '#lumen/crypto';
import { issueStaffAssertion, type StaffAssertion } from '#lumen/staff-access';
import { StaffErrorCode, StaffException } from '../domain/staff.exception';
import { StaffAccountRepository } from './staff-account.repository';
import { StaffSessionStore, type StaffSession } from './staff-session.store';

/**
 * Exchanges a live session for a short-lived signed assertion made out for one service (the
 * audience), the credential that service accepts. Each exchange restarts the session's idle
 * timer and looks at the account again: a session of a disabled account (or one whose role
 * changed) ends here, so a revocation holds within one assertion lifetime.
 */
@Injectable()
export class IssueStaffAssertion {
  constructor(
    private readonly sessions: StaffSessionStore,
    private readonly signer: EventSigner,
    private readonly accounts: StaffAccountRepository,
  ) {}

  async execute(
    sessionToken: string | undefined,
    audience: ServiceName,
    now: Date = new Date(),
  ): Promise<{ token: string; assertion: StaffAssertion }> {
    return this.issue(await this.liveSession(sessionToken), audience, now);
  }

  /** The live session behind a token, its idle timer restarted; `NoSession` when none. */
  async liveSession(sessionToken: string | undefined): Promise<StaffSession> {
    const session =
      sessionToken === undefined ? undefined : await this.sessions.touch(sessionToken);
    if (session === undefined || sessionToken === undefined) {
      throw new StaffException(StaffErrorCode.NoSession, 'No live session: sign in again');
    }
    const account = await this.accounts.findById(session.principalId);
    if (account === undefined || account.disabledAt !== null || account.role !== session.role) {
      await this.sessions.end(sessionToken);
      throw new StaffException(StaffErrorCode.NoSession, 'No live session: sign in again');
    }
    return session;
  }

  issue(
    session: StaffSession,
    audience: ServiceName,
    now: Date = new Date(),
  ): { token: string; assertion: StaffAssertion } {
    return issueStaffAssertion(this.signer, { ...session, audience }, now);
  }
}
