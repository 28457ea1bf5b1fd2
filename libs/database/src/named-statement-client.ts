import { createHash } from 'node:crypto';
import { Client } from 'pg';

/**
 * A pg client that sends each parameterised statement as a named prepared
 * statement, parsed once per connection instead of at every execution.
 *
 * Why: the transition's statements are long (the read of seven subqueries,
 * the write of a dozen common table expressions) and the same few texts every
 * time. Parsing and analysing them anew was a fifth of PostgreSQL's samples
 * in a profile of the bench; named, its CPU per transition fell by about a
 * tenth (docs/performance.md, "Named statements, planned each time"). Planning
 * is NOT saved: the pool's sessions run with
 * `plan_cache_mode = force_custom_plan` (see `dataSourceOptions`), so every
 * execution is planned for its own values, as an unnamed statement is. A
 * generic plan, made once and kept, was measured twice as expensive: made
 * while a table was nearly empty, it kept scanning it as it grew.
 *
 * Bounded: a text is named only while fewer than `MAX_NAMED_TEXTS` texts have
 * been, and a connection prepares at most `MAX_PREPARED_PER_CONNECTION`
 * statements (PostgreSQL keeps each in the backend's memory until the
 * connection closes); past either bound a statement goes unnamed, as before.
 * Statements without parameters (transaction control, DDL) always do.
 */
export class NamedStatementClient extends Client {
  /** Names this connection has prepared (pg skips the parse of a name it has). */
  readonly prepared = new Set<string>();
}

export const MAX_NAMED_TEXTS = 1000;
/**
 * The transition's read, prepared, holds about 96 KB of the backend's memory
 * (its query trees; no plan is kept): 64 such statements are 6 MB a
 * connection. The hot paths use a few dozen texts.
 */
export const MAX_PREPARED_PER_CONNECTION = 64;

/** A statement's name: its text's hash, the same in every process and connection. */
const names = new Map<string, string>();

function nameOf(text: string): string | null {
  const known = names.get(text);
  if (known) return known;
  if (names.size >= MAX_NAMED_TEXTS) return null;
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

type Query = (this: Client, config: unknown, values?: unknown, callback?: unknown) => unknown;
const plainQuery = Reflect.get(Client.prototype, 'query') as Query;

// pg's overloads of `query` all end in one implementation; this wraps it for
// the one form TypeORM uses, `query(text, values)`, and passes the rest on.
(NamedStatementClient.prototype as unknown as { query: Query }).query = function (
  this: Client,
  config: unknown,
  values?: unknown,
  callback?: unknown,
): unknown {
  const name = statementName(this as NamedStatementClient, config, values);
  if (!name) return plainQuery.call(this, config, values, callback);
  const named = { name, text: config as string, values: values as unknown[] };
  return callback === undefined
    ? plainQuery.call(this, named)
    : plainQuery.call(this, named, callback);
};
