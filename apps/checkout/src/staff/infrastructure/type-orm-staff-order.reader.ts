import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  StaffOrderReader,
  type PersonalDataRemover,
  type StaffOrderRecord,
} from '../application/staff-order.reader';

interface Row {
  order_id: string;
  customer_id: string | null;
  status: string;
  placed_at: Date;
  updated_at: Date;
  customer_name: string | null;
  customer_email: string | null;
  customer_phone: string | null;
  delivery_address: string | null;
  personal_data_removed_at: Date | null;
  /** The table's CHECK allows these two only, and both columns are set together. */
  personal_data_removed_by: PersonalDataRemover | null;
}

@Injectable()
export class TypeOrmStaffOrderReader extends StaffOrderReader {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  override async find(orderId: string): Promise<StaffOrderRecord | undefined> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT order_id, customer_id, status, placed_at, updated_at, customer_name, customer_email,
              customer_phone, delivery_address, personal_data_removed_at, personal_data_removed_by
         FROM orders WHERE order_id = $1`,
      [orderId],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      orderId: row.order_id,
      customerId: row.customer_id,
      status: row.status,
      placedAt: row.placed_at,
      updatedAt: row.updated_at,
      sealed: {
        customerName: row.customer_name,
        customerEmail: row.customer_email,
        customerPhone: row.customer_phone,
        deliveryAddress: row.delivery_address,
      },
      personalDataRemoved:
        row.personal_data_removed_at === null || row.personal_data_removed_by === null
          ? null
          : { by: row.personal_data_removed_by, at: row.personal_data_removed_at },
    };
  }
}
