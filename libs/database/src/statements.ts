import { EntityManager } from 'typeorm';

/** A statement written with its own placeholders `$1…$n`, and their values. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * A statement's SQL with its placeholders moved up by `offset`, to sit in a
 * larger statement after `offset` other values. Every value must be used and
 * every placeholder have a value; the SQL must hold no other `$` (no
 * dollar-quoted strings).
 */
export function renumbered(statement: Statement, offset: number): string {
  const used = new Set<number>();
  const sql = statement.sql.replace(/\$(\d+)/g, (_, n: string) => {
    const k = Number(n);
    if (k < 1 || k > statement.params.length)
      throw new Error(`placeholder $${k} has no value (${statement.params.length} given)`);
    used.add(k);
    return `$${offset + k}`;
  });
  if (used.size !== statement.params.length)
    throw new Error(`${statement.params.length} values for ${used.size} placeholders`);
  return sql;
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
 * parts (only one of the changes would happen). A part's `RETURNING` rows can
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
