import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PaymentFailureReason, PaymentRefundKind } from '#lumen/contracts';
import { PaymentRepository } from '../application/payment.repository';
import { Payment, type PaymentStatus } from '../domain/payment';

interface PaymentRow {
  order_id: string;
  gateway_reference: string | null;
  amount_minor: string;
  currency: string;
  status: PaymentStatus;
  reason_code: PaymentFailureReason | null;
  refund_kind: PaymentRefundKind | null;
  refund_reason_code: string | null;
  refunded_at: Date | null;
}

@Injectable()
export class TypeOrmPaymentRepository extends PaymentRepository {
  override async findForUpdate(tx: EntityManager, orderId: string): Promise<Payment | undefined> {
    const rows: PaymentRow[] = await tx.query(
      `SELECT order_id, gateway_reference, amount_minor, currency, status, reason_code,
              refund_kind, refund_reason_code, refunded_at
       FROM payments WHERE order_id = $1 FOR UPDATE`,
      [orderId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return Payment.restore({
      orderId: row.order_id,
      gatewayReference: row.gateway_reference,
      amountMinor: Number(row.amount_minor),
      currency: row.currency,
      status: row.status,
      reasonCode: row.reason_code,
      refund:
        row.refund_kind !== null && row.refund_reason_code !== null && row.refunded_at !== null
          ? { kind: row.refund_kind, reasonCode: row.refund_reason_code, at: row.refunded_at }
          : null,
    });
  }

  override async insert(tx: EntityManager, payment: Payment): Promise<void> {
    const p = payment.snapshot;
    await tx.query(
      `INSERT INTO payments (order_id, gateway_reference, amount_minor, currency, status, reason_code)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [p.orderId, p.gatewayReference, p.amountMinor, p.currency, p.status, p.reasonCode],
    );
  }

  override async save(tx: EntityManager, payment: Payment): Promise<void> {
    const p = payment.snapshot;
    await tx.query(
      `UPDATE payments SET gateway_reference = $2, status = $3, reason_code = $4,
         refund_kind = $5, refund_reason_code = $6, refunded_at = $7, updated_at = now()
       WHERE order_id = $1`,
      [
        p.orderId,
        p.gatewayReference,
        p.status,
        p.reasonCode,
        p.refund?.kind ?? null,
        p.refund?.reasonCode ?? null,
        p.refund?.at ?? null,
      ],
    );
  }
}
