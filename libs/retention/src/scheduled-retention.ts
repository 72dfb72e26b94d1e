import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RetentionJob, type RetentionRunReport, type RetentionTask } from './retention-job';
import { loadRetentionSchedule } from './retention-schedule';

export interface ScheduledRetentionOptions {
  readonly service: string;
  /** `deploy/retention-schedule.json` or where the service's config points. */
  readonly schedulePath: string;
  readonly tasks: readonly RetentionTask[];
}

/**
 * A service's retention job as a Nest provider: started once the application has booted,
 * stopped with it. The schedule is read and matched against the service's tasks when the
 * provider is built, so a schedule that names the service for a category it does not handle
 * stops the service at boot rather than promise in vain. Each service subclasses it with its
 * own config and tasks, so tests can `get()` it by class and call `runOnce(now)`.
 */
export abstract class ScheduledRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly job: RetentionJob;

  protected constructor(options: ScheduledRetentionOptions) {
    const logger = new Logger(`${options.service} retention`);
    this.job = new RetentionJob({
      service: options.service,
      schedule: loadRetentionSchedule(options.schedulePath),
      tasks: options.tasks,
      logger: {
        info: (fields, message) => {
          logger.log(message ?? 'retention', fields);
        },
        error: (fields, message) => {
          logger.error(message ?? 'retention', fields);
        },
      },
    });
  }

  /** One run as of `now`; tests pass the time they want. */
  runOnce(now?: Date): Promise<RetentionRunReport> {
    return this.job.runOnce(now);
  }

  onApplicationBootstrap(): void {
    this.job.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.job.stop();
  }
}
