import { Query, QueryResult } from 'pg';
import { SWITCH_TO_GENERIC_PLANS } from './transaction-plans';

/**
 * Statements sent with their transaction's control in one message train to
 * the server (one Sync: one write, one answer) instead of each on a round
 * trip of its own. NamedStatementClient sends them.
 *
 * BEGIN with the first statement (`beginThen`): TypeORM opens a transaction
 * with `START TRANSACTION` and waits for its answer before it sends anything
 * else. A round trip costs both processes a wake-up, about 0.045 ms of CPU on
 * this project's machine (docs/performance.md, "Round trips"). PostgreSQL
 * takes a transaction's snapshot at its first statement, not at BEGIN, so
 * sending the two together changes nothing of what the transaction sees. The
 * client answers `START TRANSACTION` at once without sending it and remembers
 * it owes one. The next parameterised statement goes out as BEGIN's parse,
 * bind and execute followed by its own; a statement without parameters
 * (simple protocol, which cannot share a Sync) is sent after a BEGIN queued
 * just ahead of it. A COMMIT or ROLLBACK with nothing sent since ends nothing
 * on the server and is answered at once too.
 *
 * COMMIT with the last statement (`thenCommit`): see ThenCommit.
 *
 * The switch to generic plans with a statement outside a transaction
 * (`genericPlanThen`): see there.
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
  execute(message: { portal?: string; rows?: number }): void;
  sync(): void;
  submittedNamedStatements: Record<string, string>;
}

/** pg's Query with the members it keeps out of its typings. */
interface QueryInternals {
  name?: string;
  text: string;
  types?: unknown;
  portal: string;
  _getRows(connection: Connection, rows?: number): void;
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
 * A parameterised statement with parameterless statements ahead of it, in one
 * Sync. The answer is the statement's: the completions of those ahead are
 * passed over. Those ahead must return no rows: they are not described, and
 * a row of theirs would be taken for one of the statement's.
 *
 * A named statement not yet prepared on the connection is parsed first, ahead
 * of them: pg books a statement as prepared at the first ParseComplete of the
 * query carrying its name, which must then be its own (were an unnamed parse
 * ahead of it first and the statement's to fail, pg would skip its parse from
 * then on).
 */
class AheadThen extends PgQuery {
  /** How many of the statements ahead have completed. */
  protected aheadAnswered = 0;

  constructor(
    config: QueryConfig,
    private readonly ahead: readonly string[],
  ) {
    super(config);
  }

  override prepare(connection: Connection): void {
    if (this.name && !this.hasBeenParsed(connection)) {
      connection.parse({ text: this.text, name: this.name, types: this.types });
      connection.submittedNamedStatements[this.name] = this.text;
    }
    for (const text of this.ahead) {
      connection.parse({ text });
      connection.bind({});
      connection.execute({});
    }
    super.prepare(connection);
  }

  override handleCommandComplete(message: unknown, connection: Connection): void {
    if (this.aheadAnswered < this.ahead.length) {
      this.aheadAnswered += 1;
      return;
    }
    super.handleCommandComplete(message, connection);
  }
}

/** A parameterised statement with BEGIN ahead of it, in one Sync. */
class BeginThen extends AheadThen {
  /** Read by the bench's probe (bench/lib/probe.mjs), which times statements by transaction. */
  readonly beginsTransaction = true;

  constructor(config: QueryConfig) {
    super(config, ['BEGIN']);
  }

  /** Whether BEGIN ran: a failure before it (the statement's parse) leaves no transaction open. */
  get beginAnswered(): boolean {
    return this.aheadAnswered > 0;
  }
}

/** The query to hand pg's `Client.query` for `statement` with BEGIN ahead of it, and its answer. */
export function beginThen(statement: Omit<QueryConfig, 'callback'>): Answered {
  return answered((callback) => new BeginThen({ ...statement, callback }));
}

/**
 * Switches the rest of the implicit transaction to generic plans: a query
 * that returns no row (so its completion is all there is to pass over) and
 * sets `plan_cache_mode` locally, which `SET LOCAL` outside a transaction
 * block would do too, with a warning in the server's log each time.
 */
const GENERIC_PLANS_UNTIL_SYNC = `SELECT WHERE ${SWITCH_TO_GENERIC_PLANS} IS NULL`;

/**
 * A named statement run on its generic plan, outside a transaction
 * (`onGenericPlan`): the switch to generic plans goes ahead of it in the same
 * Sync. Until that Sync, the two run in one implicit transaction (the
 * protocol's "pipeline"), so the switch, made for the current transaction,
 * holds for the statement and ends with it, whether it succeeds or fails:
 * the connection's next statement is planned as the session says again.
 */
export function genericPlanThen(statement: Omit<QueryConfig, 'callback'>): Answered {
  return answered(
    (callback) => new AheadThen({ ...statement, callback }, [GENERIC_PLANS_UNTIL_SYNC]),
  );
}

/** A query for pg's `Client.query`, and the promise of its answer (to its callback). */
export interface Answered {
  query: unknown;
  answer: Promise<QueryResult>;
}

function answered(make: (callback: Callback) => unknown): Answered {
  let callback!: Callback;
  const answer = new Promise<QueryResult>((resolve, reject) => {
    callback = (error, result) => (error ? reject(error) : resolve(result));
  });
  return { query: make(callback), answer };
}

/**
 * A transaction's last statement sent with its COMMIT, in one message train
 * to the server (one Sync): the server commits as soon as the statement is
 * done, without waiting for the client to read the answer and send COMMIT.
 *
 * Why: a statement that takes a row every transaction of its kind needs (the
 * county's archive counter) holds it until COMMIT. Sent apart, the COMMIT
 * waits for the worker's event loop to read the answer, and on a busy machine
 * that loop is running other jobs: a season's approvals queued on the counter
 * for 31 ms each, two thirds of all the time PostgreSQL spent in statements
 * (docs/performance.md, "The archive number with the COMMIT").
 *
 * The statement must check what it wrote itself (`housing_expect`, which
 * raises): an error stops the COMMIT on the server and leaves the transaction
 * aborted, to be rolled back as usual. Once the answer is in, the transaction
 * has committed: the client answers the COMMIT that TypeORM sends after it
 * without sending it, and refuses a ROLLBACK, which could no longer undo it.
 */
class ThenCommit extends PgQuery {
  private completions = 0;

  override _getRows(connection: Connection, rows?: number): void {
    connection.execute({ portal: this.portal, rows });
    connection.parse({ text: 'COMMIT' });
    connection.bind({});
    connection.execute({});
    connection.sync();
  }

  override handleCommandComplete(message: unknown, connection: Connection): void {
    // The statement's completion is its answer; COMMIT's, the second, is not.
    this.completions += 1;
    if (this.completions === 1) super.handleCommandComplete(message, connection);
  }
}

/** The query to hand pg's `Client.query` for `statement` with COMMIT behind it, and its answer. */
export function thenCommit(statement: Omit<QueryConfig, 'callback'>): Answered {
  return answered((callback) => new ThenCommit({ ...statement, callback }));
}
