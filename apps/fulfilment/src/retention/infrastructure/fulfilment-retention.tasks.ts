import type { DataSource } from 'typeorm';
import {
  affectedRows,
  purgeProcessedInbox,
  purgePublishedOutbox,
  type RetentionTask,
} from '#lumen/retention';

/**
 * Fulfilment's share of deploy/retention-schedule.json, one task per category it is named in.
 * Each statement is idempotent, so replicas running the same day do no harm.
 */
export function fulfilmentRetentionTasks(db: DataSource): RetentionTask[] {
  return [
    {
      // An order is over for fulfilment when its shipment was delivered or failed, or its
      // payment failed; the period runs from that moment.
      category: 'order-personal-data',
      apply: async (cutoff, now) =>
        affectedRows(
          await db.query(
            `UPDATE order_intake i SET customer_id = NULL, customer_unlinked_at = $2,
                    customer_unlinked_by = 'retention'
             WHERE i.customer_id IS NOT NULL AND (
               i.payment_failed_at < $1
               OR EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = i.order_id
                            AND coalesce(s.delivered_at, s.failed_at) < $1))`,
            [cutoff, now],
          ),
        ),
    },
    { category: 'outbox-published', apply: (cutoff) => purgePublishedOutbox(db, cutoff) },
    { category: 'inbox-processed', apply: (cutoff) => purgeProcessedInbox(db, cutoff) },
  ];
}
