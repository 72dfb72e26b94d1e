import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isRetentionPeriod } from './retention-period';

/**
 * What starts a record's retention period. The lib gives each a meaning only through the
 * service that applies the rule; the list is closed so a typo in the schedule fails at boot.
 */
export const RETENTION_TRIGGERS = [
  /** The order reached a terminal state (delivered, cancelled, payment failed). */
  'order-closed',
  /** The order was delivered. */
  'order-delivered',
  /** The record was written. */
  'created',
  /** The outbox row was acknowledged by Kafka (or a message was written to its topic). */
  'published',
  /** The inbox row recorded a processed event. */
  'processed',
  /** The record's own expiry time passed (an access package's download window). */
  'expired',
] as const;
export type RetentionTrigger = (typeof RETENTION_TRIGGERS)[number];

export const RETENTION_ACTIONS = ['delete', 'mask'] as const;
export type RetentionAction = (typeof RETENTION_ACTIONS)[number];

/** Who enforces a rule: a service's daily job, or Kafka's own topic retention. */
export const RETENTION_ENFORCERS = ['job', 'kafka-topic-retention'] as const;
export type RetentionEnforcer = (typeof RETENTION_ENFORCERS)[number];

const categorySchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'expected a lower-case category name (letters, digits, -)');

export const retentionRuleSchema = z.strictObject({
  category: categorySchema,
  /** What the category holds, in words a data-protection officer reads. */
  description: z.string().min(1).max(500),
  /** The services that apply the rule to their own data. */
  services: z.array(z.string().regex(/^[a-z][a-z-]{0,30}$/)).min(1),
  period: z.union([z.string(), z.number()]).refine(isRetentionPeriod, {
    message: 'expected an ISO-8601 duration such as P30D or PT1H, or a positive number of days',
  }),
  trigger: z.enum(RETENTION_TRIGGERS),
  action: z.enum(RETENTION_ACTIONS),
  enforcedBy: z.enum(RETENTION_ENFORCERS).default('job'),
  /** Why this period: the law, the purpose, or the mechanism that needs it. */
  basis: z.string().min(1).max(500),
});
export type RetentionRule = z.infer<typeof retentionRuleSchema>;

export const retentionScheduleSchema = z
  .strictObject({
    version: z.literal(1),
    rules: z.array(retentionRuleSchema).min(1),
  })
  .superRefine((schedule, context) => {
    const seen = new Set<string>();
    schedule.rules.forEach((rule, index) => {
      if (seen.has(rule.category)) {
        context.addIssue({
          code: 'custom',
          path: ['rules', index, 'category'],
          message: `category ${rule.category} appears twice; one rule per category`,
        });
      }
      seen.add(rule.category);
    });
  });
export type RetentionSchedule = z.infer<typeof retentionScheduleSchema>;

export class RetentionScheduleError extends Error {
  override readonly name = 'RetentionScheduleError';
}

/** Validates a parsed schedule; the error names every bad field and where it is. */
export function parseRetentionSchedule(
  value: unknown,
  source = 'retention schedule',
): RetentionSchedule {
  const result = retentionScheduleSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new RetentionScheduleError(`${source} is invalid: ${problems}`);
  }
  return result.data;
}

/** Reads and validates `deploy/retention-schedule.json` (or the file at `path`). */
export function loadRetentionSchedule(path: string): RetentionSchedule {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RetentionScheduleError(
      `Cannot read the retention schedule at ${path}: ${(error as Error).message}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RetentionScheduleError(`${path} is not JSON: ${(error as Error).message}`);
  }
  return parseRetentionSchedule(value, path);
}

/** The rules a service applies itself (enforced by its job), by category. */
export function rulesFor(schedule: RetentionSchedule, service: string): RetentionRule[] {
  return schedule.rules.filter(
    (rule) => rule.enforcedBy === 'job' && rule.services.includes(service),
  );
}

/** The rule of a category; throws if the schedule has none. */
export function ruleOf(schedule: RetentionSchedule, category: string): RetentionRule {
  const rule = schedule.rules.find((candidate) => candidate.category === category);
  if (rule === undefined) throw new RetentionScheduleError(`No retention rule for ${category}`);
  return rule;
}
