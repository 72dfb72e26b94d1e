import type { RetentionView } from '../domain/access-package';

/** The retention schedule as the package cites it (deploy/retention-schedule.json). */
export abstract class RetentionRules {
  abstract of(category: string): RetentionView | undefined;
}
