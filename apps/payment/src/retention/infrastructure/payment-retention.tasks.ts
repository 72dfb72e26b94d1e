import type { DataSource } from 'typeorm';
import {
  affectedRows,
  purgeProcessedInbox,
  purgePublishedOutbox,
  type RetentionTask,
} from '#lumen/retention';

const ENDED = `('confirmed', 'failed', 'refunded')`;

/**
 * Payment's share of deploy/retention-schedule.json, one task per category it is named in.
 * Each statement is idempotent, so replicas running the same day do no harm.
 */
export function paymentRetentionTasks(db: DataSource): RetentionTask[] {
  return [
    {
      // A payment's last change is the one that settled it: `updated_at` is when it ended.
      category: 'order-personal-data',
      apply: async (cutoff, now) =>
        affectedRows(
          await db.query(
            `UPDATE payments SET customer_id = NULL, customer_unlinked_at = $2,
                    customer_unlinked_by = 'retention'
             WHERE customer_id IS NOT NULL AND status IN ${ENDED} AND updated_at < $1`,
            [cutoff, now],
          ),
        ),
    },
    {
      category: 'accounting-records',
      apply: (cutoff) =>
        db.transaction(async (tx) => {
          const payments = affectedRows(
            await tx.query(`DELETE FROM payments WHERE created_at < $1 AND status IN ${ENDED}`, [
              cutoff,
            ]),
          );
          await tx.query(
            `DELETE FROM card_token_keys WHERE placed_at < $1 AND destroyed_at IS NOT NULL`,
            [cutoff],
          );
          await tx.query(`DELETE FROM gateway_notifications WHERE received_at < $1`, [cutoff]);
          return payments;
        }),
    },
    { category: 'outbox-published', apply: (cutoff) => purgePublishedOutbox(db, cutoff) },
    { category: 'inbox-processed', apply: (cutoff) => purgeProcessedInbox(db, cutoff) },
  ];
}
