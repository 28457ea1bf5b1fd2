import { EntityManager } from 'typeorm';

/** A statement written with its own placeholders `$1…$n`, and their values. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * A statement's SQL with its placeholders moved up by `offset`, to sit in a
 * larger statement after `offset` other values. Every value must be used and
 * every placeholder have a value. Every `$<digits>` counts as a placeholder,
 * also inside a string literal or a dollar-quoted string: the SQL must hold
 * none there.
 */
export function renumbered(statement: Statement, offset: number): string {
  const { chunks, placeholders } = split(statement);
  let sql = chunks[0];
  for (let i = 0; i < placeholders.length; i++)
    sql += `$${offset + placeholders[i]}${chunks[i + 1]}`;
  return sql;
}

interface SplitSql {
  /** The text around the placeholders: one more chunk than placeholders. */
  chunks: string[];
  placeholders: number[];
  /** How many distinct placeholders: the values a statement must bring. */
  distinct: number;
}

/** Statements' SQL split at their placeholders, once per distinct text (the hot path's are few). */
const splits = new Map<string, SplitSql>();
const MAX_SPLITS = 1000;

function split(statement: Statement): SplitSql {
  const known = splits.get(statement.sql);
  if (known) {
    checkValues(known, statement);
    return known;
  }
  const parts = statement.sql.split(/\$(\d+)/);
  const placeholders = parts.filter((_, i) => i % 2 === 1).map(Number);
  const result: SplitSql = {
    chunks: parts.filter((_, i) => i % 2 === 0),
    placeholders,
    distinct: new Set(placeholders).size,
  };
  checkValues(result, statement);
  if (splits.size < MAX_SPLITS) splits.set(statement.sql, result);
  return result;
}

function checkValues({ placeholders, distinct }: SplitSql, statement: Statement): void {
  const given = statement.params.length;
  for (const k of placeholders) {
    if (k < 1 || k > given) throw new Error(`placeholder $${k} has no value (${given} given)`);
  }
  if (distinct !== given) throw new Error(`${given} values for ${distinct} placeholders`);
}

/**
 * One row of several scalar subqueries, `SELECT (q1) AS a, (q2) AS b`: reads
 * that would each be a round trip, in one.
 */
export function selectRow(columns: Record<string, Statement>): Statement {
  const list: string[] = [];
  const params: unknown[] = [];
  for (const [name, q] of Object.entries(columns)) {
    list.push(`(${renumbered(q, params.length)}) AS ${name}`);
    params.push(...q.params);
  }
  return { sql: `SELECT ${list.join(',\n       ')}`, params };
}

/**
 * Several data-modifying statements sent as ONE statement: each becomes a
 * common table expression of `WITH w1 AS (…), w2 AS (…) SELECT …`, so a whole
 * set of writes costs one round trip and one parse instead of one each.
 *
 * PostgreSQL's rules for data-modifying CTEs apply, and callers must respect
 * them: every part runs against the snapshot taken when the statement starts,
 * so no part sees another part's changes; and no row may be changed by two
 * parts (which change wins is unpredictable). A part's `RETURNING` rows can
 * be read by the final `SELECT` under the name `add` answers, which is how a
 * caller checks a conditional write (e.g. how many rows a claim took).
 *
 * Placeholders are renumbered (see `renumbered`).
 */
export class WriteBatch {
  private readonly parts: string[] = [];
  private readonly params: unknown[] = [];

  /** Adds a part; answers its CTE name for the final `SELECT`. */
  add(statement: Statement): string {
    const name = `w${this.parts.length + 1}`;
    this.parts.push(`${name} AS (${renumbered(statement, this.params.length)})`);
    this.params.push(...statement.params);
    return name;
  }

  get size(): number {
    return this.parts.length;
  }

  /** The one statement, with `select` (which may name the parts) as its final query. */
  toStatement(select = 'SELECT 1 AS done'): Statement {
    if (this.parts.length === 0) return { sql: select, params: [] };
    return { sql: `WITH ${this.parts.join(',\n')}\n${select}`, params: [...this.params] };
  }

  /** Sends the batch; answers the final query's single row. */
  async run<T = Record<string, unknown>>(
    db: Pick<EntityManager, 'query'>,
    select?: string,
  ): Promise<T> {
    const { sql, params } = this.toStatement(select);
    const rows: T[] = await db.query(sql, params);
    return rows[0];
  }
}
