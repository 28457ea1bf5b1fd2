import type { Answer } from './http';

/** A stable error code: upper-case words joined by underscores (api.md "Errors"). */
export const STABLE_CODE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

/**
 * What is wrong with `answer` as a contract error (`{statusCode, error, code,
 * message, details}`), optionally of this status and code; empty when nothing is.
 * Returns problems rather than throwing, so one test can report every case at once.
 */
export function errorShapeProblems(answer: Answer, status?: number, code?: string): string[] {
  const problems: string[] = [];
  const body = answer.body as Record<string, unknown> | undefined;
  if (status !== undefined && answer.status !== status) {
    problems.push(`status ${answer.status}, expected ${status}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return [...problems, `body is not a JSON object: ${answer.text.slice(0, 120)}`];
  }
  const keys = Object.keys(body).sort().join(',');
  if (keys !== 'code,details,error,message,statusCode') problems.push(`body keys are ${keys}`);
  if (body.statusCode !== answer.status) problems.push(`statusCode ${String(body.statusCode)}`);
  if (typeof body.error !== 'string' || body.error === '') problems.push('error is not a name');
  if (typeof body.message !== 'string') problems.push('message is not a string');
  if (!Array.isArray(body.details)) problems.push('details is not an array');
  // A 422 "lists every broken rule with its code".
  else if (answer.status === 422 && body.details.length === 0) problems.push('a 422 lists no rule');
  if (typeof body.code !== 'string' || !STABLE_CODE.test(body.code) || body.code === 'ERROR') {
    problems.push(`code ${JSON.stringify(body.code)} is not a stable code`);
  } else if (code !== undefined && body.code !== code) {
    problems.push(`code ${body.code}, expected ${code}`);
  }
  return problems;
}

/**
 * What must never reach a client in an error: a stack trace, a source path,
 * SQL or PostgreSQL's own words, the ORM's or driver's error names.
 */
export const LEAK_PATTERNS: readonly [string, RegExp][] = [
  ['stack frame', /\bat [\w.<>$ ]+ \(?[^)\s]*:\d+:\d+\)?/],
  ['source path', /(\/work\/|\/home\/|node_modules|\/usr\/lib\/|[\w-]+\.(ts|js):\d+)/],
  ['SQL statement', /\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM)\b/i],
  [
    'PostgreSQL error text',
    /(duplicate key value|violates (unique|foreign key|check|not-null) constraint|invalid input syntax|relation "|syntax error at or near|invalid byte sequence|pg_)/i,
  ],
  ['driver or ORM error', /(QueryFailedError|TypeORM|EntityNotFound|ECONNREFUSED|ReplyError)/],
  ['JavaScript error name', /\b(TypeError|RangeError|ReferenceError|SyntaxError):/],
];

/** The names of the leak patterns found in `text`. */
export function leaksIn(text: string): string[] {
  return LEAK_PATTERNS.filter(([, pattern]) => pattern.test(text)).map(([name]) => name);
}

/** Counts occurrences of each key: the status and code distributions the tests print. */
export function tally<K extends string | number>(keys: K[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[String(key)] = (counts[String(key)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
