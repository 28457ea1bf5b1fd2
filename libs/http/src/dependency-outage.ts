/**
 * How an error says that PostgreSQL or Redis is out of reach, as opposed to a
 * fault of the request or of the service:
 *
 * - `unreached`: the statement or command was never sent (no connection
 *   could be made or taken from the pool in time, the server refused it or is
 *   starting up, the client would not send on a broken connection). Nothing
 *   was done: any request may be repeated.
 * - `cut`: a connection was lost while in use. What was sent may have taken
 *   effect (a COMMIT cut before its answer): only a request that is safe to
 *   repeat may be told to repeat it.
 *
 * Recognised by what the drivers give: a socket error code, a PostgreSQL
 * SQLSTATE of a lost or refused connection, or one of the messages pg,
 * pg-pool and ioredis use (they carry no code). TypeORM's QueryFailedError
 * carries the driver's error as `driverError`; it and any `cause` are looked
 * through.
 */
export type DependencyOutage = 'unreached' | 'cut';

export function dependencyOutage(error: unknown): DependencyOutage | null {
  for (let e: unknown = error, depth = 0; isObject(e) && depth < 5; depth += 1) {
    const kind = outageByCode(e.code) ?? outageByMessage(e.message) ?? outageByName(e.name);
    if (kind) return kind;
    e = e.driverError ?? e.cause;
  }
  return null;
}

const OUTAGE_CODES: Record<string, DependencyOutage> = {
  // Connecting: nothing listens, the name does not resolve (a stopped container), no route.
  ECONNREFUSED: 'unreached',
  ENOTFOUND: 'unreached',
  EAI_AGAIN: 'unreached',
  EHOSTUNREACH: 'unreached',
  ENETUNREACH: 'unreached',
  // PostgreSQL refusing a new session: starting up or recovering, no slot left,
  // unable to establish, rejected.
  '57P03': 'unreached',
  '53300': 'unreached',
  '08001': 'unreached',
  '08004': 'unreached',
  // A connection lost in use.
  ECONNRESET: 'cut',
  EPIPE: 'cut',
  ETIMEDOUT: 'cut',
  '57P01': 'cut', // terminated by an administrator (a shutdown)
  '57P02': 'cut', // crash shutdown
  '08000': 'cut',
  '08003': 'cut',
  '08006': 'cut',
  '08007': 'cut', // transaction resolution unknown
  // Not 08P01 (protocol violation): PostgreSQL also answers it to a statement
  // given the wrong number of parameters, a bug of the service.
};

const OUTAGE_MESSAGES: [RegExp, DependencyOutage][] = [
  // pg-pool: no connection free within connectionTimeoutMillis (every one busy:
  // an overloaded service, which the client should also come back to later)
  [/^timeout exceeded when trying to connect$/, 'unreached'],
  // pg-pool: a new connection not made in time
  [/^Connection terminated due to connection timeout$/, 'unreached'],
  // pg: a query on a client whose connection already failed is not sent
  [/^Client has encountered a connection error and is not queryable$/, 'unreached'],
  // ioredis: a command not sent while disconnected
  [/^Stream isn't writeable and enableOfflineQueue options is false$/, 'unreached'],
  // pg: the connection ended under a query
  [/^Connection terminated/, 'cut'],
  // ioredis: the connection closed (a command may have been sent), or a
  // pipeline's commands aborted with it
  [/^Connection is closed\.$/, 'cut'],
  [/^Command aborted due to connection close$/, 'cut'],
];

const OUTAGE_NAMES: Record<string, DependencyOutage> = {
  // ioredis: a command given up after its reconnection attempts (it may have
  // been sent before the connection dropped)
  MaxRetriesPerRequestError: 'cut',
};

function outageByCode(code: unknown): DependencyOutage | undefined {
  return typeof code === 'string' && Object.hasOwn(OUTAGE_CODES, code)
    ? OUTAGE_CODES[code]
    : undefined;
}

function outageByMessage(message: unknown): DependencyOutage | undefined {
  if (typeof message !== 'string') return undefined;
  return OUTAGE_MESSAGES.find(([pattern]) => pattern.test(message))?.[1];
}

function outageByName(name: unknown): DependencyOutage | undefined {
  return typeof name === 'string' && Object.hasOwn(OUTAGE_NAMES, name)
    ? OUTAGE_NAMES[name]
    : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
