import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadRetentionSchedule, RetentionJob, type RetentionRunReport } from '#lumen/retention';
import { FULFILMENT_CONFIG, type FulfilmentConfig } from '../../config/fulfilment.config';
import { fulfilmentRetentionTasks } from '../infrastructure/fulfilment-retention.tasks';

/**
 * Enforces fulfilment's rows of the retention schedule once a day. The schedule is read and
 * matched against fulfilment's tasks when the module is built, so a schedule that names fulfilment
 * for a category it does not handle stops the service at boot rather than promise in vain.
 */
@Injectable()
export class FulfilmentRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FulfilmentRetention.name);
  private readonly job: RetentionJob;

  constructor(@Inject(FULFILMENT_CONFIG) config: FulfilmentConfig, dataSource: DataSource) {
    this.job = new RetentionJob({
      service: 'fulfilment',
      schedule: loadRetentionSchedule(config.retentionSchedulePath),
      tasks: fulfilmentRetentionTasks(dataSource),
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
