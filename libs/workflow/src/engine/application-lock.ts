import { EntityManager } from 'typeorm';
import { Application } from '@app/applications';
import { entityFromRow } from '@app/database';

/**
 * Locks the application's row for the rest of the transaction: every command
 * and timer for one application is applied one after another, whatever the
 * number of workers; a loser sees the winner's state and is refused by the rules.
 * Plain SQL mapped by the entity's metadata: this runs for every transition.
 */
export async function lockApplication(tx: EntityManager, id: string): Promise<Application | null> {
  const rows: Record<string, unknown>[] = await tx.query(
    `SELECT * FROM applications WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return rows[0]
    ? entityFromRow<Application>(tx.connection.getMetadata(Application), rows[0])
    : null;
}
