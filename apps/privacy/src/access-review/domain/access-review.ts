/** A grant is stale when unused this long; a review is overdue after the review interval. */
export const UNUSED_GRANT_DAYS = 90;
const DAY_MS = 86_400_000;

export type GrantKind = 'staff-role' | 'service-key-permission' | 'database-role';

export interface Grant {
  readonly kind: GrantKind;
  /** A staff principal id, a service name or a database role. */
  readonly principal: string;
  /** What is granted: `role:support`, `key:card-token`, `schema:payment`. */
  readonly grant: string;
  readonly dataCategory: 'personal' | 'payment';
  readonly grantedAt: Date | null;
  /** Null when never used, or when use is not tracked (`usageTracked: false`). */
  readonly lastUsedAt: Date | null;
  readonly usageTracked: boolean;
}

export interface ReviewedGrant extends Grant {
  readonly unused: boolean;
}

/**
 * Flags a grant unused for 90 days: last used before then, or never used though held for
 * longer. Grants whose use nobody records are never flagged silently: they say so instead.
 */
export function flagUnused(grant: Grant, now: Date): ReviewedGrant {
  if (!grant.usageTracked) return { ...grant, unused: false };
  const cutoff = now.getTime() - UNUSED_GRANT_DAYS * DAY_MS;
  const since = grant.lastUsedAt ?? grant.grantedAt;
  return { ...grant, unused: since === null || since.getTime() < cutoff };
}

export function isReviewOverdue(
  lastSignOff: Date | null,
  intervalDays: number,
  now: Date,
): boolean {
  return lastSignOff === null || now.getTime() - lastSignOff.getTime() > intervalDays * DAY_MS;
}
