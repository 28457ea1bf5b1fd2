import { Query, QueryResult } from 'pg';

/**
 * A transaction's BEGIN sent with its first statement, in one message train
 * to the server, instead of on a round trip of its own.
 *
 * Why: TypeORM opens a transaction with `START TRANSACTION` and waits for its
 * answer before it sends the first statement. On a busy two-core machine a
 * round trip costs both processes a wake-up and a read (the transition's five
 * round trips cost more CPU than much of their work; docs/performance.md,
 * "BEGIN with the first statement"). PostgreSQL takes the transaction's
 * snapshot at its first statement, not at BEGIN, so sending the two together
 * changes nothing of what the transaction sees.
 *
 * How: the client answers `START TRANSACTION` at once without sending it, and
 * remembers it owes one. The next parameterised statement goes out as a
 * `BeginThen` query (BEGIN's parse, bind and execute, then the statement's, one
 * Sync: a single write and a single answer); a statement without parameters
 * (simple protocol, which cannot share a Sync) is sent after a BEGIN queued
 * just ahead of it. A COMMIT or ROLLBACK with nothing sent since ends nothing on
 * the server and is answered at once too.
 */

/** How TypeORM opens a transaction (PostgresQueryRunner.startTransaction), and psql's word for it. */
const OPENING = new Set(['START TRANSACTION', 'BEGIN']);
const CLOSING = new Set(['COMMIT', 'ROLLBACK']);

export function opensTransaction(text: unknown, values: unknown): boolean {
  return typeof text === 'string' && OPENING.has(text) && !hasValues(values);
}

export function closesTransaction(text: unknown, values: unknown): text is string {
  return typeof text === 'string' && CLOSING.has(text) && !hasValues(values);
}

export function hasValues(values: unknown): values is unknown[] {
  return Array.isArray(values) && values.length > 0;
}

/** What pg answers for transaction control, for a statement the server never saw. */
export function unsentResult(command: string): QueryResult {
  return { command, rowCount: null, oid: 0, rows: [], fields: [] };
}

/** The parts of pg's Connection a query writes its messages with. */
interface Connection {
  parse(message: { text: string; name?: string; types?: unknown }): void;
  bind(message: Record<string, never>): void;
  execute(message: Record<string, never>): void;
  submittedNamedStatements: Record<string, string>;
}

/** pg's Query with the members it keeps out of its typings. */
interface QueryInternals {
  name?: string;
  text: string;
  types?: unknown;
  hasBeenParsed(connection: Connection): boolean;
  prepare(connection: Connection): void;
  handleCommandComplete(message: unknown, connection: Connection): void;
}

type Callback = (error: Error | null, result: QueryResult) => void;
interface QueryConfig {
  text: string;
  name?: string;
  values: unknown[];
  callback: Callback;
}

const PgQuery = Query as unknown as new (config: QueryConfig) => QueryInternals;

/**
 * A parameterised statement with BEGIN ahead of it, in one Sync. The answer is
 * the statement's: BEGIN's own completion is passed over.
 *
 * A named statement not yet prepared on the connection is parsed first, ahead
 * of BEGIN: pg books a statement as prepared at the first ParseComplete of
 * the query carrying its name, which must then be its own (were BEGIN's parse
 * first and the statement's to fail, pg would skip its parse from then on).
 */
class BeginThen extends PgQuery {
  /** Read by the bench's probe (bench/lib/probe.mjs), which times statements by transaction. */
  readonly beginsTransaction = true;
  private beginAnswered = false;

  override prepare(connection: Connection): void {
    if (this.name && !this.hasBeenParsed(connection)) {
      connection.parse({ text: this.text, name: this.name, types: this.types });
      connection.submittedNamedStatements[this.name] = this.text;
    }
    connection.parse({ text: 'BEGIN' });
    connection.bind({});
    connection.execute({});
    super.prepare(connection);
  }

  override handleCommandComplete(message: unknown, connection: Connection): void {
    if (!this.beginAnswered) {
      this.beginAnswered = true;
      return;
    }
    super.handleCommandComplete(message, connection);
  }
}

/** The query to hand pg's `Client.query` for `statement` with BEGIN ahead of it, and its answer. */
export function beginThen(statement: { text: string; name?: string; values: unknown[] }): {
  query: unknown;
  answer: Promise<QueryResult>;
} {
  let callback!: Callback;
  const answer = new Promise<QueryResult>((resolve, reject) => {
    callback = (error, result) => (error ? reject(error) : resolve(result));
  });
  return { query: new BeginThen({ ...statement, callback }), answer };
}
