import { z } from 'zod';
import { DAY_MS, defineTopic } from '../topic-definition';

/**
 * The data key under which the order's card token was sealed has been destroyed: the token
 * is unreadable everywhere from now on, the Kafka log included.
 *
 * - `trigger`: `confirmed` / `failed` (destroyed as the payment reached its end) or `expired`
 *   (the backstop destroyed a token that was never used up);
 * - `tookMs`: from the payment's outcome (or the expiry) to the key's destruction;
 * - `tokenLifetimeMs`: from the order being placed to the key's destruction.
 */
export const cardTokenDestroyedV1Schema = z.strictObject({
  orderId: z.uuid(),
  keyId: z.string().min(1).max(100),
  trigger: z.enum(['confirmed', 'failed', 'expired']),
  destroyedAt: z.iso.datetime({ offset: true }),
  tookMs: z.number().int().nonnegative(),
  tokenLifetimeMs: z.number().int().nonnegative(),
});
export type CardTokenDestroyedV1 = z.infer<typeof cardTokenDestroyedV1Schema>;

export const cardTokenDestroyedV1 = defineTopic({
  name: 'payment.card-token.destroyed.v1',
  owner: 'payment',
  partitions: 3,
  retentionMs: 7 * DAY_MS,
  cleanupPolicy: 'delete',
  schema: cardTokenDestroyedV1Schema,
  description: "The order's card token key was destroyed (crypto-shredded).",
});
