import type { Pool } from 'pg';

/**
 * When each benchmark order reached each stage, as the services themselves recorded it (read
 * with the admin connection, straight from each service's schema; a benchmark may, a service
 * may not):
 * - accepted: checkout's `orders.placed_at`;
 * - paid: payment's `card_token_keys.outcome_at` (the confirmed outcome, written in the
 *   transaction that publishes payment.payment.confirmed.v1);
 * - token destroyed: `card_token_keys.destroyed_at` (the key service answered the destruction);
 * - handed over: fulfilment's `shipments.handed_over_at` (the carrier accepted the shipment).
 * Times are milliseconds since the epoch on the database's clock, which is this machine's.
 */
export interface OrderStages {
  readonly acceptedAt: number;
  paidAt?: number;
  tokenDestroyedAt?: number;
  handedOverAt?: number;
  paymentFailed?: boolean;
}

const CHUNK = 10_000;

export async function readStages(
  pool: Pool,
  orderIds: readonly string[],
): Promise<Map<string, OrderStages>> {
  const stages = new Map<string, OrderStages>();
  for (let i = 0; i < orderIds.length; i += CHUNK) {
    const ids = orderIds.slice(i, i + CHUNK);
    const [accepted, paid, handed] = await Promise.all([
      pool.query<{ order_id: string; at: string }>(
        `SELECT order_id, (extract(epoch FROM placed_at) * 1000)::float8 AS at
         FROM checkout.orders WHERE order_id = ANY($1::uuid[])`,
        [ids],
      ),
      pool.query<{
        order_id: string;
        trigger: string | null;
        paid: string | null;
        destroyed: string | null;
      }>(
        `SELECT order_id, trigger,
                (extract(epoch FROM outcome_at) * 1000)::float8 AS paid,
                (extract(epoch FROM destroyed_at) * 1000)::float8 AS destroyed
         FROM payment.card_token_keys WHERE order_id = ANY($1::uuid[])`,
        [ids],
      ),
      pool.query<{ order_id: string; at: string }>(
        `SELECT order_id, (extract(epoch FROM handed_over_at) * 1000)::float8 AS at
         FROM fulfilment.shipments
         WHERE order_id = ANY($1::uuid[]) AND handed_over_at IS NOT NULL`,
        [ids],
      ),
    ]);
    for (const row of accepted.rows) stages.set(row.order_id, { acceptedAt: Number(row.at) });
    for (const row of paid.rows) {
      const order = stages.get(row.order_id);
      if (!order) continue;
      if (row.trigger === 'confirmed' && row.paid !== null) order.paidAt = Number(row.paid);
      if (row.trigger === 'failed') order.paymentFailed = true;
      if (row.destroyed !== null) order.tokenDestroyedAt = Number(row.destroyed);
    }
    for (const row of handed.rows) {
      const order = stages.get(row.order_id);
      if (order) order.handedOverAt = Number(row.at);
    }
  }
  return stages;
}

/** Orders of `orderIds` not yet handed over (or failed): what the pipeline still owes. */
export async function countUnfinished(pool: Pool, orderIds: readonly string[]): Promise<number> {
  let unfinished = 0;
  for (let i = 0; i < orderIds.length; i += CHUNK) {
    const ids = orderIds.slice(i, i + CHUNK);
    const { rows } = await pool.query<{ done: string }>(
      `SELECT (SELECT count(*) FROM fulfilment.shipments
                WHERE order_id = ANY($1::uuid[]) AND handed_over_at IS NOT NULL)
            + (SELECT count(*) FROM payment.card_token_keys
                WHERE order_id = ANY($1::uuid[]) AND trigger = 'failed') AS done`,
      [ids],
    );
    unfinished += ids.length - Number(rows[0]?.done ?? 0);
  }
  return unfinished;
}

/** Unpublished outbox rows per service schema. */
export async function outboxBacklog(pool: Pool): Promise<Record<string, number>> {
  const backlog: Record<string, number> = {};
  for (const schema of ['checkout', 'payment', 'fulfilment', 'privacy']) {
    const { rows } = await pool
      .query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.outbox WHERE published_at IS NULL`)
      .catch(() => ({ rows: [] as { n: string }[] }));
    if (rows[0]) backlog[schema] = Number(rows[0].n);
  }
  return backlog;
}
