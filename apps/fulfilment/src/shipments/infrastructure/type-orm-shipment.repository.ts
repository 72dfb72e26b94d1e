import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Shipment } from '../domain/shipment';
import type { ShipmentFailureReason } from '../domain/shipment-failure-reason';
import type { ShipmentStatus } from '../domain/shipment-status';
import {
  ShipmentRepository,
  type ClaimedShipment,
  type ShipmentToTrack,
} from '../application/shipment.repository';
import { updatedRows } from './updated-rows';

interface ShipmentRow {
  shipment_id: string;
  order_id: string;
  shipment_reference: string;
  carrier: string;
  status: ShipmentStatus;
  carrier_shipment_id: string | null;
  reason_code: ShipmentFailureReason | null;
  weight_grams: number | null;
  length_mm: number | null;
  width_mm: number | null;
  height_mm: number | null;
  item_count: number;
  handover_attempts: number;
  created_at: Date;
  handed_over_at: Date | null;
  dispatched_at: Date | null;
  delivered_at: Date | null;
  failed_at: Date | null;
}

const COLUMNS = `shipment_id, order_id, shipment_reference, carrier, status, carrier_shipment_id,
  reason_code, weight_grams, length_mm, width_mm, height_mm, item_count, handover_attempts,
  created_at, handed_over_at, dispatched_at, delivered_at, failed_at`;

function parcelOf(row: ShipmentRow) {
  const { weight_grams, length_mm, width_mm, height_mm } = row;
  if (weight_grams === null || length_mm === null || width_mm === null || height_mm === null) {
    return null;
  }
  return {
    weightGrams: weight_grams,
    dimensionsMm: { length: length_mm, width: width_mm, height: height_mm },
    itemCount: row.item_count,
  };
}

function toShipment(row: ShipmentRow): Shipment {
  return Shipment.restore({
    shipmentId: row.shipment_id,
    orderId: row.order_id,
    shipmentReference: row.shipment_reference,
    carrier: row.carrier,
    status: row.status,
    carrierShipmentId: row.carrier_shipment_id,
    reasonCode: row.reason_code,
    parcel: parcelOf(row),
    itemCount: row.item_count,
    handoverAttempts: row.handover_attempts,
    createdAt: row.created_at,
    handedOverAt: row.handed_over_at,
    dispatchedAt: row.dispatched_at,
    deliveredAt: row.delivered_at,
    failedAt: row.failed_at,
  });
}

