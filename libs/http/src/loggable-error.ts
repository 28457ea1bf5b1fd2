/** What of an unexpected error may be written to the log. */
export interface LoggableError {
  type: string;
  message: string;
  /** SQLSTATE for a database error, Node's code for a system error. */
  code?: string;
  stack?: string;
}

/**
 * SQLSTATE class 22 (data exception): PostgreSQL quotes the offending input in
 * the message (`invalid input syntax for type uuid: "…"`), and that input is
 * whatever the client sent, an ID number as likely as anything.
 */
const QUOTES_INPUT = /^22/;

/**
 * The error as the log may keep it: its class, message, code and stack frames,
 * nothing else. Logging the error object itself would write every enumerable
 * property, and TypeORM's QueryFailedError carries the statement's `parameters`
 * and the driver's error with its `detail` (`Key (id_number)=(…) already
 * exists`): personal data, straight from the request.
 */
export function loggableError(error: unknown): LoggableError {
  if (!(error instanceof Error)) return { type: typeof error, message: 'a thrown non-error' };
  const code = codeOf(error);
  const message =
    code && QUOTES_INPUT.test(code)
      ? error.message.replace(/"[^"]*"/g, '"[redacted]"')
      : error.message;
  const type = error.constructor.name || error.name;
  // The stack's first line repeats the message: only the frames are kept.
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return {
    type,
    message,
    ...(code ? { code } : {}),
    stack: [`${type}: ${message}`, ...frames].join('\n'),
  };
}

/** `Type: message` of loggableError, for the one-line warnings of the workers. */
export function loggableMessage(error: unknown): string {
  const { type, message, code } = loggableError(error);
  return `${type}${code ? ` ${code}` : ''}: ${message}`;
}

function codeOf(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.length <= 32 ? code : undefined;
}
