import type { EntityManager } from 'typeorm';
import { heldConnection } from './held-connection';
import { NamedStatementClient } from './named-statement-client';

/**
 * Asks that the transaction of `tx` commit with its next statement, sent
 * with its COMMIT in one message train (`thenCommit` in pipelined-queries.ts:
 * why, and what the statement must do). True when it will; false outside a
 * transaction, or on a connection that sends statements one by one (named
 * statements off), where TypeORM's COMMIT ends it as before.
 */
export function commitWithNextStatement(tx: EntityManager): boolean {
  const client = heldConnection(tx);
  if (!tx.queryRunner?.isTransactionActive || !(client instanceof NamedStatementClient))
    return false;
  client.commitWithNext = true;
  return true;
}
