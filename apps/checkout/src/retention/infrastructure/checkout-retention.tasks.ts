import type { DataSource } from 'typeorm';
import {
  affectedRows,
  purgeProcessedInbox,
  purgePublishedOutbox,
  type RetentionTask,
} from '#lumen/retention';

const ENDED = `('payment_failed', 'delivered', 'cancelled')`;

/**
 * Checkout's share of deploy/retention-schedule.json, one task per category it is named in.
 * Each statement is idempotent, so replicas running the same day do no harm.
 */
export function checkoutRetentionTasks(db: DataSource): RetentionTask[] {
  return [
    {
      // An order's last change is the one that ended it: `updated_at` is when it closed.
      category: 'order-personal-data',
      apply: async (cutoff, now) =>
        affectedRows(
          await db.query(
            `UPDATE orders SET customer_name = NULL, customer_email = NULL, customer_phone = NULL,
                    delivery_address = NULL, personal_data_removed_at = $2,
                    personal_data_removed_by = 'retention', revision = revision + 1
             WHERE personal_data_removed_at IS NULL AND status IN ${ENDED} AND updated_at < $1`,
            [cutoff, now],
          ),
        ),
    },
    {
      category: 'idempotency-records',
      apply: async (cutoff) =>
        affectedRows(
          await db.query(`DELETE FROM idempotency_keys WHERE created_at < $1`, [cutoff]),
        ),
    },
    {
      // Ended orders placed before the cutoff go with their items and history (cascade); then
      // the customers no order refers to any more.
      category: 'accounting-records',
      apply: (cutoff) =>
        db.transaction(async (tx) => {
          await tx.query(
            `DELETE FROM idempotency_keys k USING orders o
             WHERE k.order_id = o.order_id AND o.placed_at < $1 AND o.status IN ${ENDED}`,
            [cutoff],
          );
          const orders = affectedRows(
            await tx.query(`DELETE FROM orders WHERE placed_at < $1 AND status IN ${ENDED}`, [
              cutoff,
            ]),
          );
          await tx.query(
            `DELETE FROM customers c WHERE c.created_at < $1
               AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.customer_id)`,
            [cutoff],
          );
          return orders;
        }),
    },
    { category: 'outbox-published', apply: (cutoff) => purgePublishedOutbox(db, cutoff) },
    { category: 'inbox-processed', apply: (cutoff) => purgeProcessedInbox(db, cutoff) },
  ];
}
