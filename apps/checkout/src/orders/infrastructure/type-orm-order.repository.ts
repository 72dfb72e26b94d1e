import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { OrderRepository, type RecordedChange } from '../application/order.repository';
import type { NewOrder, OrderLine, OrderStatusView } from '../domain/order';
import { isOrderStatus, type OrderStatus } from '../domain/order-status';

interface OrderRow {
  order_id: string;
  status: string;
  currency: string;
  total_minor: string;
  policy_version: string;
  placed_at: Date;
  updated_at: Date;
}

interface LineRow {
  sku: string;
  quantity: number;
  unit_price_minor: string;
}

interface HistoryRow {
  status: string;
  occurred_at: Date;
  reason: string | null;
}

function statusOf(value: string): OrderStatus {
  if (!isOrderStatus(value)) throw new Error(`Unknown order status in the database: ${value}`);
  return value;
}

@Injectable()
export class TypeOrmOrderRepository extends OrderRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async insert(tx: EntityManager, order: NewOrder): Promise<void> {
    await tx.query(
      `INSERT INTO orders (order_id, storefront_id, customer_id, status, currency, total_minor,
         policy_version, payment_gateway, customer_name, customer_email, customer_phone,
         delivery_address, placed_at, updated_at)
       VALUES ($1, $2, $3, 'placed', $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
      [
        order.orderId,
        order.storefrontId,
        order.customerId,
        order.currency,
        order.totalMinor,
        order.policyVersion,
        order.paymentGateway,
        order.contact.customerName,
        order.contact.customerEmail,
        order.contact.customerPhone,
        order.contact.deliveryAddress,
        order.placedAt,
      ],
    );
    await tx.query(
      `INSERT INTO order_items (order_id, line_no, sku, quantity, unit_price_minor)
       SELECT $1, line.ordinality - 1, line.sku, line.quantity, line.unit_price_minor
       FROM unnest($2::text[], $3::integer[], $4::bigint[])
         WITH ORDINALITY AS line (sku, quantity, unit_price_minor, ordinality)`,
      [
        order.orderId,
        order.lines.map((line) => line.sku),
        order.lines.map((line) => line.quantity),
        order.lines.map((line) => line.unitPriceMinor),
      ],
    );
    await tx.query(
      `INSERT INTO order_status_history (order_id, seq, status, occurred_at, cause)
       VALUES ($1, 1, 'placed', $2, 'order placed')`,
      [order.orderId, order.placedAt],
    );
  }

  async findForStorefront(
    orderId: string,
    storefrontId: string,
  ): Promise<OrderStatusView | undefined> {
    const orders: OrderRow[] = await this.dataSource.query(
      `SELECT order_id, status, currency, total_minor, policy_version, placed_at, updated_at
       FROM orders WHERE order_id = $1 AND storefront_id = $2`,
      [orderId, storefrontId],
    );
    const order = orders[0];
    if (order === undefined) return undefined;
    const [lines, history] = await Promise.all([
      this.dataSource.query<LineRow[]>(
        `SELECT sku, quantity, unit_price_minor FROM order_items WHERE order_id = $1 ORDER BY line_no`,
        [orderId],
      ),
      this.dataSource.query<HistoryRow[]>(
        `SELECT status, occurred_at, reason FROM order_status_history WHERE order_id = $1 ORDER BY seq`,
        [orderId],
      ),
    ]);
    return {
      orderId: order.order_id,
      status: statusOf(order.status),
      currency: order.currency,
      totalMinor: Number(order.total_minor),
      policyVersion: order.policy_version,
      placedAt: order.placed_at,
      updatedAt: order.updated_at,
      items: lines.map((line): OrderLine => ({
        sku: line.sku,
        quantity: line.quantity,
        unitPriceMinor: Number(line.unit_price_minor),
      })),
      history: history.map((entry) => ({
        status: statusOf(entry.status),
        at: entry.occurred_at,
        ...(entry.reason === null ? {} : { reason: entry.reason }),
      })),
    };
  }

  async lockStatus(tx: EntityManager, orderId: string): Promise<OrderStatus | undefined> {
    const rows: { status: string }[] = await tx.query(
      `SELECT status FROM orders WHERE order_id = $1 FOR UPDATE`,
      [orderId],
    );
    const row = rows[0];
    return row === undefined ? undefined : statusOf(row.status);
  }

  async recordStatus(tx: EntityManager, orderId: string, change: RecordedChange): Promise<void> {
    await tx.query(
      `UPDATE orders SET status = $2, updated_at = $3, revision = revision + 1 WHERE order_id = $1`,
      [orderId, change.status, change.at],
    );
    await tx.query(
      `INSERT INTO order_status_history (order_id, seq, status, occurred_at, cause, reason)
       SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5
       FROM order_status_history WHERE order_id = $1`,
      [orderId, change.status, change.at, change.cause, change.reason ?? null],
    );
  }

  async park(tx: EntityManager, orderId: string, change: RecordedChange): Promise<void> {
    await tx.query(
      `INSERT INTO order_pending_progress (order_id, cause, status, occurred_at, reason)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [orderId, change.cause, change.status, change.at, change.reason ?? null],
    );
  }

  async parked(tx: EntityManager, orderId: string): Promise<RecordedChange[]> {
    const rows: { cause: string; status: string; occurred_at: Date; reason: string | null }[] =
      await tx.query(
        `SELECT cause, status, occurred_at, reason FROM order_pending_progress
         WHERE order_id = $1 ORDER BY occurred_at, received_at`,
        [orderId],
      );
    return rows.map((row) => ({
      cause: row.cause,
      status: statusOf(row.status),
      at: row.occurred_at,
      reason: row.reason ?? undefined,
    }));
  }

  async unpark(tx: EntityManager, orderId: string, cause: string): Promise<void> {
    await tx.query(`DELETE FROM order_pending_progress WHERE order_id = $1 AND cause = $2`, [
      orderId,
      cause,
    ]);
  }
}
