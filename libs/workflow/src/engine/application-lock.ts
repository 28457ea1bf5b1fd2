import { EntityManager } from 'typeorm';
import { Application } from '@app/applications';
import { columnList, entityFromRow, SWITCH_TO_GENERIC_PLANS } from '@app/database';

/**
 * Locks the application's row for the rest of the transaction: every command
 * and timer for one application is applied one after another, whatever the
 * number of workers; a loser sees the winner's state and is refused by the rules.
 *
 * The same statement switches the rest of the transaction to generic plans
 * (see SWITCH_TO_GENERIC_PLANS): the transition's read and write are planned
 * once for many executions on a connection, not at every one.
 */
export async function lockApplication(tx: EntityManager, id: string): Promise<Application | null> {
  const metadata = tx.connection.getMetadata(Application);
  const [row]: Record<string, unknown>[] = await tx.query(
    `SELECT ${columnList(metadata)}, ${SWITCH_TO_GENERIC_PLANS} AS plan_mode
       FROM applications WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return row ? entityFromRow<Application>(metadata, row) : null;
}
