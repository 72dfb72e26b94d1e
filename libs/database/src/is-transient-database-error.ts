/**
 * True when an error means "the database is unreachable right now" rather than "this
 * operation is wrong": lost connections, a server shutting down or starting up, too many
 * connections, serialisation conflicts. Such work is retried without limit instead of being
 * dead-lettered, so restarting PostgreSQL never sends good events to a dead-letter topic.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    // Class 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot
    // connect now; 53300: too many connections; 40001/40P01: serialisation and deadlock.
    if (/^08/.test(code) || /^57P0[123]$/.test(code)) return true;
    if (code === '53300' || code === '40001' || code === '40P01') return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND'].includes(code))
      return true;
  }
  const driverError = (error as { driverError?: unknown }).driverError;
  if (driverError && driverError !== error) return isTransientDatabaseError(driverError);
  return /Connection terminated|connection timeout|Client has encountered a connection error|terminating connection/i.test(
    error.message,
  );
}
