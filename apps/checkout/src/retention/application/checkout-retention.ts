import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadRetentionSchedule, RetentionJob, type RetentionRunReport } from '#lumen/retention';
import { CHECKOUT_CONFIG, type CheckoutConfig } from '../../config/checkout.config';
import { checkoutRetentionTasks } from '../infrastructure/checkout-retention.tasks';

/**
 * Enforces checkout's rows of the retention schedule once a day. The schedule is read and
 * matched against checkout's tasks when the module is built, so a schedule that names checkout
 * for a category it does not handle stops the service at boot rather than promise in vain.
 */
@Injectable()
export class CheckoutRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CheckoutRetention.name);
  private readonly job: RetentionJob;

  constructor(@Inject(CHECKOUT_CONFIG) config: CheckoutConfig, dataSource: DataSource) {
    this.job = new RetentionJob({
      service: 'checkout',
      schedule: loadRetentionSchedule(config.retentionSchedulePath),
      tasks: checkoutRetentionTasks(dataSource),
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
