import type { TopicCatalogue } from './topic-definition';
import { orderPlacedV1 } from './topics/checkout-order-placed.v1';
import { keyDestroyedV1 } from './topics/privacy-key-destroyed.v1';

/**
 * The topic-to-schema map: every topic Lumen uses, who owns it, how it is kept. Topics are
 * created from this list by `scripts/provision`; the broker never auto-creates one.
 * Each issue that adds an event adds its row here.
 */
export const LUMEN_TOPICS = {
  [orderPlacedV1.name]: orderPlacedV1,
  [keyDestroyedV1.name]: keyDestroyedV1,
} as const satisfies TopicCatalogue;

export type LumenTopics = typeof LUMEN_TOPICS;
export type LumenTopicName = keyof LumenTopics;
