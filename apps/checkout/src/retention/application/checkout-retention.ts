import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ScheduledRetention } from '#lumen/retention';
import { CHECKOUT_CONFIG, type CheckoutConfig } from '../../config/checkout.config';
import { checkoutRetentionTasks } from '../infrastructure/checkout-retention.tasks';

/** Enforces checkout's rows of the retention schedule once a day (see `#lumen/retention`). */
@Injectable()
export class CheckoutRetention extends ScheduledRetention {
  constructor(@Inject(CHECKOUT_CONFIG) config: CheckoutConfig, dataSource: DataSource) {
    super({
      service: 'checkout',
      schedulePath: config.retentionSchedulePath,
      tasks: checkoutRetentionTasks(dataSource),
    });
  }
}
