import type { StaffRole } from '#lumen/staff-access';

export interface StaffSession {
  readonly sessionId: string;
  readonly principalId: string;
  readonly role: StaffRole;
  readonly createdAt: number;
}

/**
 * Live staff sessions. Only a hash of the token is stored, so a copy of the store signs nobody
 * in. A session ends when idle for the idle timeout, at its absolute cap, or at sign-out.
 */
export abstract class StaffSessionStore {
  abstract create(
    session: Omit<StaffSession, 'sessionId'>,
  ): Promise<{ token: string; session: StaffSession }>;
  /** The live session for this token, its idle timer restarted; undefined when none. */
  abstract touch(token: string): Promise<StaffSession | undefined>;
  abstract end(token: string): Promise<void>;
}
