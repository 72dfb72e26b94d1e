import type { z } from 'zod';

export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';

/** One row of the topic catalogue: everything needed to create the topic and type its events. */
export interface TopicDefinition<P = unknown> {
  readonly name: string;
  /** The only service allowed to publish to this topic. */
  readonly owner: string;
  readonly partitions: number;
  /** Milliseconds; -1 keeps messages forever. */
  readonly retentionMs: number;
  readonly cleanupPolicy: CleanupPolicy;
  readonly schema: z.ZodType<P>;
  readonly description: string;
}

export type TopicCatalogue = Readonly<Record<string, TopicDefinition>>;

/** Payload type of topic `N` in catalogue `C`. */
export type PayloadOf<C extends TopicCatalogue, N extends keyof C> =
  C[N] extends TopicDefinition<infer P> ? P : never;

export const DAY_MS = 24 * 60 * 60 * 1000;

export function defineTopic<P>(definition: TopicDefinition<P>): TopicDefinition<P> {
  if (!/^[a-z]+\.[a-z-]+\.[a-z-]+\.v\d+$/.test(definition.name)) {
    throw new Error(`Topic name ${definition.name} must read <producer>.<aggregate>.<event>.v<N>`);
  }
  return definition;
}

/** Every consumed topic has a dead-letter twin: `<topic>.dlq`. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

/**
 * Topic settings for the broker, main topics and their dead-letter twins. Dead letters
 * are kept for 30 days: long enough to investigate and replay, short enough that sealed
 * personal fields inside them do not outlive the retention schedule.
 */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly config: Readonly<Record<string, string>>;
}

export function topicSpecsOf(catalogue: TopicCatalogue): TopicSpec[] {
  return Object.values(catalogue).flatMap((topic): TopicSpec[] => [
    {
      name: topic.name,
      partitions: topic.partitions,
      config: {
        'retention.ms': String(topic.retentionMs),
        'cleanup.policy': topic.cleanupPolicy,
        'min.insync.replicas': '1',
      },
    },
    {
      name: deadLetterTopicOf(topic.name),
      partitions: 1,
      config: { 'retention.ms': String(30 * DAY_MS), 'cleanup.policy': 'delete' },
    },
  ]);
}