/** Shipments in the fulfilment schema, in plain SQL: every statement is visible here. */
@Injectable()
export class TypeOrmShipmentRepository extends ShipmentRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  override async insert(
    tx: EntityManager,
    shipment: Shipment,
    traceContext: Readonly<Record<string, string>>,
  ): Promise<boolean> {
    const s = shipment.state;
    const rows: unknown[] = await tx.query(
      `INSERT INTO shipments (shipment_id, order_id, shipment_reference, carrier, status,
         reason_code, weight_grams, length_mm, width_mm, height_mm, item_count, created_at,
         failed_at, trace_context)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (order_id) DO NOTHING RETURNING shipment_id`,
      [
        s.shipmentId,
        s.orderId,
        s.shipmentReference,
        s.carrier,
        s.status,
        s.reasonCode,
        s.parcel?.weightGrams ?? null,
        s.parcel?.dimensionsMm.length ?? null,
        s.parcel?.dimensionsMm.width ?? null,
        s.parcel?.dimensionsMm.height ?? null,
        s.itemCount,
        s.createdAt,
        s.failedAt,
        JSON.stringify(traceContext),
      ],
    );
    return rows.length === 1;
  }

  override async existsForOrder(tx: EntityManager, orderId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query('SELECT 1 FROM shipments WHERE order_id = $1', [
      orderId,
    ]);
    return rows.length > 0;
  }

  override async lockById(tx: EntityManager, shipmentId: string): Promise<Shipment | undefined> {
    const rows: ShipmentRow[] = await tx.query(
      `SELECT ${COLUMNS} FROM shipments WHERE shipment_id = $1 FOR UPDATE`,
      [shipmentId],
    );
    return rows[0] && toShipment(rows[0]);
  }

  override async lockByReference(
    tx: EntityManager,
    reference: string,
  ): Promise<Shipment | undefined> {
    const rows: ShipmentRow[] = await tx.query(
      `SELECT ${COLUMNS} FROM shipments WHERE shipment_reference = $1 FOR UPDATE`,
      [reference],
    );
    return rows[0] && toShipment(rows[0]);
  }

  override async save(tx: EntityManager, shipment: Shipment): Promise<void> {
    const s = shipment.state;
    await tx.query(
      `UPDATE shipments SET status = $2, carrier_shipment_id = $3, reason_code = $4,
         handed_over_at = $5, dispatched_at = $6, delivered_at = $7, failed_at = $8,
         lease_until = NULL
       WHERE shipment_id = $1`,
      [
        s.shipmentId,
        s.status,
        s.carrierShipmentId,
        s.reasonCode,
        s.handedOverAt,
        s.dispatchedAt,
        s.deliveredAt,
        s.failedAt,
      ],
    );
  }

  override async claimDue(limit: number, leaseMs: number): Promise<ClaimedShipment[]> {
    const rows = updatedRows<ShipmentRow & { trace_context: Record<string, string> }>(
      await this.dataSource.query(
        `UPDATE shipments SET lease_until = now() + ($2 * interval '1 millisecond'),
         handover_attempts = handover_attempts + 1
       WHERE shipment_id IN (
         SELECT shipment_id FROM shipments
         WHERE status = 'pending' AND next_attempt_at <= now()
           AND (lease_until IS NULL OR lease_until < now())
         ORDER BY next_attempt_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED)
       RETURNING ${COLUMNS}, trace_context`,
        [limit, leaseMs],
      ),
    );
    return rows.flatMap((row) => {
      const parcel = parcelOf(row);
      if (!parcel) return []; // cannot happen for a pending row (a table constraint)
      return [
        {
          shipmentId: row.shipment_id,
          orderId: row.order_id,
          shipmentReference: row.shipment_reference,
          parcel,
          attempt: row.handover_attempts,
          createdAt: row.created_at,
          traceContext: row.trace_context,
        },
      ];
    });
  }

  override async reschedule(shipmentId: string, nextAttemptAt: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE shipments SET next_attempt_at = $2, lease_until = NULL
       WHERE shipment_id = $1 AND status = 'pending'`,
      [shipmentId, nextAttemptAt],
    );
  }

  override async scheduleTrackingCheck(
    tx: EntityManager,
    shipmentId: string,
    at: Date | null,
  ): Promise<void> {
    await tx.query(
      `UPDATE shipments SET next_tracking_check_at = $2, lease_until = NULL WHERE shipment_id = $1`,
      [shipmentId, at],
    );
  }

  override async claimTrackingDue(limit: number, leaseMs: number): Promise<ShipmentToTrack[]> {
    const rows = updatedRows<{
      shipment_id: string;
      carrier_shipment_id: string;
      trace_context: Record<string, string>;
    }>(
      await this.dataSource.query(
        `UPDATE shipments SET lease_until = now() + ($2 * interval '1 millisecond')
         WHERE shipment_id IN (
           SELECT shipment_id FROM shipments
           WHERE status IN ('handed_over', 'dispatched') AND next_tracking_check_at <= now()
             AND (lease_until IS NULL OR lease_until < now())
           ORDER BY next_tracking_check_at
           LIMIT $1
           FOR UPDATE SKIP LOCKED)
         RETURNING shipment_id, carrier_shipment_id, trace_context`,
        [limit, leaseMs],
      ),
    );
    return rows.map((row) => ({
      shipmentId: row.shipment_id,
      carrierShipmentId: row.carrier_shipment_id,
      traceContext: row.trace_context,
    }));
  }
}
