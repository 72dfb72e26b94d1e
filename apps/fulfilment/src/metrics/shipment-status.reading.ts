import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { startPeriodicReading } from '#lumen/metrics';
import { fulfilmentMetrics } from './fulfilment.metrics';

const SHIPMENT_STATUSES = ['pending', 'handed_over', 'dispatched', 'delivered', 'failed'] as const;

/** Keeps `lumen_shipments_by_status` at the shipments table's counts, every few seconds. */
@Injectable()
export class ShipmentStatusReading implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ShipmentStatusReading.name);
  private stop: (() => Promise<void>) | undefined;

  constructor(private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.stop = startPeriodicReading({
      read: () => this.read(),
      onError: (error) => {
        this.logger.debug(`shipment counts not read: ${String(error)}`);
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop?.();
  }

  async read(): Promise<void> {
    const rows = await this.dataSource.query<{ status: string; shipments: number }[]>(
      'SELECT status, count(*)::int AS shipments FROM shipments GROUP BY status',
    );
    const counts = new Map(rows.map((row) => [row.status, row.shipments]));
    for (const status of SHIPMENT_STATUSES) {
      fulfilmentMetrics.shipmentsByStatus.set({ status }, counts.get(status) ?? 0);
    }
  }
}
