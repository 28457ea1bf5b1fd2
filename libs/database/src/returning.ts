import { EntityManager } from 'typeorm';

/**
 * Rows of an `UPDATE`/`DELETE … RETURNING` run with TypeORM's `query()`, which
 * answers `[rows, affectedCount]` for those statements on PostgreSQL (and the
 * rows alone for SELECT and INSERT). Reading the pair as rows was a bug here
 * three times; every such statement goes through this.
 */
export async function updateReturning<T>(
  db: Pick<EntityManager, 'query'>,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const result: unknown = await db.query(sql, params);
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}
