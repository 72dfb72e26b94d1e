import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { isStaffRole } from '#lumen/staff-access';
import { StaffSessionStore, type StaffSession } from '../application/staff-session.store';

export interface SessionLimits {
  readonly idleMs: number;
  readonly absoluteMs: number;
}

/**
 * Sessions in Redis under the SHA-256 of their token: the key expires after the idle time and
 * is pushed back on each use, but never past the absolute cap from sign-in.
 */
export class RedisStaffSessionStore extends StaffSessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly limits: SessionLimits,
    private readonly keyPrefix: string,
    private readonly clock: () => number = Date.now,
  ) {
    super();
  }

  private keyOf(token: string): string {
    return `${this.keyPrefix}staff-session:${createHash('sha256').update(token).digest('hex')}`;
  }

  override async create(
    session: Omit<StaffSession, 'sessionId'>,
  ): Promise<{ token: string; session: StaffSession }> {
    const token = randomBytes(32).toString('base64url');
    // The session id is derived from the token, so it names the session without revealing it.
    const sessionId = `ses_${createHash('sha256').update(`id:${token}`).digest('base64url').slice(0, 22)}`;
    const full: StaffSession = { ...session, sessionId };
    await this.redis.set(this.keyOf(token), JSON.stringify(full), 'PX', this.ttl(full));
    return { token, session: full };
  }

  override async touch(token: string): Promise<StaffSession | undefined> {
    const key = this.keyOf(token);
    const stored = await this.redis.get(key);
    if (stored === null) return undefined;
    const session = this.parse(stored);
    const ttl = session === undefined ? 0 : this.ttl(session);
    if (session === undefined || ttl <= 0) {
      await this.redis.del(key);
      return undefined;
    }
    await this.redis.pexpire(key, ttl);
    return session;
  }

  override async end(token: string): Promise<void> {
    await this.redis.del(this.keyOf(token));
  }

  /** The idle timeout, cut short by the absolute cap. */
  private ttl(session: StaffSession): number {
    const left = session.createdAt + this.limits.absoluteMs - this.clock();
    return Math.min(this.limits.idleMs, left);
  }

  private parse(stored: string): StaffSession | undefined {
    const value = JSON.parse(stored) as Partial<StaffSession>;
    return typeof value.principalId === 'string' &&
      typeof value.sessionId === 'string' &&
      typeof value.createdAt === 'number' &&
      isStaffRole(value.role)
      ? (value as StaffSession)
      : undefined;
  }
}
