import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { affectedRows, deletePublishedOutboxByKey, outboxEventsByKey } from '#lumen/retention';
import { isOrderStatus, type OrderStatus } from '../../orders/domain/order-status';
import {
  CustomerDataRepository,
  type CheckoutErasureCounts,
  type CustomerOrderRecord,
  type OutboxEventRecord,
} from '../application/customer-data.repository';

interface OrderRow {
  order_id: string;
  storefront_id: string;
  status: string;
  currency: string;
  total_minor: string;
  policy_version: string;
  payment_gateway: string;
  placed_at: Date;
  updated_at: Date;
  customer_name: string | null;
  customer_email: string | null;
  customer_phone: string | null;
  delivery_address: string | null;
  personal_data_removed_at: Date | null;
  items: { sku: string; quantity: number; unit_price_minor: number }[];
  history: {
    status: string;
    occurred_at: string;
    reason: string | null;
    cause: string;
    processed_at: string | null;
  }[];
}

function statusOf(value: string): OrderStatus {
  if (!isOrderStatus(value)) throw new Error(`Unknown order status in the database: ${value}`);
  return value;
}

@Injectable()
export class TypeOrmCustomerDataRepository extends CustomerDataRepository {
  override async customerSince(tx: EntityManager, customerId: string): Promise<Date | undefined> {
    const rows: { created_at: Date }[] = await tx.query(
      `SELECT created_at FROM customers WHERE customer_id = $1`,
      [customerId],
    );
    return rows[0]?.created_at;
  }

  override async ordersOf(tx: EntityManager, customerId: string): Promise<CustomerOrderRecord[]> {
    const rows: OrderRow[] = await tx.query(
      `SELECT o.order_id, o.storefront_id, o.status, o.currency, o.total_minor, o.policy_version,
              o.payment_gateway, o.placed_at, o.updated_at, o.customer_name, o.customer_email,
              o.customer_phone, o.delivery_address, o.personal_data_removed_at,
              (SELECT coalesce(json_agg(json_build_object('sku', i.sku, 'quantity', i.quantity,
                        'unit_price_minor', i.unit_price_minor) ORDER BY i.line_no), '[]')
                 FROM order_items i WHERE i.order_id = o.order_id) AS items,
              (SELECT coalesce(json_agg(json_build_object('status', h.status,
                        'occurred_at', h.occurred_at, 'reason', h.reason, 'cause', h.cause,
                        'processed_at', (SELECT min(processed_at) FROM inbox
                                          WHERE event_id::text = substring(h.cause from '[0-9a-f-]{36}$')))
                        ORDER BY h.seq), '[]')
                 FROM order_status_history h WHERE h.order_id = o.order_id) AS history
         FROM orders o WHERE o.customer_id = $1 ORDER BY o.placed_at, o.order_id`,
      [customerId],
    );
    return rows.map((row) => ({
      orderId: row.order_id,
      storefrontId: row.storefront_id,
      status: statusOf(row.status),
      currency: row.currency,
      totalMinor: Number(row.total_minor),
      policyVersion: row.policy_version,
      paymentGateway: row.payment_gateway,
      placedAt: row.placed_at,
      updatedAt: row.updated_at,
      items: row.items.map((item) => ({
        sku: item.sku,
        quantity: item.quantity,
        unitPriceMinor: item.unit_price_minor,
      })),
      sealed:
        row.customer_name === null ||
        row.customer_email === null ||
        row.customer_phone === null ||
        row.delivery_address === null
          ? null
          : {
              name: row.customer_name,
              email: row.customer_email,
              phone: row.customer_phone,
              deliveryAddress: row.delivery_address,
            },
      personalDataRemovedAt: row.personal_data_removed_at,
      history: row.history.map((entry) => ({
        status: statusOf(entry.status),
        occurredAt: new Date(entry.occurred_at),
        reason: entry.reason,
        cause: entry.cause,
        processedAt: entry.processed_at === null ? null : new Date(entry.processed_at),
      })),
    }));
  }

  override async outboxEventsOf(
    tx: EntityManager,
    orderIds: readonly string[],
  ): Promise<OutboxEventRecord[]> {
    const events = await outboxEventsByKey(tx, orderIds);
    return events.map(({ messageKey, ...event }) => ({ ...event, orderId: messageKey }));
  }

  override async erase(
    tx: EntityManager,
    customerId: string,
    at: Date,
  ): Promise<CheckoutErasureCounts> {
    const orders: { order_id: string }[] = await tx.query(
      `SELECT order_id FROM orders WHERE customer_id = $1 ORDER BY order_id FOR UPDATE`,
      [customerId],
    );
    const orderIds = orders.map((row) => row.order_id);
    const idempotencyRecordsDeleted = affectedRows(
      await tx.query(`DELETE FROM idempotency_keys WHERE order_id = ANY($1::uuid[])`, [orderIds]),
    );
    const outboxEventsDeleted = await deletePublishedOutboxByKey(tx, orderIds);
    const ordersMasked = affectedRows(
      await tx.query(
        `UPDATE orders SET customer_id = NULL, customer_name = NULL, customer_email = NULL,
                customer_phone = NULL, delivery_address = NULL,
                personal_data_removed_at = $2, personal_data_removed_by = 'erasure',
                revision = revision + 1
         WHERE order_id = ANY($1::uuid[])`,
        [orderIds, at],
      ),
    );
    const customersDeleted = affectedRows(
      await tx.query(`DELETE FROM customers WHERE customer_id = $1`, [customerId]),
    );
    return { ordersMasked, idempotencyRecordsDeleted, customersDeleted, outboxEventsDeleted };
  }
}
