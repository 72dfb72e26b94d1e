import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { OrderStatus } from '../orders/domain/order-status';
import { checkoutMetrics } from './checkout.metrics';

/**
 * Observes how long an order took to reach a stage, from the times the events carry (when the
 * payment was confirmed, when the parcel was dispatched), so a slow consumer does not distort
 * it. Called in the handler's transaction once the read model applied the change; a transaction
 * that then fails to commit is retried and observed again, which is rare enough to accept.
 */
@Injectable()
export class OrderStageRecorder {
  async reached(tx: EntityManager, orderId: string, stage: OrderStatus, at: Date): Promise<void> {
    const rows: { placed_at: Date }[] = await tx.query(
      'SELECT placed_at FROM orders WHERE order_id = $1',
      [orderId],
    );
    const placedAt = rows[0]?.placed_at;
    if (placedAt === undefined) return;
    checkoutMetrics.timeToStage.observe(
      { stage },
      Math.max(0, (at.getTime() - placedAt.getTime()) / 1000),
    );
  }
}
