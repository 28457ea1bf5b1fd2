/**
 * Whether an error says that PostgreSQL or Redis cannot be reached (down,
 * restarting, refusing connections, a connection cut mid-request, no
 * connection free in the pool in time), as opposed
 * to a fault of the request or of the service. Such a request is answered 503
 * SERVICE_UNAVAILABLE, as health answers then: nothing was done that the
 * client cannot repeat (a command's transaction is rolled back with its
 * connection, and a retry with the same Idempotency-Key answers the recorded
 * outcome if it was applied after all).
 *
 * The causes are recognised by what the drivers give: a socket error code, a
 * PostgreSQL SQLSTATE of the connection classes, or one of the messages pg,
 * pg-pool and ioredis use for a lost or unobtainable connection. TypeORM's
 * QueryFailedError carries the driver's error as `driverError`; both it and
 * any `cause` are looked through.
 */
export function isDependencyOutage(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; isObject(e) && depth < 5; depth += 1) {
    if (outageCode(e.code) || outageMessage(e.message) || e.name === 'MaxRetriesPerRequestError') {
      return true;
    }
    e = e.driverError ?? e.cause;
  }
  return false;
}

/** Connecting or writing to a server that is not there, or that went away. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL: class 08 (connection exception), the server shutting down or
 * starting up (57P01–57P03), no connection slot left (53300).
 */
const POSTGRES_STATES = new Set(['57P01', '57P02', '57P03', '53300']);

function outageCode(code: unknown): boolean {
  if (typeof code !== 'string') return false;
  return SOCKET_CODES.has(code) || POSTGRES_STATES.has(code) || /^08[0-9A-Z]{3}$/.test(code);
}

/** The drivers' own words for a connection lost or never obtained (they carry no code). */
const OUTAGE_MESSAGES = [
  // pg, a connection cut by the server or the network, or not made in time
  /^Connection terminated/,
  /^Client has encountered a connection error and is not queryable$/,
  // pg-pool, no connection free within connectionTimeoutMillis: every one busy
  // (an overloaded service, which the client should also come back to later)
  /^timeout exceeded when trying to connect$/,
  // ioredis, a command on a connection that is closed or cannot be written
  /^Connection is closed\.$/,
  /^Stream isn't writeable and enableOfflineQueue options is false$/,
];

function outageMessage(message: unknown): boolean {
  return typeof message === 'string' && OUTAGE_MESSAGES.some((m) => m.test(message));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
