import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { prepareValue } from 'pg/lib/utils';
import {
  beginThen,
  closesTransaction,
  genericPlanThen,
  hasValues,
  opensTransaction,
  thenCommit,
  unsentResult,
} from './pipelined-queries';
import { marksGenericPlan } from './transaction-plans';

/**
 * A pg client that sends each parameterised statement as a named prepared
 * statement, parsed once per connection instead of at every execution.
 *
 * Why: the transition's statements are long (the read of seven subqueries,
 * the write of a dozen common table expressions) and the same few texts every
 * time. Parsing and analysing them anew was a fifth of PostgreSQL's samples
 * in a profile of the bench; named, its CPU per transition fell by about a
 * tenth (docs/performance.md, "Named statements, planned each time").
 * Planning is not saved by naming: the pool's sessions run with
 * `plan_cache_mode = force_custom_plan` (see `dataSourceOptions`), so every
 * execution is planned for its own values, as an unnamed statement is. Only
 * a transition's transaction switches to generic plans, made once and kept
 * (`SWITCH_TO_GENERIC_PLANS`), and the connection makes those anew on a
 * schedule (`planRefreshDue`).
 *
 * Bounded: a text is named only while fewer than `MAX_NAMED_TEXTS` texts have
 * been, and a connection prepares at most `MAX_PREPARED_PER_CONNECTION`
 * statements (PostgreSQL keeps each in the backend's memory until the
 * connection closes); past either bound a statement goes unnamed, as before.
 * Statements without parameters (transaction control, DDL) always do.
 *
 * A named statement keeps the columns of its result: after a migration that
 * changes them, PostgreSQL refuses it ("cached plan must not change result
 * type") on every connection that prepared it before, for as long as the
 * connection lives, where an unnamed statement would just be parsed again
 * (an old process runs on through a rolling deployment, docs/reliability.md).
 * So a text that selects `*` is never named (its columns are whatever the
 * schema has), and a text refused so once is not named again: its failure
 * is one statement's, not the connection's.
 *
 * It also sends a transaction's BEGIN with the transaction's first statement
 * instead of on a round trip of its own (pipelined-queries.ts).
 */
export class NamedStatementClient extends Client {
  /** Names this connection has prepared (pg skips the parse of a name it has). */
  readonly prepared = new Set<string>();
  /** Named executions since this connection's plans were last dropped. */
  namedRuns = 0;
  /** How many named executions the plans now cached may serve before they are dropped. */
  planLife = FIRST_PLAN_LIFE;
  /** A transaction was opened and its BEGIN not yet sent: it goes with the next statement (pipelined-queries.ts). */
  beginOwed = false;
  /** The next statement is its transaction's last: COMMIT goes with it (commitWithNextStatement). */
  commitWithNext = false;
  /** The transaction committed with its last statement: TypeORM's COMMIT is answered without being sent. */
  committedAhead = false;

  /** The next statement goes in a message train of its own: BEGIN ahead of it, or COMMIT behind it. */
  get trainOwed(): boolean {
    return this.beginOwed || this.commitWithNext;
  }
}

export const MAX_NAMED_TEXTS = 1000;
/**
 * The transition's read, prepared, holds about 96 KB of the backend's memory
 * (its query trees, measured before transitions kept their generic plans,
 * which add to it): 64 such statements are 6 MB a connection and more. The
 * hot paths use a few dozen texts.
 */
export const MAX_PREPARED_PER_CONNECTION = 64;

/**
 * A generic plan is made from the tables' sizes when it is made, and
 * PostgreSQL keeps it until the statement is deallocated or a table's
 * statistics or schema change. Where nothing analyses the tables (autovacuum
 * off, as on the bench's machine) or before it does (a new county's first
 * weeks, when every table grows from nothing), a plan made on a nearly empty
 * table would go on scanning it whole: measured, PostgreSQL's CPU per
 * transition grew two to four times. So a connection drops its cached plans
 * (`DISCARD PLANS`: the statements stay prepared, and each is analysed and
 * planned again at its next execution) after 16 named executions, then
 * after twice as many as the time before, and from 1,024 on at every 1,024:
 * a plan serves about as many executions as had run on its connection when
 * it was made, while the tables it reads grow by a like share. On a
 * connection that never runs generic plans (an API-only process) the drop
 * only costs each statement one more analysis per 1,024 executions.
 */
