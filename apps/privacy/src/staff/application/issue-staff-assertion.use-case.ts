import { Injectable } from '@nestjs/common';
import type { ServiceName } from '#lumen/contracts';
import { EventSigner } from '#lumen/crypto';
import { issueStaffAssertion, type StaffAssertion } from '#lumen/staff-access';
import { StaffErrorCode, StaffException } from '../domain/staff.exception';
import { StaffSessionStore, type StaffSession } from './staff-session.store';

/**
 * Exchanges a live session for a short-lived signed assertion made out for one service (the
 * audience), the credential that service accepts. Each exchange restarts the session's idle
 * timer.
 */
@Injectable()
export class IssueStaffAssertion {
  constructor(
    private readonly sessions: StaffSessionStore,
    private readonly signer: EventSigner,
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
    if (session === undefined) {
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
