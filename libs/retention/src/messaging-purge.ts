/** Anything that runs SQL: a TypeORM DataSource or EntityManager. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * The number of rows a DELETE or UPDATE touched. TypeORM's Postgres driver answers those
 * commands with `[rows, rowCount]`.
 */
export function affectedRows(result: unknown): number {
  if (Array.isArray(result) && result.length === 2 && typeof result[1] === 'number') {
    return result[1];
  }
  throw new Error('expected the [rows, rowCount] answer of an UPDATE or DELETE');
}

/**
 * The rows a DELETE or UPDATE ... RETURNING gave back. The same `[rows, rowCount]` answer as
 * above: typing the answer of such a query as the rows themselves reads the pair as two
 * "rows" of undefined fields, which is how privacy's directory purge once deleted nothing.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0])) {
    return result[0] as T[];
  }
  throw new Error('expected the [rows, rowCount] answer of an UPDATE or DELETE');
}

/**
 * Deletes outbox rows Kafka acknowledged before `cutoff`. Unpublished rows are never touched,
 * whatever their age: deleting one would lose an event whose state change committed.
 */
export async function purgePublishedOutbox(db: SqlRunner, cutoff: Date): Promise<number> {
  return affectedRows(
    await db.query(`DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < $1`, [
      cutoff,
    ]),
  );
}

/**
 * Deletes inbox rows of events processed before `cutoff`. The inbox is what makes a redelivered
 * event a no-op, so the period must outlast the longest a topic keeps an event (the schedule's
 * check in libs/retention compares them).
 */
export async function purgeProcessedInbox(db: SqlRunner, cutoff: Date): Promise<number> {
  return affectedRows(await db.query(`DELETE FROM inbox WHERE processed_at < $1`, [cutoff]));
}
