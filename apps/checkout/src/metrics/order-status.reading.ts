import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { startPeriodicReading } from '#lumen/metrics';
import { ORDER_STATUSES } from '../orders/domain/order-status';
import { checkoutMetrics } from './checkout.metrics';

/** Keeps `lumen_orders_by_status` at the read model's counts, every few seconds. */
@Injectable()
export class OrderStatusReading implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OrderStatusReading.name);
  private stop: (() => Promise<void>) | undefined;

  constructor(private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.stop = startPeriodicReading({
      read: () => this.read(),
      onError: (error) => {
        this.logger.debug(`order counts not read: ${String(error)}`);
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop?.();
  }

  async read(): Promise<void> {
    const rows: { status: string; orders: number }[] = await this.dataSource.query(
      'SELECT status, count(*)::int AS orders FROM orders GROUP BY status',
    );
    const counts = new Map(rows.map((row) => [row.status, row.orders]));
    for (const status of ORDER_STATUSES) {
      checkoutMetrics.ordersByStatus.set({ status }, counts.get(status) ?? 0);
    }
  }
}
