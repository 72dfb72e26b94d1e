import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { affectedRows, deletePublishedOutboxByKey, outboxEventsByKey } from '#lumen/retention';
import {
  FulfilmentCustomerDataRepository,
  type CustomerShipmentRecord,
  type FulfilmentErasureCounts,
  type FulfilmentEventRecord,
} from '../application/fulfilment-customer-data.repository';

interface OrderRow {
  order_id: string;
  placed_at: Date | null;
  payment_confirmed_at: Date | null;
  payment_failed_at: Date | null;
  sealed_address: string | null;
  address_received_at: Date | null;
  shipment_id: string | null;
  carrier: string | null;
  status: string | null;
  carrier_shipment_id: string | null;
  reason_code: string | null;
  item_count: number | null;
  weight_grams: number | null;
  created_at: Date | null;
  handed_over_at: Date | null;
  dispatched_at: Date | null;
  delivered_at: Date | null;
  failed_at: Date | null;
  tracking: { event_id: string; status: string; occurred_at: string; received_at: string }[];
}

@Injectable()
export class TypeOrmFulfilmentCustomerDataRepository extends FulfilmentCustomerDataRepository {
  override async ordersOf(
    tx: EntityManager,
    customerId: string,
  ): Promise<CustomerShipmentRecord[]> {
    const rows: OrderRow[] = await tx.query(
      `SELECT i.order_id, i.placed_at, i.payment_confirmed_at, i.payment_failed_at,
              a.sealed_address, a.received_at AS address_received_at,
              s.shipment_id, s.carrier, s.status, s.carrier_shipment_id, s.reason_code,
              s.item_count, s.weight_grams, s.created_at, s.handed_over_at, s.dispatched_at,
              s.delivered_at, s.failed_at,
              (SELECT coalesce(json_agg(json_build_object('event_id', t.event_id,
                        'status', t.status, 'occurred_at', t.occurred_at,
                        'received_at', t.received_at) ORDER BY t.occurred_at), '[]')
                 FROM tracking_events t WHERE t.shipment_id = s.shipment_id) AS tracking
       FROM order_intake i
       LEFT JOIN sealed_addresses a ON a.order_id = i.order_id
       LEFT JOIN shipments s ON s.order_id = i.order_id
       WHERE i.customer_id = $1
       ORDER BY i.placed_at, i.order_id`,
      [customerId],
    );
    return rows.map((row) => ({
      orderId: row.order_id,
      placedAt: row.placed_at,
      paymentConfirmedAt: row.payment_confirmed_at,
      paymentFailedAt: row.payment_failed_at,
      sealedAddress: row.sealed_address,
      addressReceivedAt: row.address_received_at,
      shipment:
        row.shipment_id === null || row.created_at === null
          ? null
          : {
              shipmentId: row.shipment_id,
              carrier: row.carrier ?? '',
              status: row.status ?? '',
              carrierShipmentId: row.carrier_shipment_id,
              reasonCode: row.reason_code,
              itemCount: row.item_count ?? 0,
              weightGrams: row.weight_grams,
              createdAt: row.created_at,
              handedOverAt: row.handed_over_at,
              dispatchedAt: row.dispatched_at,
              deliveredAt: row.delivered_at,
              failedAt: row.failed_at,
              tracking: row.tracking.map((event) => ({
                eventId: event.event_id,
                status: event.status,
                occurredAt: new Date(event.occurred_at),
                receivedAt: new Date(event.received_at),
              })),
            },
    }));
  }

  override async outboxEventsOf(
    tx: EntityManager,
    orderIds: readonly string[],
  ): Promise<FulfilmentEventRecord[]> {
    const events = await outboxEventsByKey(tx, orderIds);
    return events.map(({ messageKey, envelope, ...event }) => ({
      ...event,
      orderId: messageKey,
      payload: envelope.payload,
    }));
  }

  override async cancellableShipments(tx: EntityManager, customerId: string): Promise<string[]> {
    const rows: { shipment_id: string }[] = await tx.query(
      `SELECT s.shipment_id FROM shipments s JOIN order_intake i ON i.order_id = s.order_id
       WHERE i.customer_id = $1 AND s.status = 'pending'
         AND (s.lease_until IS NULL OR s.lease_until < now())
       ORDER BY s.shipment_id`,
      [customerId],
    );
    return rows.map((row) => row.shipment_id);
  }

  override async erase(
    tx: EntityManager,
    customerId: string,
    at: Date,
  ): Promise<FulfilmentErasureCounts> {
    const addressesDeleted = affectedRows(
      await tx.query(`DELETE FROM sealed_addresses WHERE customer_id = $1`, [customerId]),
    );
    const [unlinked] = await tx.query<[{ order_id: string }[], number]>(
      `UPDATE order_intake SET customer_id = NULL, customer_unlinked_at = $2,
              customer_unlinked_by = 'erasure'
       WHERE customer_id = $1 RETURNING order_id`,
      [customerId, at],
    );
    const orderIds = unlinked.map((row) => row.order_id);
    const outboxEventsDeleted = await deletePublishedOutboxByKey(tx, orderIds);
    return { addressesDeleted, ordersUnlinked: orderIds.length, outboxEventsDeleted };
  }
}
