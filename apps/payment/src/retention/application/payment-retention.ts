import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ScheduledRetention } from '#lumen/retention';
import { PAYMENT_CONFIG, type PaymentConfig } from '../../config/payment.config';
import { paymentRetentionTasks } from '../infrastructure/payment-retention.tasks';

/** Enforces payment's rows of the retention schedule once a day (see `#lumen/retention`). */
@Injectable()
export class PaymentRetention extends ScheduledRetention {
  constructor(@Inject(PAYMENT_CONFIG) config: PaymentConfig, dataSource: DataSource) {
    super({
      service: 'payment',
      schedulePath: config.retentionSchedulePath,
      tasks: paymentRetentionTasks(dataSource),
    });
  }
}
