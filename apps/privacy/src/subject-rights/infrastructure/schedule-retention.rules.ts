import { ruleOf, type RetentionSchedule } from '#lumen/retention';
import { RetentionRules } from '../application/retention-rules';
import type { RetentionView } from '../domain/access-package';

/** The package cites the same schedule the retention jobs enforce. */
export class ScheduleRetentionRules extends RetentionRules {
  constructor(private readonly schedule: RetentionSchedule) {
    super();
  }

  of(category: string): RetentionView | undefined {
    try {
      const rule = ruleOf(this.schedule, category);
      return {
        category: rule.category,
        period: rule.period,
        trigger: rule.trigger,
        action: rule.action,
        basis: rule.basis,
      };
    } catch {
      return undefined;
    }
  }
}
