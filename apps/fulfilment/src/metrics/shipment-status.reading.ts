import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PeriodicReadingProvider, setStatusCounts } from '#lumen/metrics';
import { fulfilmentMetrics } from './fulfilment.metrics';

const SHIPMENT_STATUSES = ['pending', 'handed_over', 'dispatched', 'delivered', 'failed'] as const;

/** Keeps `lumen_shipments_by_status` at the shipments table's counts, every few seconds. */
@Injectable()
export class ShipmentStatusReading extends PeriodicReadingProvider {
  constructor(private readonly dataSource: DataSource) {
    super('shipment counts');
  }

  override async read(): Promise<void> {
    const rows = await this.dataSource.query<{ status: string; count: number }[]>(
      'SELECT status, count(*)::int AS count FROM shipments GROUP BY status',
    );
    setStatusCounts(fulfilmentMetrics.shipmentsByStatus, SHIPMENT_STATUSES, rows);
  }
}
