import { EntityManager } from 'typeorm';
import { Application, applicationById } from '@app/applications';

/**
 * Locks the application's row for the rest of the transaction: every command
 * and timer for one application is applied one after another, whatever the
 * number of workers; a loser sees the winner's state and is refused by the rules.
 */
export function lockApplication(tx: EntityManager, id: string): Promise<Application | null> {
  return applicationById(tx, id, { forUpdate: true });
}
