import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { deletePublishedOutboxByKey, outboxEventsByKey } from '#lumen/retention';
import {
  PaymentCustomerDataRepository,
  type CustomerPaymentRecord,
  type GatewayNotificationRecord,
  type PaymentErasureCounts,
  type PaymentEventRecord,
} from '../application/payment-customer-data.repository';

interface PaymentRow {
  order_id: string;
  gateway: string | null;
  gateway_reference: string | null;
  amount_minor: string;
  currency: string;
  status: string;
  reason_code: string | null;
  refund_kind: string | null;
  refund_reason_code: string | null;
  refunded_at: Date | null;
  created_at: Date;
  updated_at: Date;
  destroyed_at: Date | null;
}

@Injectable()
export class TypeOrmPaymentCustomerDataRepository extends PaymentCustomerDataRepository {
  override async link(
    tx: EntityManager,
    orderId: string,
    customerId: string,
    gateway: string,
  ): Promise<void> {
    // Never re-links a payment whose customer was erased (a late redelivery of the order).
    await tx.query(
      `UPDATE payments SET customer_id = $2, gateway = $3
       WHERE order_id = $1 AND customer_unlinked_at IS NULL`,
      [orderId, customerId, gateway],
    );
  }

  override async paymentsOf(
    tx: EntityManager,
    customerId: string,
  ): Promise<CustomerPaymentRecord[]> {
    const rows: PaymentRow[] = await tx.query(
      `SELECT p.order_id, p.gateway, p.gateway_reference, p.amount_minor, p.currency, p.status,
              p.reason_code, p.refund_kind, p.refund_reason_code, p.refunded_at, p.created_at,
              p.updated_at, k.destroyed_at
       FROM payments p LEFT JOIN card_token_keys k ON k.order_id = p.order_id
       WHERE p.customer_id = $1 ORDER BY p.created_at, p.order_id`,
      [customerId],
    );
    return rows.map((row) => ({
      orderId: row.order_id,
      gateway: row.gateway,
      gatewayReference: row.gateway_reference,
      amountMinor: Number(row.amount_minor),
      currency: row.currency,
      status: row.status,
      reasonCode: row.reason_code,
      refundKind: row.refund_kind,
      refundReasonCode: row.refund_reason_code,
      refundedAt: row.refunded_at,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      cardTokenDestroyedAt: row.destroyed_at,
    }));
  }

  override async outboxEventsOf(
    tx: EntityManager,
    orderIds: readonly string[],
  ): Promise<PaymentEventRecord[]> {
    const events = await outboxEventsByKey(tx, orderIds);
    return events.map(({ messageKey, envelope, ...event }) => ({
      ...event,
      orderId: messageKey,
      payload: envelope.payload,
    }));
  }

  override async notificationsOf(
    tx: EntityManager,
    orderIds: readonly string[],
  ): Promise<GatewayNotificationRecord[]> {
    if (orderIds.length === 0) return [];
    const rows: { notification_id: string; order_id: string; type: string; received_at: Date }[] =
      await tx.query(
        `SELECT notification_id, order_id, type, received_at FROM gateway_notifications
         WHERE order_id = ANY($1::text[]) ORDER BY received_at`,
        [orderIds],
      );
    return rows.map((row) => ({
      notificationId: row.notification_id,
      orderId: row.order_id,
      type: row.type,
      receivedAt: row.received_at,
    }));
  }

  override async erase(
    tx: EntityManager,
    customerId: string,
    at: Date,
  ): Promise<PaymentErasureCounts> {
    const [unlinked] = await tx.query<[{ order_id: string }[], number]>(
      `UPDATE payments SET customer_id = NULL, customer_unlinked_at = $2,
              customer_unlinked_by = 'erasure'
       WHERE customer_id = $1 RETURNING order_id`,
      [customerId, at],
    );
    const orderIds = unlinked.map((row) => row.order_id);
    const outboxEventsDeleted = await deletePublishedOutboxByKey(tx, orderIds);
    return { paymentsUnlinked: orderIds.length, outboxEventsDeleted };
  }
}
