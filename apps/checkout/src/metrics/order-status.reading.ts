import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PeriodicReadingProvider, setStatusCounts } from '#lumen/metrics';
import { ORDER_STATUSES } from '../orders/domain/order-status';
import { checkoutMetrics } from './checkout.metrics';

/** Keeps `lumen_orders_by_status` at the read model's counts, every few seconds. */
@Injectable()
export class OrderStatusReading extends PeriodicReadingProvider {
  constructor(private readonly dataSource: DataSource) {
    super('order counts');
  }

  override async read(): Promise<void> {
    const rows = await this.dataSource.query<{ status: string; count: number }[]>(
      'SELECT status, count(*)::int AS count FROM orders GROUP BY status',
    );
    setStatusCounts(checkoutMetrics.ordersByStatus, ORDER_STATUSES, rows);
  }
}
