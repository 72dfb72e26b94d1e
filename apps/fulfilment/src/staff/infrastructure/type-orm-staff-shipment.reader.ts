import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  StaffShipmentReader,
  type StaffShipmentRecord,
} from '../application/read-shipment-for-staff.use-case';

interface Row {
  order_id: string;
  status: string | null;
  carrier: string | null;
  updated_at: Date | null;
  customer_id: string | null;
  sealed_address: string | null;
}

@Injectable()
export class TypeOrmStaffShipmentReader extends StaffShipmentReader {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  override async find(orderId: string): Promise<StaffShipmentRecord | undefined> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT i.order_id, s.status, s.carrier,
              GREATEST(s.created_at, s.handed_over_at, s.dispatched_at, s.delivered_at, s.failed_at) AS updated_at,
              a.customer_id, a.sealed_address
         FROM order_intake i
         LEFT JOIN shipments s ON s.order_id = i.order_id
         LEFT JOIN sealed_addresses a ON a.order_id = i.order_id
        WHERE i.order_id = $1`,
      [orderId],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      orderId: row.order_id,
      status: row.status,
      carrier: row.carrier,
      updatedAt: row.updated_at,
      sealedAddress:
        row.customer_id === null || row.sealed_address === null
          ? null
          : { customerId: row.customer_id, sealed: row.sealed_address },
    };
  }
}
