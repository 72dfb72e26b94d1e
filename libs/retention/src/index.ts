export {
  affectedRows,
  purgeProcessedInbox,
  purgePublishedOutbox,
  returnedRows,
  type SqlRunner,
} from './messaging-purge';
export {
  deletePublishedOutboxByKey,
  outboxEventsByKey,
  type KeyedOutboxEvent,
} from './outbox-by-key';
export {
  RetentionJob,
  type RetentionJobOptions,
  type RetentionLogger,
  type RetentionResult,
  type RetentionRunReport,
  type RetentionTask,
} from './retention-job';
export {
  cutoffBefore,
  fixedPeriodMs,
  isRetentionPeriod,
  parseIsoDuration,
  type RetentionPeriod,
} from './retention-period';
export {
  loadRetentionSchedule,
  parseRetentionSchedule,
  RETENTION_ACTIONS,
  RETENTION_ENFORCERS,
  RETENTION_TRIGGERS,
  retentionRuleSchema,
  RetentionScheduleError,
  retentionScheduleSchema,
  ruleOf,
  rulesFor,
  type RetentionAction,
  type RetentionEnforcer,
  type RetentionRule,
  type RetentionSchedule,
  type RetentionTrigger,
} from './retention-schedule';
export { ScheduledRetention, type ScheduledRetentionOptions } from './scheduled-retention';
