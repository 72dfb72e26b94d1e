import { cutoffBefore } from './retention-period';
import {
  RetentionScheduleError,
  rulesFor,
  type RetentionAction,
  type RetentionSchedule,
} from './retention-schedule';

/** How a service applies one category of the schedule to its own data. */
export interface RetentionTask {
  readonly category: string;
  /**
   * Deletes or masks the records whose trigger happened before `cutoff`; returns how many.
   * Must be idempotent: replicas may run the same day's job, and a failed run is repeated.
   */
  apply(cutoff: Date, now: Date): Promise<number>;
}

/** The slice of a structured logger the job needs (a pino logger satisfies it). */
export interface RetentionLogger {
  info(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

export interface RetentionJobOptions {
  readonly service: string;
  readonly schedule: RetentionSchedule;
  readonly tasks: readonly RetentionTask[];
  readonly logger: RetentionLogger;
  /** The time the job believes it is; tests pass a clock they control. */
  readonly clock?: () => Date;
  /** Between runs: a day. */
  readonly intervalMs?: number;
  /** Before the first run after start, so a booting service serves first. */
  readonly initialDelayMs?: number;
}

export interface RetentionResult {
  readonly category: string;
  readonly action: RetentionAction;
  readonly cutoff: string;
  readonly outcome: 'applied' | 'failed';
  readonly count: number;
  /** The error's name and message when the task failed (no record values). */
  readonly error?: string;
}

export interface RetentionRunReport {
  readonly service: string;
  readonly ranAt: string;
  readonly results: readonly RetentionResult[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Enforces a service's rows of the retention schedule once a day. The schedule is data; the
 * tasks are the service's code for its own tables. The job refuses to start when the two do not
 * match: a rule naming the service with no task would be a promise nobody keeps, and a task
 * with no rule would delete by a period nobody wrote down.
 */
export class RetentionJob {
  private readonly clock: () => Date;
  private readonly intervalMs: number;
  private readonly initialDelayMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RetentionRunReport> | undefined;
  private stopped = true;

  constructor(private readonly options: RetentionJobOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.intervalMs = options.intervalMs ?? DAY_MS;
    this.initialDelayMs = options.initialDelayMs ?? 60_000;
    const rules = rulesFor(options.schedule, options.service);
    const taskCategories = new Set<string>();
    for (const task of options.tasks) {
      if (taskCategories.has(task.category)) {
        throw new RetentionScheduleError(`Two retention tasks for ${task.category}`);
      }
      taskCategories.add(task.category);
      if (!rules.some((rule) => rule.category === task.category)) {
        throw new RetentionScheduleError(
          `${options.service} has a retention task for ${task.category}, but the schedule has ` +
            `no rule of that category naming ${options.service}`,
        );
      }
    }
    const missing = rules.filter((rule) => !taskCategories.has(rule.category));
    if (missing.length > 0) {
      throw new RetentionScheduleError(
        `The retention schedule names ${options.service} for ` +
          `${missing.map((rule) => rule.category).join(', ')}, which it does not apply`,
      );
    }
  }

  /** Runs every task once as of `now`; a failing task does not stop the others. */
  runOnce(now: Date = this.clock()): Promise<RetentionRunReport> {
    // One run at a time per process: a slow run and the next tick never overlap.
    const previous = this.running ?? Promise.resolve(undefined);
    const run = previous.then(() => this.run(now));
    this.running = run;
    return run;
  }

  /** Starts the daily schedule: first after `initialDelayMs`, then every `intervalMs`. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(this.initialDelayMs);
  }

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runOnce()
        .catch(() => undefined)
        .finally(() => {
          if (!this.stopped) this.schedule(this.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  private async run(now: Date): Promise<RetentionRunReport> {
    const rules = rulesFor(this.options.schedule, this.options.service);
    const results: RetentionResult[] = [];
    for (const rule of rules) {
      const task = this.options.tasks.find((candidate) => candidate.category === rule.category);
      if (task === undefined) continue; // excluded by the constructor
      const cutoff = cutoffBefore(now, rule.period);
      try {
        const count = await task.apply(cutoff, now);
        results.push({
          category: rule.category,
          action: rule.action,
          cutoff: cutoff.toISOString(),
          outcome: 'applied',
          count,
        });
      } catch (error) {
        const described = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown';
        results.push({
          category: rule.category,
          action: rule.action,
          cutoff: cutoff.toISOString(),
          outcome: 'failed',
          count: 0,
          error: described,
        });
        this.options.logger.error(
          { service: this.options.service, category: rule.category, error: described },
          'retention task failed; it runs again with the next run',
        );
      }
    }
    const report = { service: this.options.service, ranAt: now.toISOString(), results };
    this.options.logger.info(
      {
        service: this.options.service,
        results: results.map(({ category, outcome, count }) => ({ category, outcome, count })),
      },
      'retention run finished',
    );
    return report;
  }
}
