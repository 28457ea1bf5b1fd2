/**
 * Whether an error says that PostgreSQL or Redis is out of reach (down,
 * restarting, refusing connections, a connection lost in use, no connection
 * free in the pool in time), as opposed to a fault of the request or of the
 * service. Whether the request may then be repeated is the caller's question:
 * a connection cut under a COMMIT, or a read that failed after a write
 * committed, leaves the outcome unknown (see AllExceptionsFilter).
 *
 * Recognised by what the drivers give: a socket error code, a PostgreSQL
 * SQLSTATE of a lost or refused connection, or one of the messages pg,
 * pg-pool and ioredis use (they carry no code). TypeORM's QueryFailedError
 * carries the driver's error as `driverError`; it and any `cause` are looked
 * through.
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

const OUTAGE_CODES = new Set([
  // Sockets: nothing listens, the name does not resolve (a stopped container),
  // no route, the connection reset or timed out in use.
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  // PostgreSQL: a session ended by a shutdown or a crash (57P01, 57P02),
  // refused while starting up or recovering (57P03), no slot left (53300), and
  // the connection exceptions of class 08 that are about the connection. Not
  // 08P01 (protocol violation): PostgreSQL also answers it to a statement
  // given the wrong number of parameters, a bug of the service.
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '08007',
]);

/** The drivers' own words for a connection lost or never obtained (they carry no code). */
const OUTAGE_MESSAGES = [
  // pg: the connection ended under a query, or was not made in time (through the pool)
  /^Connection terminated/,
  // pg: a query on a client whose connection already failed
  /^Client has encountered a connection error and is not queryable$/,
  // pg-pool: no connection free within connectionTimeoutMillis, every one busy
  // (an overloaded service, which the client should also come back to later)
  /^timeout exceeded when trying to connect$/,
  // ioredis: a command on a connection that is closed or cannot be written,
  // or a pipeline's commands aborted when the connection closed
  /^Connection is closed\.$/,
  /^Stream isn't writeable and enableOfflineQueue options is false$/,
  /^Command aborted due to connection close$/,
];

function outageCode(code: unknown): boolean {
  return typeof code === 'string' && OUTAGE_CODES.has(code);
}

function outageMessage(message: unknown): boolean {
  return typeof message === 'string' && OUTAGE_MESSAGES.some((m) => m.test(message));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
