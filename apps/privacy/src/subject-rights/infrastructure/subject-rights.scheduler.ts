import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { RetentionJob, type RetentionSchedule } from '#lumen/retention';
import { ChaseAccessAnswers } from '../application/chase-access-answers.use-case';
import { Clock } from '../application/clock';
import { EraseSubject } from '../application/erase-subject.use-case';
import { PrivacyRetentionTasks } from '../application/privacy-retention.tasks';
import { SubjectRightsRepository } from '../application/subject-rights.repository';

export const SUBJECT_RIGHTS_SCHEDULE = Symbol('SUBJECT_RIGHTS_SCHEDULE');

export interface SubjectRightsScheduleOptions {
  readonly tickMs: number;
  readonly schedule: RetentionSchedule;
  /** Off in tests that drive each step themselves. */
  readonly runTimers: boolean;
}

/**
 * The periodic work: every tick, unanswered access requests are chased and interrupted erasures
 * resumed; once a day, the retention job applies the privacy service's rows of the schedule.
 * Each step is idempotent, so several instances may run it.
 */
@Injectable()
export class SubjectRightsScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SubjectRightsScheduler.name);
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  readonly retention: RetentionJob;

  constructor(
    @Inject(SUBJECT_RIGHTS_SCHEDULE) private readonly options: SubjectRightsScheduleOptions,
    private readonly chase: ChaseAccessAnswers,
    private readonly erase: EraseSubject,
    private readonly repository: SubjectRightsRepository,
    tasks: PrivacyRetentionTasks,
    clock: Clock,
  ) {
    this.retention = new RetentionJob({
      service: 'privacy',
      schedule: options.schedule,
      tasks: tasks.all(),
      clock: () => clock.now(),
      logger: {
        info: (fields, message) => {
          this.logger.log(message ?? 'retention', fields);
        },
        error: (fields, message) => {
          this.logger.error(message ?? 'retention', fields);
        },
      },
    });
  }

  onApplicationBootstrap(): void {
    if (!this.options.runTimers) return;
    this.retention.start();
    this.timer = setInterval(() => {
      this.ticking ??= this.tick().finally(() => {
        this.ticking = undefined;
      });
    }, this.options.tickMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.ticking;
    await this.retention.stop();
  }

  /** One round of chasing and resuming; failures are logged and retried on the next tick. */
  async tick(): Promise<void> {
    try {
      await this.chase.execute();
      for (const request of await this.repository.erasuresToRun()) {
        await this.erase.execute(request.requestId);
      }
    } catch (error) {
      this.logger.error('subject-rights tick failed; retried on the next', {
        error: error instanceof Error ? error.message : 'unknown',
      });
    }
  }
}
