import pino, { DestinationStream } from 'pino';

/**
 * Keys of personal data and secrets, and those that carry a request's data
 * inside a database error (TypeORM's `parameters` and `driverError`, and the
 * driver's `detail`: `Key (id_number)=(…)`). Errors are logged through
 * loggableError, which leaves them out; this is the net behind it.
 */
export const REDACTED_KEYS = [
  'password',
  'passwordHash',
  'idNumber',
  'ownerIdNumber',
  'memberIdNumber',
  'annualIncome',
  'accessToken',
  'authorization',
  'cookie',
  'parameters',
  'driverError',
  'detail',
] as const;

export const CENSOR = '[redacted]';

const REDACTED = new Set<string>(REDACTED_KEYS);
/** Any of the keys as a JSON key. An escaped one inside a string (`\"idNumber\":`) does not match. */
const REDACTED_KEY_IN_LINE = new RegExp(`"(?:${REDACTED_KEYS.join('|')})":`);

/**
 * A log line as it may leave the process: nearly every line holds none of the
 * keys and passes unchanged after one regular-expression test; a line that
 * holds any is parsed, and each such key's value, at any depth, is replaced.
 * (pino's own `redact` walked 60 wildcard paths, five levels deep only, on
 * every line: about 80 µs a request, 5 % of the API's CPU for a GET.)
 */
export function redactLine(line: string): string {
  if (!REDACTED_KEY_IN_LINE.test(line)) return line;
  try {
    return `${JSON.stringify(redactValue(JSON.parse(line)))}\n`;
  } catch {
    // Not JSON: it cannot be redacted, so it is not written.
    return `${JSON.stringify({ level: 40, time: Date.now(), msg: 'a log line that could not be redacted was dropped' })}\n`;
  }
}

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    copy[key] = REDACTED.has(key) ? CENSOR : redactValue(inner);
  }
  return copy;
}

/** What pino calls on its destination besides `write` (SonicBoom has them all). */
interface Flushable extends DestinationStream {
  flush?(cb?: (err?: Error) => void): void;
  flushSync?(): void;
  end?(): void;
}

/**
 * Standard output, written asynchronously in writes of at least 4 KiB or
 * every second: a line a request written on its own cost the API ~9 % of its
 * CPU per decision (one write call per line). pino writes the rest out at the
 * process's 'exit'; a shutdown by signal has none (Nest ends it by the signal
 * again), so LoggingModule calls `writeThrough` when it begins. A hard crash
 * may lose the last second of lines: the record of what happened is the
 * database's (history, audit log), not the log.
 */
const bufferedStdout = (): Flushable =>
  pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 1000 });

export interface LogDestination extends Required<Flushable> {
  /** Writes out what is buffered, and from now on every line at once (the process is ending). */
  writeThrough(): void;
}

/**
 * A destination (by default `bufferedStdout`) behind `redactLine`; `flush`,
 * `flushSync` and `end` reach it, so `logger.flush()` and a fatal log's
 * synchronous flush still work.
 */
export function redactingDestination(destination: Flushable = bufferedStdout()): LogDestination {
  let through = false;
  const flushSync = () => destination.flushSync?.();
  return {
    write: (line: string) => {
      destination.write(redactLine(line));
      if (through) flushSync();
    },
    flush: (cb) => (destination.flush ? destination.flush(cb) : cb?.()),
    flushSync,
    end: () => destination.end?.(),
    writeThrough: () => {
      through = true;
      flushSync();
    },
  };
}
