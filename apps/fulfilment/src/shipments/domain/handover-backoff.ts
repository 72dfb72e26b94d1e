export interface HandoverRetryPolicy {
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** Measured from the shipment's creation: past it, the carrier counts as unreachable. */
  readonly deadlineMs: number;
}

export type HandoverRetry =
  { readonly kind: 'retry'; readonly at: Date } | { readonly kind: 'give-up' };

/**
 * When to try a handover again after attempt `attempt` found the carrier unavailable:
 * exponential backoff with jitter (half to full delay, so replicas spread out), capped; the
 * last attempt is made at the deadline itself, and a failure at or after it means giving up.
 */
export function nextHandoverAttempt(
  attempt: number,
  createdAt: Date,
  now: Date,
  policy: HandoverRetryPolicy,
  random: () => number = Math.random,
): HandoverRetry {
  const deadline = createdAt.getTime() + policy.deadlineMs;
  if (now.getTime() >= deadline) return { kind: 'give-up' };
  const ceiling = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** Math.max(0, attempt - 1));
  const delay = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  return { kind: 'retry', at: new Date(Math.min(now.getTime() + delay, deadline)) };
}
