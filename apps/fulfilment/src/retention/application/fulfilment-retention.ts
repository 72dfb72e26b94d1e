import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ScheduledRetention } from '#lumen/retention';
import { FULFILMENT_CONFIG, type FulfilmentConfig } from '../../config/fulfilment.config';
import { fulfilmentRetentionTasks } from '../infrastructure/fulfilment-retention.tasks';

/** Enforces fulfilment's rows of the retention schedule once a day (see `#lumen/retention`). */
@Injectable()
export class FulfilmentRetention extends ScheduledRetention {
  constructor(@Inject(FULFILMENT_CONFIG) config: FulfilmentConfig, dataSource: DataSource) {
    super({
      service: 'fulfilment',
      schedulePath: config.retentionSchedulePath,
      tasks: fulfilmentRetentionTasks(dataSource),
    });
  }
}
