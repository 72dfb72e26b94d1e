/**
 * The rows an UPDATE or DELETE ... RETURNING gave back. TypeORM's Postgres driver answers
 * those two commands with `[rows, rowCount]` instead of the rows alone.
 */
export function updatedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0])) {
    return result[0] as T[];
  }
  throw new Error('expected the [rows, rowCount] answer of an UPDATE or DELETE');
}
