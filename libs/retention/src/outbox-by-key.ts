import { affectedRows, type SqlRunner } from './messaging-purge';

/**
 * One event a service's outbox holds about an aggregate (the message key is the aggregate's
 * id), as it was written: personal fields in the envelope are still sealed.
 */
export interface KeyedOutboxEvent {
  readonly eventId: string;
  readonly topic: string;
  readonly messageKey: string;
  readonly createdAt: Date;
  readonly publishedAt: Date | null;
  readonly envelope: { readonly payload: Record<string, unknown> };
}

interface OutboxRow {
  event_id: string;
  topic: string;
  message_key: string;
  value: Buffer;
  created_at: Date;
  published_at: Date | null;
}

/**
 * The outbox events about the given aggregates, in the order they were written: what a
 * subject-access answer lists as the events a service published (or is about to) about the
 * customer's orders. Every service's outbox has the same table (libs/messaging's migration),
 * so the query is the same everywhere; only what a service makes of the envelope differs.
 */
export async function outboxEventsByKey(
  db: SqlRunner,
  keys: readonly string[],
): Promise<KeyedOutboxEvent[]> {
  if (keys.length === 0) return [];
  const rows = (await db.query(
    `SELECT event_id, topic, message_key, value, created_at, published_at FROM outbox
     WHERE message_key = ANY($1::text[]) ORDER BY id`,
    [keys],
  )) as OutboxRow[];
  return rows.map((row) => ({
    eventId: row.event_id,
    topic: row.topic,
    messageKey: row.message_key,
    createdAt: row.created_at,
    publishedAt: row.published_at,
    envelope: JSON.parse(row.value.toString('utf8')) as KeyedOutboxEvent['envelope'],
  }));
}

/**
 * Erasure's share of the outbox: deletes the published events about the given aggregates.
 * Unpublished ones stay: their state change committed and downstream services must still hear
 * of it; their sealed fields are unreadable already (the keys are destroyed).
 */
export async function deletePublishedOutboxByKey(
  db: SqlRunner,
  keys: readonly string[],
): Promise<number> {
  return affectedRows(
    await db.query(
      `DELETE FROM outbox WHERE message_key = ANY($1::text[]) AND published_at IS NOT NULL`,
      [keys],
    ),
  );
}
