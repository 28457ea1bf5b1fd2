import { createHash } from 'node:crypto';
import { DatabaseError, Pool, PoolClient, QueryResult } from 'pg';
import {
  DataSource,
  EntityManager,
  QueryFailedError,
  QueryRunnerAlreadyReleasedError,
} from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';

/**
 * Distinct texts that get a name, and how often a text is seen before it gets
 * one. The hot statements have a few dozen shapes (a command's effects, the
 * columns it changes, a household's size); a text seen once is sent unnamed,
 * so a rare shape neither takes a name from a hot one nor leaves a plan cached
 * on every connection of the pool.
 */
const MAX_NAMED_TEXTS = 500;
const SIGHTINGS_BEFORE_NAMING = 2;
const names = new Map<string, string>();
const sightings = new Map<string, number>();
let enabled = true;

/** DATABASE_PREPARED_STATEMENTS: when off, `prepared` sends every text unnamed (set at start-up). */
export function usePreparedStatements(on: boolean): void {
  enabled = on;
}

function nameOf(text: string): string | undefined {
  if (!enabled) return undefined;
  const known = names.get(text);
  if (known !== undefined || names.size >= MAX_NAMED_TEXTS) return known;
  const seen = (sightings.get(text) ?? 0) + 1;
  if (seen < SIGHTINGS_BEFORE_NAMING) {
    if (sightings.size < MAX_NAMED_TEXTS * 4) sightings.set(text, seen);
    return undefined;
  }
  sightings.delete(text);
  const name = `s_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
  names.set(text, name);
  return name;
}

/**
 * Server errors after which a connection's prepared statement of that name
 * cannot be used again: the statement is gone (26000), or a migration changed
 * what it returns (0A000, "cached plan must not change result type"), or the
 * server holds a name node-postgres does not know of (42P05). node-postgres
 * keeps believing the statement is there, so that connection sends the text
 * unnamed from then on.
 */
const UNUSABLE_STATEMENT = new Set(['26000', '0A000', '42P05']);
const unusable = new WeakMap<object, Set<string>>();

/**
 * `query(sql, params)` that sends each frequent text as a named prepared
 * statement, on the transaction's connection when `db` is a transaction's
 * manager, else on a connection of the pool. PostgreSQL then parses a text
 * once per connection (and plans it once, when its generic plan is no
 * costlier than a custom one) instead of on every call: on the hot statements
 * (the lock, the transition's read and write, GET's reads) parse and plan
 * were most of PostgreSQL's time (0.3 ms parse and 0.5 ms plan for 0.3–0.8 ms
 * of execution).
 *
 * Answers as TypeORM's `query()` does (rows; `[rows, count]` for UPDATE and
 * DELETE) and throws its QueryFailedError, so a caller cannot tell the two
 * apart; TypeORM's query logging is skipped (none is configured).
 */
export function prepared(db: DataSource | EntityManager): Pick<EntityManager, 'query'> {
  return {
    query: async (sql: string, params: unknown[] = []) => {
      let raw: QueryResult;
      try {
        raw = await onConnectionOf(db, (client) => sendOn(client, sql, params));
      } catch (error) {
        if (error instanceof QueryRunnerAlreadyReleasedError) throw error;
        throw new QueryFailedError(sql, params, error as Error);
      }
      const rows: unknown[] = raw.rows;
      return raw.command === 'UPDATE' || raw.command === 'DELETE' ? [rows, raw.rowCount] : rows;
    },
  } as Pick<EntityManager, 'query'>;
}

async function sendOn(client: PoolClient, text: string, values: unknown[]): Promise<QueryResult> {
  let name = nameOf(text);
  if (name !== undefined && unusable.get(client)?.has(name)) name = undefined;
  try {
    return await client.query({ name, text, values });
  } catch (error) {
    if (
      name !== undefined &&
      error instanceof DatabaseError &&
      UNUSABLE_STATEMENT.has(error.code ?? '')
    ) {
      const names = unusable.get(client) ?? new Set<string>();
      unusable.set(client, names.add(name));
    }
    throw error;
  }
}

/**
 * Runs `work` on the transaction's connection, or on one taken from the pool
 * and given back; a pooled connection is discarded only when the connection
 * itself failed, not for an error the server answered (as TypeORM does).
 */
async function onConnectionOf<T>(
  db: DataSource | EntityManager,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const runner = db instanceof EntityManager ? db.queryRunner : undefined;
  if (runner) {
    if (runner.isReleased) throw new QueryRunnerAlreadyReleasedError();
    return work((await (runner as PostgresQueryRunner).connect()) as PoolClient);
  }
  const source = db instanceof EntityManager ? db.connection : db;
  const pool = (source.driver as PostgresDriver).master as Pool;
  const client = await pool.connect();
  let broken: Error | undefined;
  // A connection that dies while checked out emits 'error'; pg-pool listens only while it is
  // idle, and an 'error' without a listener ends the process (TypeORM's runner listens too).
  const onError = (error: Error) => (broken = error);
  client.on('error', onError);
  try {
    return await work(client);
  } catch (error) {
    if (!(error instanceof DatabaseError)) broken = error as Error;
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
