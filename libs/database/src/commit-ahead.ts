import type { EntityManager } from 'typeorm';
import { NamedStatementClient } from './named-statement-client';

/**
 * Asks that the transaction of `tx` commit with its next statement, sent
 * with its COMMIT in one message train (`thenCommit` in pipelined-queries.ts:
 * why, and what the statement must do). True when it will; false on a connection that sends statements one
 * by one (named statements off), where TypeORM's COMMIT ends it as before.
 */
export function commitWithNextStatement(tx: EntityManager): boolean {
  const client = (tx.queryRunner as { databaseConnection?: unknown } | undefined)
    ?.databaseConnection;
  if (!(client instanceof NamedStatementClient)) return false;
  client.commitWithNext = true;
  return true;
}
