import { z } from 'zod';
import { DAY_MS, defineTopic } from '../topic-definition';

/**
 * A data key was destroyed (crypto-shredding). Every service evicts it from its key cache
 * at once; everything sealed under it is unreadable from now on, the Kafka log included.
 */
export const keyDestroyedV1Schema = z.strictObject({
  keyId: z.string().min(1),
  purpose: z.string().min(1),
  destroyedAt: z.iso.datetime({ offset: true }),
  reason: z.string().min(1).max(200),
});
export type KeyDestroyedV1 = z.infer<typeof keyDestroyedV1Schema>;

export const keyDestroyedV1 = defineTopic({
  name: 'privacy.key.destroyed.v1',
  owner: 'privacy',
  partitions: 3,
  retentionMs: 7 * DAY_MS,
  cleanupPolicy: 'delete',
  schema: keyDestroyedV1Schema,
  description: 'A data key was destroyed; evict it from every cache.',
});
