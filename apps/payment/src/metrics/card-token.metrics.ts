import { paymentMetrics } from './payment.metrics';

/**
 * Observed by `DestroyCardToken` as its last step, inside the transaction that records the
 * destruction: the key is already gone at the key service, so the lifetime is final even if the
 * commit has to be retried.
 */
export function recordTokenDestroyed(
  trigger: string,
  placedAt: Date,
  dueSince: Date,
  destroyedAt: Date,
): void {
  const seconds = (from: Date): number =>
    Math.max(0, (destroyedAt.getTime() - from.getTime()) / 1000);
  paymentMetrics.cardTokenLifetime.observe({ trigger }, seconds(placedAt));
  paymentMetrics.cardTokenDestructionDelay.observe({ trigger }, seconds(dueSince));
}
