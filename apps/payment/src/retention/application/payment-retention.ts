import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadRetentionSchedule, RetentionJob, type RetentionRunReport } from '#lumen/retention';
import { PAYMENT_CONFIG, type PaymentConfig } from '../../config/payment.config';
import { paymentRetentionTasks } from '../infrastructure/payment-retention.tasks';

/**
 * Enforces payment's rows of the retention schedule once a day. The schedule is read and
 * matched against payment's tasks when the module is built, so a schedule that names payment
 * for a category it does not handle stops the service at boot rather than promise in vain.
 */
@Injectable()
export class PaymentRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PaymentRetention.name);
  private readonly job: RetentionJob;

  constructor(@Inject(PAYMENT_CONFIG) config: PaymentConfig, dataSource: DataSource) {
    this.job = new RetentionJob({
      service: 'payment',
      schedule: loadRetentionSchedule(config.retentionSchedulePath),
      tasks: paymentRetentionTasks(dataSource),
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
