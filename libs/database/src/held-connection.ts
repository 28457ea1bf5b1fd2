import type { EntityManager } from 'typeorm';

/**
 * The pg client that the query runner of `tx` holds (a transaction's
 * connection), or undefined before it has connected or for a manager without
 * a runner of its own. TypeORM keeps it as PostgresQueryRunner's
 * `databaseConnection`, outside its QueryRunner interface.
 */
export function heldConnection(tx: EntityManager): unknown {
  return (tx.queryRunner as { databaseConnection?: unknown } | undefined)?.databaseConnection;
}
