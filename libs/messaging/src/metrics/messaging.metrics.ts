import { defineCounter, defineGauge } from '#lumen/metrics';

/**
 * What every service's messaging does, as Prometheus series. Labels are consumer groups, topics,
 * partitions and reason codes: a handful of values each, never an event or order id.
 */
export const messagingMetrics = {
  eventsConsumed: defineCounter({
    name: 'lumen_events_consumed_total',
    help: 'Events a consumer group finished with, by outcome (applied, duplicate, dead_lettered)',
    labelNames: ['group', 'topic', 'outcome'],
  }),
  handlerFailures: defineCounter({
    name: 'lumen_event_handler_failures_total',
    help: 'Handler attempts that failed and were retried (transient or not)',
    labelNames: ['group', 'topic'],
  }),
  deadLetters: defineCounter({
    name: 'lumen_dead_letters_total',
    help: 'Events sent to the dead-letter topic, by reason',
    labelNames: ['group', 'topic', 'reason'],
  }),
  eventsPublished: defineCounter({
    name: 'lumen_events_published_total',
    help: 'Outbox rows the relay published to Kafka',
    labelNames: ['topic'],
  }),
  outboxBacklog: defineGauge({
    name: 'lumen_outbox_backlog',
    help: 'Outbox rows written but not yet published',
  }),
  outboxOldestAge: defineGauge({
    name: 'lumen_outbox_oldest_age_seconds',
    help: 'Age of the oldest unpublished outbox row (0 when the outbox is empty)',
  }),
  consumerLag: defineGauge({
    name: 'lumen_consumer_lag',
    help: "Messages between a group's committed offset and the partition's end",
    labelNames: ['group', 'topic', 'partition'],
  }),
  lagReadFailures: defineCounter({
    name: 'lumen_messaging_metrics_read_failures_total',
    help: 'Periodic reads of outbox backlog or consumer lag that failed',
    labelNames: ['source'],
  }),
} as const;
