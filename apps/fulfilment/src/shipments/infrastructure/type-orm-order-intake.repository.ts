import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  OrderIntakeRepository,
  type IntakeState,
  type PlacedOrder,
  type SealedAddress,
} from '../application/order-intake.repository';
import { updatedRows } from './updated-rows';

/** Order intake and sealed addresses in the fulfilment schema. */
@Injectable()
export class TypeOrmOrderIntakeRepository extends OrderIntakeRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  override async recordPlaced(tx: EntityManager, order: PlacedOrder): Promise<void> {
    await tx.query(
      `INSERT INTO order_intake (order_id, item_count, placed_at, customer_id)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (order_id) DO UPDATE
         SET item_count = EXCLUDED.item_count, placed_at = EXCLUDED.placed_at,
             customer_id = EXCLUDED.customer_id
         WHERE order_intake.placed_at IS NULL`,
      [order.orderId, order.itemCount, order.placedAt, order.customerId],
    );
    // Kept only while the order has no settled shipment and its payment did not fail.
    await tx.query(
      `INSERT INTO sealed_addresses (order_id, customer_id, key_id, sealed_address)
       SELECT $1, $2, $3, $4
       WHERE NOT EXISTS (SELECT 1 FROM order_intake WHERE order_id = $1 AND payment_failed_at IS NOT NULL)
         AND NOT EXISTS (SELECT 1 FROM shipments WHERE order_id = $1 AND status <> 'pending')
       ON CONFLICT (order_id) DO NOTHING`,
      [order.orderId, order.customerId, order.addressKeyId, order.sealedAddress],
    );
  }

  override async recordPaymentConfirmed(
    tx: EntityManager,
    orderId: string,
    at: Date,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO order_intake (order_id, payment_confirmed_at) VALUES ($1, $2)
       ON CONFLICT (order_id) DO UPDATE SET payment_confirmed_at = EXCLUDED.payment_confirmed_at
         WHERE order_intake.payment_confirmed_at IS NULL`,
      [orderId, at],
    );
  }

  override async recordPaymentFailed(tx: EntityManager, orderId: string, at: Date): Promise<void> {
    await tx.query(
      `INSERT INTO order_intake (order_id, payment_failed_at) VALUES ($1, $2)
       ON CONFLICT (order_id) DO UPDATE SET payment_failed_at = EXCLUDED.payment_failed_at
         WHERE order_intake.payment_failed_at IS NULL`,
      [orderId, at],
    );
  }

  override async lock(tx: EntityManager, orderId: string): Promise<IntakeState | undefined> {
    const rows: {
      item_count: number | null;
      placed_at: Date | null;
      payment_confirmed_at: Date | null;
      payment_failed_at: Date | null;
    }[] = await tx.query(
      `SELECT item_count, placed_at, payment_confirmed_at, payment_failed_at
       FROM order_intake WHERE order_id = $1 FOR UPDATE`,
      [orderId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      itemCount: row.item_count,
      placed: row.placed_at !== null,
      paymentConfirmed: row.payment_confirmed_at !== null,
      paymentFailed: row.payment_failed_at !== null,
    };
  }

  override async sealedAddressOf(orderId: string): Promise<SealedAddress | undefined> {
    const rows: { customer_id: string; sealed_address: string }[] = await this.dataSource.query(
      'SELECT customer_id, sealed_address FROM sealed_addresses WHERE order_id = $1',
      [orderId],
    );
    const row = rows[0];
    return row && { customerId: row.customer_id, sealedAddress: row.sealed_address };
  }

  override async forgetAddress(tx: EntityManager, orderId: string): Promise<void> {
    await tx.query('DELETE FROM sealed_addresses WHERE order_id = $1', [orderId]);
  }

  override async forgetUnpaidAddresses(before: Date): Promise<number> {
    const rows = updatedRows(
      await this.dataSource.query(
        `DELETE FROM sealed_addresses AS a USING order_intake AS i
         WHERE a.order_id = i.order_id AND i.payment_confirmed_at IS NULL AND a.received_at < $1
         RETURNING a.order_id`,
        [before],
      ),
    );
    return rows.length;
  }

  override async forgetAddressesUnderKey(tx: EntityManager, keyId: string): Promise<number> {
    const rows = updatedRows(
      await tx.query('DELETE FROM sealed_addresses WHERE key_id = $1 RETURNING order_id', [keyId]),
    );
    return rows.length;
  }
}
