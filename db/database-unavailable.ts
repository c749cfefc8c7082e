/**
 * Tells "the database is not serving right now" (down, restarting, unreachable, too slow) from
 * every other database error (a bug, a constraint, bad data): the first is worth a "try again in
 * a minute", the second is not. Socket errors are not specific to Postgres, so an unreachable
 * service called along the way counts too, which is the right answer for that decision.
 */

// Socket errors of a server that is gone or unreachable.
const networkErrorCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// SQLSTATE: 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up or
// shutting down), 57014 query_canceled (statement_timeout), 53300 too_many_connections.
const unavailableSqlStates = new Set(['57P01', '57P02', '57P03', '57014', '53300']);
// pg reports these without a code ('timeout expired': connectionTimeoutMillis); knex prefixes a
// failed query's message with its SQL and ' - ', and names its pool timeout.
const unavailableMessages = [
  /(?:^| - )timeout expired$/,
  /(?:^| - )Connection terminated( unexpectedly| due to connection timeout)?$/,
  /(?:^| - )Client has encountered a connection error and is not queryable$/,
  /(?:^| - )Connection ended unexpectedly$/,
];
const MAX_CAUSE_DEPTH = 5;

/** Thrown where our own code knows the connection failed but the driver's error does not say so. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

function isUnavailableError(error: { code?: unknown; name?: unknown; message?: unknown }): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const code = typeof error.code === 'string' ? error.code : '';
  if (networkErrorCodes.has(code) || unavailableSqlStates.has(code) || code.startsWith('08')) return true; // class 08: connection exception
  if (error.name === 'KnexTimeoutError') return true;
  const message = typeof error.message === 'string' ? error.message : '';
  return unavailableMessages.some((pattern) => pattern.test(message));
}

export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && typeof current === 'object' && current !== null; depth++) {
    if (isUnavailableError(current)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