export const FIRST_PLAN_LIFE = 16;
export const LONGEST_PLAN_LIFE = 1024;

/** A statement's name: its text's hash, the same in every process and connection. */
const names = new Map<string, string>();
/** Texts PostgreSQL refused to run prepared since the schema changed under them. */
const stale = new Set<string>();

/** `SELECT *`, `RETURNING *`, `t.*`: the columns are the table's, whatever they are today (not `count(*)`). */
const STAR_COLUMNS = /(?:\bSELECT|\bRETURNING|,)\s*(?:\w+\.)?\*/i;
/** PostgreSQL's feature_not_supported, which a changed result type of a prepared statement raises. */
const STALE_RESULT_TYPE = '0A000';

function nameOf(text: string): string | null {
  if (stale.has(text)) return null;
  const known = names.get(text);
  if (known) return known;
  if (names.size >= MAX_NAMED_TEXTS || STAR_COLUMNS.test(text)) return null;
  const name = `s_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
  names.set(text, name);
  return name;
}

/** The name `client` should send `text` under, or null to send it unnamed. */
export function statementName(
  client: NamedStatementClient,
  text: unknown,
  values: unknown,
): string | null {
  if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0) return null;
  const name = nameOf(text);
  if (!name) return null;
  if (!client.prepared.has(name)) {
    if (client.prepared.size >= MAX_PREPARED_PER_CONNECTION) return null;
    client.prepared.add(name);
  }
  return name;
}

/** Counts a named execution on `client`; true when its cached plans are to be dropped before it. */
export function planRefreshDue(client: NamedStatementClient): boolean {
  client.namedRuns += 1;
  if (client.namedRuns < client.planLife) return false;
  client.namedRuns = 0;
  client.planLife = Math.min(client.planLife * 2, LONGEST_PLAN_LIFE);
  return true;
}

/** Whether `error` says a prepared statement's result changed under it: then `text` goes unnamed from now on. */
export function forgetIfStale(text: string, error: unknown): void {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code === STALE_RESULT_TYPE && typeof message === 'string' && message.includes('cached plan'))
    stale.add(text);
}

/**
 * The values as pg sends them, or null when pg cannot convert one. pg converts
 * them while binding, after the parse has gone out: a failure there makes it
 * close the statement on the server while it may still count it as prepared,
 * and every later use of the name on that connection would fail. Converted
 * here first, a value pg cannot send fails its query unnamed, as before.
 */
function sendable(values: unknown[]): unknown[] | null {
  try {
    return values.map((value) => prepareValue(value));
  } catch {
    return null;
  }
}

type Query<C extends Client = Client> = (
  this: C,
  config: unknown,
  values?: unknown,
  callback?: unknown,
) => unknown;
type Callback = (error: unknown, result: unknown) => void;
const plainQuery = Reflect.get(Client.prototype, 'query') as Query;

// pg's overloads of `query` all end in one implementation; this wraps it for
// the one form TypeORM uses, `query(text, values)`, and passes the rest on.
(NamedStatementClient.prototype as unknown as { query: Query<NamedStatementClient> }).query =
  function (
    this: NamedStatementClient,
    config: unknown,
    values?: unknown,
    callback?: unknown,
  ): unknown {
    if (typeof callback === 'function') {
      // Not TypeORM's form (a stream's, a cursor's): BEGIN, if owed, goes on its own.
      if (this.beginOwed)
        (plainQuery.call(this, 'BEGIN') as Promise<unknown>).catch(() => undefined);
      this.beginOwed = false;
      return send(this, config, values, callback, 'alone');
    }
    if (opensTransaction(config, values)) {
      this.beginOwed = true;
      return Promise.resolve(unsentResult('BEGIN'));
    }
    // Only while the server is idle: a flag left by a caller that never ended its
    // transaction must not swallow the COMMIT of the next one on this connection.
    if (this.committedAhead && this.getTransactionStatus() !== 'I') this.committedAhead = false;
    if (this.committedAhead && closesTransaction(config, values)) {
      this.committedAhead = false;
      if (config === 'COMMIT') return Promise.resolve(unsentResult(config));
      return Promise.reject(
        new Error('ROLLBACK of a transaction that committed with its last statement'),
      );
    }
    if (this.commitWithNext) {
      this.commitWithNext = false;
      if (!this.beginOwed && typeof config === 'string' && hasValues(values))
        return send(this, config, values, undefined, 'then-commit');
    }
    if (!this.beginOwed) return send(this, config, values, undefined, 'alone');
    this.beginOwed = false;
    // Nothing was sent since the BEGIN that was not: there is nothing to end.
    if (closesTransaction(config, values)) return Promise.resolve(unsentResult(config));
    return send(this, config, values, undefined, 'after-begin');
  };

/** The message trains a statement goes in with what is sent ahead of or behind it (pipelined-queries.ts). */
const TRAINS = {
  'after-begin': beginThen,
  'then-commit': thenCommit,
  'generic-plan': genericPlanThen,
} as const;

/**
 * Whether a named statement sent alone goes with the switch to generic plans
 * ahead of it: when `onGenericPlan` marked it and the connection is outside a
 * transaction, where the switch ends with the statement (inside one, it
 * would hold for the rest of the transaction). pg's transaction status is
 * that of its last ReadyForQuery, so it is read only while nothing is in
 * flight or queued on the connection: a BEGIN sent and not yet answered
 * would leave it saying idle. A stream's or cursor's query (a callback) is
 * left as it is.
 */
function onItsGenericPlan(client: NamedStatementClient, text: string, callback: unknown): boolean {
  if (typeof callback === 'function' || !marksGenericPlan(text)) return false;
  const nothingInFlight = (client as unknown as { readyForQuery: boolean }).readyForQuery;
  return nothingInFlight && client.getTransactionStatus() === 'I';
}

/**
 * Sends one statement, named when it may be, with BEGIN ahead of it when
 * `train` is 'after-begin', or with COMMIT behind it when it is 'then-commit'.
 * Alone, a named statement marked by `onGenericPlan` goes with the switch to
 * generic plans ahead of it.
 */
function send(
  client: NamedStatementClient,
  config: unknown,
  values: unknown,
  callback: unknown,
  train: 'alone' | 'after-begin' | 'then-commit',
): unknown {
  const name = statementName(client, config, values);
  const converted = hasValues(values) ? sendable(values) : null;
  const begin = train === 'after-begin';
  const then = train === 'then-commit';
  if (!converted || (train !== 'alone' && typeof config !== 'string')) {
    // With `then`, COMMIT is left to TypeORM, sent after it as before.
    // Not in one train: BEGIN on its own (a lost connection fails the statement too).
    if (begin) (plainQuery.call(client, 'BEGIN') as Promise<unknown>).catch(() => undefined);
    return plainQuery.call(client, config, values, callback);
  }
  const text = config as string;
  const together =
    train === 'alone' && name !== null && onItsGenericPlan(client, text, callback)
      ? 'generic-plan'
      : train;
  if (name && planRefreshDue(client)) {
    // Queued ahead of the statement, on this connection. It fails only where the
    // statement itself will (an aborted transaction, a lost connection), which
    // reports it; the next named execution tries again.
    (plainQuery.call(client, 'DISCARD PLANS') as Promise<unknown>).catch(() => {
      client.namedRuns = client.planLife - 1;
    });
  }
  const statement = name ? { name, text, values: converted } : { text, values: converted };
  const forget = (error: unknown) => {
    if (name) forgetIfStale(text, error);
  };
  if (together !== 'alone') {
    const { query, answer } = TRAINS[together](statement);
    plainQuery.call(client, query);
    return answer.then(
      (result) => {
        // Answered whole: the statement and its COMMIT both succeeded.
        if (then) client.committedAhead = true;
        return result;
      },
      (error: unknown) => {
        forget(error);
        // The statement's parse failed ahead of BEGIN: no transaction was opened,
        // so the next statement opens it, as TypeORM expects.
        if (begin && !(query as { beginAnswered?: boolean }).beginAnswered) client.beginOwed = true;
        throw error;
      },
    );
  }
  if (typeof callback === 'function')
    return plainQuery.call(client, statement, (error: unknown, result: unknown) => {
      if (error) forget(error);
      (callback as Callback)(error, result);
    });
  return (plainQuery.call(client, statement) as Promise<unknown>).catch((error: unknown) => {
    forget(error);
    throw error;
  });
}
